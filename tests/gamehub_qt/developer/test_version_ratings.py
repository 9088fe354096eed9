"""My games: a game's rating per version, and the version each review was written for."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gamehub_qt.developer.tab import DeveloperTab
from hub_core.server.thread import HubThread
from tests.gamehub_qt.developer.conftest import WAIT_MS
from tests.hub_core.reviewing import review_two_versions

SHOTS = Path("/tmp/h4_shots")


def test_my_games_shows_ratings_per_version(
    qtbot: QtBot, dev_tab: DeveloperTab, hub: HubThread, tmp_path: Path
) -> None:
    context = dev_tab.context
    developer = context.developer.client
    assert developer is not None
    context.net.call(review_two_versions(hub, developer, tmp_path / "pong"), timeout=60)
    games = dev_tab.my_games
    ratings = games.ratings
    # No Refresh: the reviews' store events fetch the list again.
    qtbot.waitUntil(lambda: len(ratings.rows) == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ratings.text(0, 2) == "2", timeout=WAIT_MS)
    rows = [[ratings.text(r, c) for c in range(3)] for r in range(3)]
    assert rows == [
        ["1.1.0", "★★★★☆ 3.5", "2"],
        ["1.0.0", "★★★★★ 5.0", "1"],
        ["Earlier version", "★☆☆☆☆ 1.0", "1"],
    ]
    assert games.details.tabText(2) == "Ratings by version"
    versions = {games.reviews.text(r, 0): games.reviews.text(r, 3) for r in range(4)}
    assert versions == {"carl": "1.1.0", "ann": "1.1.0", "bob": "1.0.0", "olga": "Earlier version"}
    SHOTS.mkdir(exist_ok=True)
    dev_tab.resize(1000, 640)
    dev_tab.show()
    games.details.setCurrentIndex(2)
    dev_tab.grab().save(str(SHOTS / "developer-ratings.png"))
    games.details.setCurrentIndex(1)
    dev_tab.grab().save(str(SHOTS / "developer-reviews.png"))
