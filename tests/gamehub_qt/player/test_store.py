"""The store page: search, sort, details, install with progress, cancel, repair, updates."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from gamehub_qt.player import PlayerTab
from gamehub_qt.player import installer as installer_module
from hub_core.client.installs import install, read_installed
from tests.gamehub_qt.player.conftest import Developer
from tests.hub_core.gamefactory import make_game, random_bytes


def pick(qtbot: QtBot, tab: PlayerTab, name: str) -> None:
    """Selects a game in the list and waits for its full details (versions arrive)."""
    tab.store.list.select(name)
    details = tab.store.details
    qtbot.waitUntil(lambda: details.name == name and details.versions.topLevelItemCount() > 0)


def test_search_filters_the_list(qtbot: QtBot, ann: PlayerTab) -> None:
    games = ann.store.list
    games.search.setText("scissors")
    assert games.visible_names() == ["gamehub-rps"]
    games.search.setText("WINDOW")  # descriptions count too, in any case
    assert "gamehub-rps" not in games.visible_names()
    games.search.setText("")
    assert len(games.visible_names()) == 3


def test_find_goes_to_the_search_box_from_any_page(qtbot: QtBot, ann: PlayerTab) -> None:
    """The window's Ctrl+F calls this from any tab (tests/gamehub_qt/shell/test_find.py)."""
    ann.window().activateWindow()
    ann.tabs.setCurrentWidget(ann.rooms)
    ann.find_games()
    assert ann.tabs.currentWidget() is ann.store
    qtbot.waitUntil(ann.store.list.search.hasFocus)
    qtbot.keyClicks(ann.store.list.search, "tetr")
    assert ann.store.list.visible_names() == ["gamehub-tetris"]


def test_sort_by_players_puts_the_biggest_rooms_first(ann: PlayerTab) -> None:
    games = ann.store.list
    games.sort.setCurrentIndex(games.sort.findText("Sort by players"))
    assert games.visible_names()[0] == "gamehub-dots"  # up to 4 players
    games.sort.setCurrentIndex(games.sort.findText("Sort by name"))
    assert games.visible_names() == ["gamehub-dots", "gamehub-rps", "gamehub-tetris"]


def test_details_show_the_game(qtbot: QtBot, ann: PlayerTab) -> None:
    pick(qtbot, ann, "gamehub-rps")
    details = ann.store.details
    assert details.title.text() == "Rock Paper Scissors"
    assert "CLI game" in details.facts.text() and "GameHub" in details.facts.text()
    assert "Best of three" in details.description.text()
    assert details.versions.topLevelItem(0).text(0) == "1.0.0"
    assert details.action.text() == "Install"


def test_the_details_pane_shows_only_its_own_games_installs(qtbot: QtBot, ann: PlayerTab) -> None:
    details = ann.store.details
    ann.store.list.select("gamehub-rps")
    qtbot.waitUntil(lambda: details.name == "gamehub-rps", timeout=5000)
    with qtbot.waitSignal(ann.installer.ended, timeout=20000):
        ann.installer.install("gamehub-dots")  # as the room page or My games would
    assert not details.bar.result.isVisibleTo(details)  # not shown as rps's
    ann.store.list.select("gamehub-dots")
    qtbot.waitUntil(lambda: details.bar.result.isVisibleTo(details), timeout=5000)
    assert details.bar.result.text().startswith("Installed Dots")
    ann.store.list.select("gamehub-rps")
    assert not details.bar.result.isVisibleTo(details)


def test_install_shows_progress_then_installed(qtbot: QtBot, ann: PlayerTab) -> None:
    pick(qtbot, ann, "gamehub-rps")
    details = ann.store.details
    with qtbot.waitSignal(ann.installer.progress, timeout=10000):
        details.action.click()
    qtbot.waitUntil(lambda: details.action.text() == "Installed", timeout=10000)
    assert not details.action.isEnabled()
    assert details.repair.isVisible()
    assert "Installed Rock Paper Scissors 1.0.0" in details.bar.result.text()
    assert "MB/s" in details.bar.rate.text()
    installed = read_installed(ann.state.games_root(), "gamehub-rps")
    assert installed is not None and installed.version == "1.0.0"
    qtbot.waitUntil(lambda: ann.my_games.games.topLevelItemCount() == 1)


def test_the_button_says_installed_when_the_install_ends(qtbot: QtBot, ann: PlayerTab) -> None:
    """The install brings its record back: no second trip to re-read every game first."""
    pick(qtbot, ann, "gamehub-rps")
    details = ann.store.details
    states: list[str] = []
    ann.installer.ended.connect(lambda *_: states.append(details.action.text()))
    with qtbot.waitSignal(ann.installer.ended, timeout=10000):
        details.action.click()
    assert states == ["Installed"]
    assert ann.state.installed["gamehub-rps"].version == "1.0.0"


def test_progress_reaches_the_window_at_most_every_50_ms(
    qtbot: QtBot, ann: PlayerTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many reports the install makes, the Qt thread gets one per 50 ms at most
    (the clock stands still here), and always the first and the last."""
    monkeypatch.setattr(installer_module, "monotonic", lambda: 1000.0)
    real = installer_module.install

    async def chatty(*args: Any, progress: Any, **kwargs: Any) -> Any:
        for n in range(1, 1001):
            progress(n, 2000)
        return await real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(installer_module, "install", chatty)
    seen: list[tuple[int, int]] = []
    ann.installer.progress.connect(lambda done, total: seen.append((done, total)))
    pick(qtbot, ann, "gamehub-rps")
    with qtbot.waitSignal(ann.installer.ended, timeout=10000):
        ann.store.details.action.click()
    assert seen[0] == (1, 2000)
    assert len(seen) == 3 and seen[-1][0] == seen[-1][1] > 0


def test_repair_fixes_a_corrupted_file(qtbot: QtBot, ann: PlayerTab) -> None:
    root = ann.state.games_root()
    client = ann.context.player.client
    assert client is not None
    ann.context.net.call(install(client, "gamehub-rps", root))
    ann.state.refresh_installed()
    pick(qtbot, ann, "gamehub-rps")
    qtbot.waitUntil(ann.store.details.repair.isVisible)
    installed = read_installed(root, "gamehub-rps")
    assert installed is not None
    damaged = installed.folder / "rps_rules.py"
    good = damaged.read_bytes()
    damaged.write_bytes(b"# broken\n")
    with qtbot.waitSignal(ann.installer.ended, timeout=10000) as ended:
        ann.store.details.repair.click()
    assert ended.args == ["Rock Paper Scissors: repaired 1 file(s).", True]
    assert damaged.read_bytes() == good


def slow_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, installs from the app hang on block requests, so a test can cancel one."""
    real = installer_module.install

    async def slowed(client: Any, *args: Any, **kwargs: Any) -> Any:
        fetch = client.fetch_blocks

        async def slow(*more: Any, **options: Any) -> Any:
            await asyncio.sleep(60)
            return await fetch(*more, **options)

        client.fetch_blocks = slow
        try:
            return await real(client, *args, **kwargs)
        finally:
            del client.fetch_blocks

    monkeypatch.setattr(installer_module, "install", slowed)


def test_cancelled_install_leaves_nothing_installed(
    qtbot: QtBot, ann: PlayerTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_fetches(monkeypatch)
    pick(qtbot, ann, "gamehub-rps")
    details = ann.store.details
    with qtbot.waitSignal(ann.installer.progress, timeout=10000):
        details.action.click()
    assert details.bar.cancel.isVisible()
    with qtbot.waitSignal(ann.installer.ended) as ended:
        details.bar.cancel.click()
    assert ended.args == ["Cancelled: Rock Paper Scissors was not installed.", False]
    assert read_installed(ann.state.games_root(), "gamehub-rps") is None
    assert details.action.text() == "Install" and details.action.isEnabled()


def big_game(folder: Path, version_byte: bytes) -> Path:
    data = random_bytes(3 * 512 * 1024) + version_byte
    return make_game(folder, "bigdemo", files={"data.bin": data}, description="A big demo.")


def test_update_badge_and_cancelled_update_keeps_the_old_version(
    qtbot: QtBot,
    ann: PlayerTab,
    developer: Developer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    developer.publish(big_game(tmp_path / "v1", b"1"), "1.0.0")
    qtbot.waitUntil(lambda: "bigdemo" in ann.store.list.visible_names(), timeout=5000)
    pick(qtbot, ann, "bigdemo")
    details = ann.store.details
    with qtbot.waitSignal(ann.installer.ended, timeout=20000):
        details.action.click()

    developer.publish(big_game(tmp_path / "v2", b"2"), "1.1.0")  # the store updates live
    qtbot.waitUntil(lambda: details.action.text() == "Update", timeout=5000)
    qtbot.waitUntil(lambda: details.versions.topLevelItemCount() == 2)
    row = ann.store.list.visible_names().index("bigdemo")
    badge = ann.store.list.proxy.index(row, 4).data()
    assert badge == "Update available (1.0.0 → 1.1.0)"
    assert details.versions.topLevelItem(0).text(0) == "1.1.0"  # newest first

    slow_fetches(monkeypatch)
    with qtbot.waitSignal(ann.installer.progress, timeout=10000):
        details.action.click()
    with qtbot.waitSignal(ann.installer.ended) as ended:
        details.bar.cancel.click()
    assert ended.args == ["Cancelled: BIGDEMO 1.0.0 stays installed.", False]
    installed = read_installed(ann.state.games_root(), "bigdemo")
    assert installed is not None and installed.version == "1.0.0"
