"""A game's libraries in the Player tab, on a real hub: the store lists them, and when none
of a library's wheels fits this machine Install and the room's Ready wait, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.tags import Tag, sys_tags
from pytestqt.qtbot import QtBot

from gamehub_qt.player import PlayerTab
from gamehub_qt.player import libraries as app_libraries
from hub_core.client.publishing import Libraries
from hub_core.packages.wheels import platform_label
from tests.gamehub_qt.developer.test_publish_runcheck import SHOTS
from tests.gamehub_qt.player.conftest import Developer
from tests.gamehub_qt.player.test_rooms import START, create_room, page_of
from tests.gamehub_qt.player.test_store import pick
from tests.hub_core.gamefactory import make_playable_game, make_wheel

WAIT_MS = 10_000


def publish_with_wheel(developer: Developer, tmp_path: Path, name: str, wheel: str) -> None:
    """Publishes a game that requires tinylib, whose only wheel is ``wheel``."""
    folder = tmp_path / "wheels" / name
    make_wheel(folder, wheel, {"tinylib.py": b"ANSWER = 42\n"})
    game = make_playable_game(tmp_path / name, name)
    developer.publish(game, "1.0.0", Libraries(requires=("tinylib",), wheels_dir=folder))


def test_a_library_with_no_build_here_holds_install_and_says_what_is_missing(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    # A platform no machine has: the hub stores it, but no player can install it.
    publish_with_wheel(developer, tmp_path, "faraway", "tinylib-1.0-py3-none-nowhere_os.whl")
    qtbot.waitUntil(lambda: "faraway" in ann.state.games, timeout=WAIT_MS)
    pick(qtbot, ann, "faraway")
    details = ann.store.details
    qtbot.waitUntil(details.no_build.isVisible, timeout=WAIT_MS)
    assert details.no_build.text() == (
        f"tinylib has no build for {platform_label()} on this hub — the developer can publish one."
    )
    assert details.action.text() == "Install" and not details.action.isEnabled()
    assert not details.play.isEnabled()
    assert details.libraries.text() == "Libraries: tinylib 1.0"
    SHOTS.mkdir(parents=True, exist_ok=True)
    details.grab().save(str(SHOTS / "store-no-build.png"))


def test_a_game_whose_libraries_fit_lists_them_and_installs(
    qtbot: QtBot, ann: PlayerTab, developer: Developer, tmp_path: Path
) -> None:
    publish_with_wheel(developer, tmp_path, "nearby", "tinylib-1.0-py3-none-any.whl")
    qtbot.waitUntil(lambda: "nearby" in ann.state.games, timeout=WAIT_MS)
    details = ann.store.details
    pick(qtbot, ann, "gamehub-rps")  # a game without libraries is as before
    assert details.libraries.isHidden() and details.no_build.isHidden()
    assert details.action.isEnabled()
    pick(qtbot, ann, "nearby")
    qtbot.waitUntil(details.libraries.isVisible, timeout=WAIT_MS)
    assert details.libraries.text() == "Libraries: tinylib 1.0"
    assert details.no_build.isHidden() and details.action.isEnabled()
    with qtbot.waitSignal(ann.installer.ended, timeout=WAIT_MS) as ended:
        details.action.click()
    assert ended.args is not None and ended.args[1] is True
    assert ann.state.installed["nearby"].version == "1.0.0"


def test_the_rooms_ready_waits_when_this_machine_has_no_build(
    qtbot: QtBot,
    ann: PlayerTab,
    developer: Developer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The hub's machine runs the game (its wheel is built for this platform); the player's
    app is told it runs on Windows, where that wheel does not fit."""
    best = next(iter(sys_tags()))
    wheel = f"tinylib-1.0-{best.interpreter}-{best.abi}-{best.platform}.whl"
    publish_with_wheel(developer, tmp_path, "hostonly", wheel)
    windows = [Tag("cp312", "cp312", "win_amd64"), Tag("py3", "none", "any")]
    monkeypatch.setattr(app_libraries, "machine_tags", lambda: windows)
    monkeypatch.setattr(app_libraries, "machine_label", lambda: "Windows (AMD64) / Python 3.12")
    qtbot.waitUntil(lambda: ann.rooms.game.findData("hostonly") >= 0, timeout=WAIT_MS)
    create_room(qtbot, ann, "hostonly")
    page = page_of(ann)
    qtbot.waitUntil(page.no_build.isVisible, timeout=START)
    sentence = (
        "tinylib has no build for Windows (AMD64) / Python 3.12 on this hub — the developer "
        "can publish one."
    )
    assert page.no_build.text() == sentence
    assert not page.ready.isEnabled()
    assert page.ready.toolTip() == sentence
    assert "hostonly" not in ann.state.installed  # nothing was fetched to find out
