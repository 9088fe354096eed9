"""The app as a process: SIGTERM (or Ctrl+C) closes it cleanly, even while Qt waits idle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.slow
def test_sigterm_closes_the_idle_app(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GAMEHUB_MDNS_INTERFACES="127.0.0.1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gamehub_qt", "--data", str(tmp_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        log = tmp_path / "logs" / "app.log"
        while not (log.exists() and "The app is running" in log.read_text(errors="replace")):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.1)
        time.sleep(1)  # the window is up and Qt is idle, waiting in C for events
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
