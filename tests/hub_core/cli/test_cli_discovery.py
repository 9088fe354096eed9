"""`gamehub host` announces itself and `gamehub discover` finds it (private namespace only)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

GAMEHUB = [sys.executable, "-m", "hub_core"]
LOOPBACK_ONLY = dict(os.environ, GAMEHUB_MDNS_INTERFACES="127.0.0.1")


def discover(data: Path, timeout: float = 2.0) -> list[dict[str, object]]:
    result = subprocess.run(
        [*GAMEHUB, "discover", "--timeout", str(timeout), "--json", "--data", str(data)],
        capture_output=True,
        text=True,
        env=LOOPBACK_ONLY,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


@pytest.mark.mdns
def test_discover_finds_a_running_hub_and_forgets_a_stopped_one(tmp_path: Path) -> None:
    host = subprocess.Popen(
        [
            *GAMEHUB,
            "host",
            "--data",
            str(tmp_path / "hub"),
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--name",
            "Lab hub",
            "--json",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=LOOPBACK_ONLY,
    )
    try:
        assert host.stdout is not None
        info = json.loads(host.stdout.readline())
        hubs = discover(tmp_path / "client")
        mine = [h for h in hubs if h["name"] == "Lab hub"]
        assert len(mine) == 1
        assert mine[0]["endpoint"] == f"127.0.0.1:{info['req_port']}"
        assert mine[0]["key"] == info["key"]
        assert mine[0]["alive"] is True
    finally:
        host.send_signal(signal.SIGTERM)
        host.communicate(timeout=20)
    assert host.returncode == 0
    assert not [h for h in discover(tmp_path / "client", 1.0) if h["name"] == "Lab hub"]


@pytest.mark.mdns
def test_discover_with_no_hubs_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [*GAMEHUB, "discover", "--timeout", "0.5", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        env=LOOPBACK_ONLY,
        timeout=60,
    )
    assert result.returncode == 0
    assert "No hubs found" in result.stdout
