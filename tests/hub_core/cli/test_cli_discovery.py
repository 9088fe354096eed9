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


def diagnose(
    *prefix: str, as_json: bool, env: dict[str, str] = LOOPBACK_ONLY
) -> subprocess.CompletedProcess[str]:
    command = [*prefix, *GAMEHUB, "discover", "--diagnose", "--timeout", "1"]
    return subprocess.run(
        [*command, "--json"] if as_json else command,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.mark.mdns
def test_discover_diagnose_reports_the_checks() -> None:
    text = diagnose(as_json=False)
    assert text.returncode == 0, text.stderr
    for words in (
        "lo (loopback): 127.0.0.1",
        "carries multicast",
        "heard its own announcement",
        "UDP 5353",
        "TCP 47800, 47801 and 47802",
        "host:port",
    ):
        assert words in text.stdout
    data = json.loads(diagnose(as_json=True).stdout)
    assert data["self_test"] == "heard" and data["sockets_open"] is True
    assert data["multicast_interfaces"] == ["lo"]


NO_NETWORK = ["unshare", "--net", "--"]  # a nested namespace whose loopback is down
ALL_INTERFACES = {k: v for k, v in os.environ.items() if k != "GAMEHUB_MDNS_INTERFACES"}


@pytest.mark.mdns
def test_discover_diagnose_in_a_network_that_is_down() -> None:
    if os.geteuid() != 0 or subprocess.run([*NO_NETWORK, "true"]).returncode != 0:
        pytest.skip("cannot make a nested network namespace here")
    result = diagnose(*NO_NETWORK, as_json=True, env=ALL_INTERFACES)  # none of them is up
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["self_test"] == "no_sockets" and data["sockets_open"] is False
    assert "multicast DNS could not open its sockets" in data["sockets_error"]
    assert data["multicast_interfaces"] == []
    text = diagnose(*NO_NETWORK, as_json=False, env=ALL_INTERFACES).stdout
    assert "No interface carries multicast" in text
    assert "could not open them" in text and "lo (loopback)" in text and "down" in text
