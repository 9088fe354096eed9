"""The `gamehub` command as a user runs it: real processes, exit codes, clean stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port

GAMEHUB = [sys.executable, "-m", "hub_core"]


class HostProcess:
    """`gamehub host --json` in the background; ``info`` is its endpoints line."""

    def __init__(self, data: Path, *extra: str) -> None:
        args = [
            *GAMEHUB,
            "host",
            "--data",
            str(data),
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--json",
            *extra,
        ]
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(
                f"hub did not start: {self.proc.stderr.read() if self.proc.stderr else ''}"
            )
        self.info: dict[str, Any] = json.loads(line)
        self.endpoint = f"127.0.0.1:{self.info['req_port']}"

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        self.proc.send_signal(sig)
        out, _ = self.proc.communicate(timeout=20)
        return self.proc.returncode, out


@pytest.fixture
def host(data_dir: Path) -> Iterator[HostProcess]:
    proc = HostProcess(data_dir, "--no-discovery", "--no-samples")
    yield proc
    if proc.proc.poll() is None:
        proc.stop()


def gamehub(
    *args: str, password: str | None = "secret", data: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GAMEHUB_PASSWORD"}
    if password is not None:
        env["GAMEHUB_PASSWORD"] = password
    extra = ["--data", str(data)] if data else []
    return subprocess.run(
        [*GAMEHUB, *args, *extra],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_host_prints_endpoints_and_fingerprint(host: HostProcess) -> None:
    assert host.info["req_port"] + 1 == host.info["hello_port"]
    assert len(host.info["key"]) == 40
    assert len(host.info["fingerprint"].split()) == 4


def test_host_human_output(data_dir: Path) -> None:
    args = [
        *GAMEHUB,
        "host",
        "--data",
        str(data_dir),
        "--bind",
        "127.0.0.1",
        "--port",
        str(free_port()),
        "--no-discovery",
        "--no-samples",
        "--name",
        "Room 101",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(6)]
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=20)
    text = "".join(lines)
    assert "'Room 101' is running" in text
    assert "Requests (--hub): 127.0.0.1:" in text
    assert "Key fingerprint:" in text
    assert "Hub stopped." in rest
    assert proc.returncode == 0


def test_register_login_and_exit_codes(host: HostProcess, tmp_path: Path) -> None:
    client_data = tmp_path / "client"
    hub = ["--hub", host.endpoint]
    ok = gamehub("register", *hub, "--role", "player", "--user", "alice", data=client_data)
    assert ok.returncode == 0, ok.stderr
    assert "Created the player account 'alice'" in ok.stdout
    dup = gamehub("register", *hub, "--role", "player", "--user", "alice", data=client_data)
    assert dup.returncode == 1
    assert "already taken" in dup.stderr
    good = gamehub("login", *hub, "--role", "player", "--user", "alice", "--json", data=client_data)
    assert good.returncode == 0
    assert json.loads(good.stdout) == {"ok": True, "role": "player", "user": "alice"}
    bad = gamehub(
        "login", *hub, "--role", "player", "--user", "alice", password="wrong", data=client_data
    )
    assert bad.returncode == 1
    assert "Wrong player name or password." in bad.stderr
    other_role = gamehub("login", *hub, "--role", "developer", "--user", "alice", data=client_data)
    assert other_role.returncode == 1


def test_json_errors_are_json_too(host: HostProcess, tmp_path: Path) -> None:
    bad = gamehub(
        "login",
        "--hub",
        host.endpoint,
        "--role",
        "player",
        "--user",
        "zed",
        "--json",
        data=tmp_path,
    )
    assert bad.returncode == 1
    assert json.loads(bad.stdout) == {
        "ok": False,
        "code": "bad_credentials",
        "message": "Wrong player name or password.",
    }


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert (
        gamehub(
            "login", "--hub", "nonsense", "--role", "player", "--user", "a", data=tmp_path
        ).returncode
        == 2
    )
    assert (
        gamehub(
            "login", "--hub", "h:1", "--role", "wizard", "--user", "a", data=tmp_path
        ).returncode
        == 2
    )
    no_password = gamehub(
        "login", "--hub", "h:1", "--role", "player", "--user", "a", password=None, data=tmp_path
    )
    assert no_password.returncode == 2
    assert "GAMEHUB_PASSWORD" in no_password.stderr


def test_unreachable_hub_exits_3(tmp_path: Path) -> None:
    result = gamehub(
        "login",
        "--hub",
        f"127.0.0.1:{free_port()}",
        "--role",
        "player",
        "--user",
        "a",
        data=tmp_path,
    )
    assert result.returncode == 3
    assert "No hub answered" in result.stderr


def test_sigterm_stops_cleanly_and_keeps_data(
    host: HostProcess, data_dir: Path, tmp_path: Path
) -> None:
    assert (
        gamehub(
            "register",
            "--hub",
            host.endpoint,
            "--role",
            "developer",
            "--user",
            "dev",
            data=tmp_path,
        ).returncode
        == 0
    )
    code, out = host.stop(signal.SIGTERM)
    assert code == 0
    assert "Hub stopped." in out
    again = HostProcess(data_dir, "--no-discovery", "--no-samples")
    try:
        assert again.info["key"] == host.info["key"]
        result = gamehub(
            "login", "--hub", again.endpoint, "--role", "developer", "--user", "dev", data=tmp_path
        )
        assert result.returncode == 0, result.stderr
    finally:
        again.stop()


def test_port_in_use_is_a_clear_error(host: HostProcess, data_dir: Path) -> None:
    result = subprocess.run(
        [
            *GAMEHUB,
            "host",
            "--data",
            str(data_dir / "other"),
            "--bind",
            "127.0.0.1",
            "--port",
            str(host.info["req_port"]),
            "--no-discovery",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "Could not listen on 127.0.0.1 port" in result.stderr
