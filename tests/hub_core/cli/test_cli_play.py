"""`gamehub play` as a user runs it: when the command ends (here by Ctrl+C while it waits
for a second player) its player leaves the hub's online list and the room."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.server.thread import HubStatus, HubThread
from tests.hub_core.conftest import running_hub

GAMEHUB = [sys.executable, "-m", "hub_core"]
PASSWORD = "secret-pw"


@pytest.fixture
def samples_hub(data_dir: Path) -> Iterator[HubThread]:
    yield from running_hub(data_dir, samples=True)


def status(hub: HubThread) -> HubStatus:
    return asyncio.run(hub.status())


def wait_for(check: object, what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_ctrl_c_in_play_logs_the_player_out(samples_hub: HubThread, tmp_path: Path) -> None:
    assert samples_hub.endpoints is not None
    hub = ["--hub", samples_hub.endpoints.endpoint("127.0.0.1"), "--data", str(tmp_path / "cli")]
    env = os.environ | {"GAMEHUB_PASSWORD": PASSWORD}
    made = subprocess.run(
        [*GAMEHUB, "register", *hub, "--role", "player", "--user", "ann"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    play = subprocess.Popen(
        [*GAMEHUB, "play", "gamehub-rps", *hub, "--user", "ann"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert play.stdout is not None
        assert play.stdout.readline().startswith("In room "), play.stderr
        wait_for(lambda: status(samples_hub).players == ["ann"], "ann online")
        wait_for(lambda: "ann" in status(samples_hub).rooms[0].ready, "ann ready")
        play.send_signal(signal.SIGINT)
        play.communicate(timeout=30)
    finally:
        if play.poll() is None:
            play.kill()
            play.communicate()
    now = status(samples_hub)
    assert now.players == []
    assert now.rooms == []
