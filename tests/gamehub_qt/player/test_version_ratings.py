"""The store's details pane: average and count per version, and each review's version."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gamehub_qt.player import PlayerTab
from hub_core.server.thread import HubThread
from tests.gamehub_qt.player.conftest import Developer, log_in, register
from tests.hub_core.reviewing import review_two_versions

SHOTS = Path("/tmp/h4_shots")


def test_store_page_shows_ratings_per_version(
    qtbot: QtBot, tab: PlayerTab, developer: Developer, hub: HubThread, tmp_path: Path
) -> None:
    context = tab.context
    dev = context.developer.client
    assert dev is not None
    context.net.call(review_two_versions(hub, dev, tmp_path / "pong"), timeout=60)
    register(context, "pia")
    log_in(qtbot, tab, "pia")
    tab.store.list.select("pong")
    details = tab.store.details
    ratings = details.ratings
    qtbot.waitUntil(lambda: ratings.topLevelItemCount() == 3, timeout=10_000)
    rows = [[ratings.text(r, c) for c in range(3)] for r in range(3)]
    assert rows == [
        ["1.1.0 (latest)", "★★★★☆ 3.5", "2"],
        ["1.0.0", "★★★★★ 5.0", "1"],
        ["Earlier version", "★☆☆☆☆ 1.0", "1"],
    ]
    assert ratings.isVisible() and details.ratings_label.text() == "Ratings by version"
    items = [details.reviews.topLevelItem(i) for i in range(details.reviews.topLevelItemCount())]
    by_player = {item.text(0): item.text(2) for item in items if item is not None}
    assert by_player == {"carl": "1.1.0", "ann": "1.1.0", "bob": "1.0.0", "olga": "Earlier version"}
    SHOTS.mkdir(exist_ok=True)
    tab.window().resize(1100, 760)
    tab.grab().save(str(SHOTS / "store-ratings.png"))
