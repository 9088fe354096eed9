"""Takes the README's screenshots: the app hosting a local hub with the sample games.

Run by scripts/screenshots under Xvfb (or QT_QPA_PLATFORM=offscreen). Everything lives in
a temporary data folder; the hub listens on 127.0.0.1 only and is not announced. Each
screen is grabbed with QWidget.grab() into docs/screenshots/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from gamehub_qt.base import i18n  # noqa: E402
from gamehub_qt.base.context import AppContext  # noqa: E402
from gamehub_qt.base.style import apply_look  # noqa: E402
from gamehub_qt.player import PlayerTab  # noqa: E402
from gamehub_qt.shell.main_window import MainWindow  # noqa: E402
from hub_core.server.hub import HubConfig  # noqa: E402
from hub_core.server.passwords import HashCost  # noqa: E402

SIZE = QSize(1200, 760)
PASSWORD = "screenshots"


def wait_until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Runs the Qt event loop until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {condition}")
        QApplication.processEvents()
        time.sleep(0.01)


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


class Shots:
    """Where screenshots go; names get the language as a suffix, except English."""

    def __init__(self, out: Path, language: str) -> None:
        self.out = out
        self.suffix = "" if language == i18n.ENGLISH else f"-{language}"

    def save(self, widget: QWidget, name: str) -> None:
        _spin(0.3)
        path = self.out / f"{name}{self.suffix}.png"
        widget.grab().save(str(path))
        print(f"wrote {path}")


def new_window(data: Path) -> tuple[AppContext, MainWindow]:
    context = AppContext.create(data)
    window = MainWindow(context, discovery=False)
    window.hosting.template = HubConfig(
        name="Room 101",
        bind="127.0.0.1",
        port=0,
        discovery=False,
        hash_cost=HashCost(n=2**10, r=8, p=1),
        samples=True,
    )
    window.hubbar.offer_after_ms = 100
    window.resize(SIZE)
    window.show()
    return context, window


def show_tab(window: MainWindow, position: int) -> None:
    window.show_tab(position)
    _spin(0.8)  # let the tab fetch what it shows


def first_run(shots: Shots, data: Path) -> None:
    """No hub around: the offer to host one."""
    context, window = new_window(data)
    wait_until(window.hubbar.offer.isVisible)
    shots.save(window, "first-run")
    window.close()
    context.shutdown()


def host(shots: Shots, window: MainWindow) -> None:
    context = window.context
    window.hubbar.host_action.trigger()
    wait_until(lambda: context.endpoint != "" and context.player.state == "connected")
    shots.save(window, "hosting")


def publish_a_game(context: AppContext, tmp: Path) -> None:
    """Developer "ada" publishes two versions of a game, so her tab has something to show."""
    context.net.call(context.developer.register("ada", PASSWORD))
    package = tmp / "dots_deluxe"
    shutil.copytree(ROOT / "sample_games" / "dots", package)
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(name="dots_deluxe", display_name="Dots and Boxes Deluxe", authors=["ada"])
    for version in ("1.0.0", "1.1.0"):
        (package / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        command = [sys.executable, "-m", "hub_core", "publish", str(package), "--json"]
        command += ["--hub", context.endpoint, "--user", "ada", "--version", version]
        command += ["--data", str(tmp / "cli")]
        env = dict(os.environ, GAMEHUB_PASSWORD=PASSWORD)
        subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
        manifest["description"] += " Now with bigger boards."


def role_tabs(shots: Shots, window: MainWindow, tmp: Path) -> None:
    """The player "ann" and the developer "ada" log in through the role connections."""
    context = window.context
    context.net.call(context.player.register("ann", PASSWORD))
    context.net.call(context.player.login("ann", PASSWORD))
    show_tab(window, 0)
    tab = window.player_tab
    if isinstance(tab, PlayerTab):  # a picked game shows its details and versions
        wait_until(lambda: "gamehub-tetris" in tab.state.games)
        tab.store.list.select("gamehub-tetris")
        wait_until(lambda: tab.store.details.versions.topLevelItemCount() > 0)
    shots.save(window, "player")
    publish_a_game(context, tmp)
    context.net.call(context.developer.login("ada", PASSWORD))
    show_tab(window, 1)
    shots.save(window, "developer")


def reviewed_game(shots: Shots, window: MainWindow, tmp: Path) -> None:
    """Ada's game "ada_rps" gets played and reviewed by ann and bob; Ada sees the reviews."""
    context = window.context
    package = tmp / "ada_rps"
    shutil.copytree(ROOT / "sample_games" / "rps", package)
    manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(name="ada_rps", display_name="Rock Paper Scissors (Ada's)")
    (package / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    command = [sys.executable, "-m", "hub_core", "publish", str(package), "--json"]
    command += ["--hub", context.endpoint, "--user", "ada", "--data", str(tmp / "cli")]
    env = dict(os.environ, GAMEHUB_PASSWORD=PASSWORD)
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    context.net.call(_play_and_review(context))
    # The command line's login ended the window's developer session (one per user).
    context.net.call(context.developer.login("ada", PASSWORD))
    show_tab(window, 1)
    panel = window.developer_tab.my_games  # type: ignore[attr-defined]
    panel.refresh_button.click()
    wait_until(lambda: getattr(panel.game("ada_rps"), "review_count", 0) == 2)
    panel.select("ada_rps")
    panel.details.setCurrentIndex(1)
    shots.save(window, "developer-reviews")


async def _play_and_review(context: AppContext) -> None:
    """ann (the window's player) and bob start a match of ada_rps, then both review it."""
    from hub_core.client.hub_client import HubClient

    ann = context.player.hub()
    bob = await HubClient.connect(context.endpoint)
    await bob.register("player", "bob", PASSWORD)
    await bob.login("player", "bob", PASSWORD, watch=False)
    room = (await ann.create_room("ada_rps", timeout=30)).room
    await bob.join_room(room.id)
    for client in (ann, bob):
        await client.set_ready(room.id, True, room.version)
    await ann.propose_start(room.id)
    await bob.respond_start(room.id, True)
    praise = "Our class plays it every break."
    await ann.review("ada_rps", 5, praise)
    await bob.review("ada_rps", 4, "Simple, quick, fair.")
    for client in (ann, bob):
        await client.leave_room(room.id)
    await bob.close()


def hub_tab(shots: Shots, window: MainWindow) -> None:
    """A room with its game server's log."""
    context = window.context
    context.net.call(context.player.hub().create_room("gamehub-rps"), timeout=30)
    show_tab(window, 2)
    wait_until(lambda: window.hub_tab.rooms.rowCount() > 0)
    window.hub_tab.rooms.selectRow(0)
    wait_until(lambda: "Starting" in window.hub_tab.log_view.toPlainText())
    shots.save(window, "hub-tab")


def settings(shots: Shots, window: MainWindow) -> None:
    dialog = window.open_settings()
    shots.save(dialog, "settings")
    dialog.reject()


def session(out: Path, language: str, tmp: Path) -> None:
    """One run of the app in ``language``, as a user would see it after a start."""
    i18n.install(language)
    shots = Shots(out, language)
    first_run(shots, tmp / "first")
    context, window = new_window(tmp / "host")
    try:
        host(shots, window)
        role_tabs(shots, window, tmp)
        reviewed_game(shots, window, tmp)
        hub_tab(shots, window)
        settings(shots, window)
    finally:
        window.quit_now()  # no "Stop hosting?" question: the script is done
        context.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("GameHub")
    apply_look(app)
    for language in (i18n.ENGLISH, i18n.CHINESE_TW):
        with tempfile.TemporaryDirectory(prefix="gamehub-shots-") as tmp:
            session(args.out, language, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
