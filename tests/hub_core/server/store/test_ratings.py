"""Ratings per version through a real hub: two versions, reviews on each, an old record."""

from __future__ import annotations

from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.server.thread import HubThread
from hub_core.wire.schema import VersionRating
from tests.hub_core.reviewing import EXPECTED, publish_pong, review_two_versions


def rows(ratings: list[VersionRating]) -> list[tuple[str, float | None, int]]:
    return [(r.version, r.avg_rating, r.review_count) for r in ratings]


async def test_reviews_are_filed_under_the_version_played(
    hub: HubThread, client: HubClient, tmp_path: Path
) -> None:
    await client.register("developer", "dana", "secret")
    await client.login("developer", "dana", "secret")
    await review_two_versions(hub, client, tmp_path / "pong")
    details = await client.game_details("pong")
    assert rows(details.ratings) == EXPECTED
    assert (details.avg_rating, details.review_count) == (3.25, 4)
    by_player = {r.player: r.version for r in details.reviews}
    # bob changed his review after 1.1.0 came out but played only 1.0.0: it stays there.
    assert by_player == {"carl": "1.1.0", "ann": "1.1.0", "bob": "1.0.0", "olga": ""}
    [mine] = await client.my_games()  # the developer's view carries the same figures
    assert rows(mine.ratings) == EXPECTED

    await publish_pong(client, tmp_path / "pong", "2.0.0")
    assert rows((await client.game_details("pong")).ratings) == [("2.0.0", None, 0), *EXPECTED]
