"""Helpers for the sample game tests: a fake lobby, game servers and clients as child processes.

The game folders are put on sys.path here, so the tests import the games' own modules
(rps_rules, tetris_engine, dots_logic, ...) the way the games' entry scripts do.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
GAMES = ROOT / "sample_games"
for _game in ("rps", "tetris", "dots"):
    if str(GAMES / _game) not in sys.path:
        sys.path.insert(0, str(GAMES / _game))


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")
        time.sleep(0.02)


class FakeLobby:
    """A lobby's game_finished listener: records each JSON line and answers one line."""

    def __init__(self, reply: Any = None, silent: bool = False, port: int = 0) -> None:
        self.reply = reply if reply is not None else {"ok": True, "message": "Recorded."}
        self.silent = silent
        self.reports: list[Any] = []
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = int(self.server.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as stream:
                line = stream.readline()
                self.reports.append(json.loads(line) if line else None)
                if self.silent:
                    time.sleep(10)
                    continue
                stream.write(json.dumps(self.reply).encode() + b"\n")
                stream.flush()

    def wait_reports(self, count: int, timeout: float = 15.0) -> list[Any]:
        wait_until(lambda: len(self.reports) >= count, timeout, f"{count} game_finished reports")
        return self.reports[:count]

    def close(self) -> None:
        self.server.close()


def base_env() -> dict[str, str]:
    """The test's environment without anything the hub or app would set for a game."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAME_", "LOBBY_", "PLAYER_"))}
    env = {k: v for k, v in env.items() if k not in ("ROOM_ID", "GAMEHUB_AUTOPLAY")}
    env.pop("GAMEHUB_AUTOPLAY_LOSE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


class GameServer:
    """A game's start_server.py as the hub runs it: cwd = package folder, the contract's env."""

    def __init__(self, game: str, lobby: FakeLobby, log: Path, room_id: str = "room-7") -> None:
        self.game, self.room_id = game, room_id
        self.port = free_port()
        self.env = base_env() | {
            "GAME_HOST": "127.0.0.1",
            "GAME_PORT": str(self.port),
            "ROOM_ID": room_id,
            "GAME_NAME": game,
            "GAME_VERSION": "1.0.0",
            "GAME_PLAYERS": "alice",
            "LOBBY_HOST": "127.0.0.1",
            "LOBBY_CONNECT_HOST": "127.0.0.1",
            "LOBBY_PORT": str(lobby.port),
        }
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "start_server.py"],
            cwd=GAMES / game,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.log_path = log

    def wait_ready(self, timeout: float = 15.0) -> None:
        """Ready means accepting connections (the probe, saying nothing, must not count)."""

        def accepting() -> bool:
            assert self.proc.poll() is None, self.log_path.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                return False
            return True

        wait_until(accepting, timeout, f"the {self.game} server to listen")

    def client_env(self, username: str, **extra: str) -> dict[str, str]:
        return base_env() | {
            "GAME_HOST": "127.0.0.1",
            "GAME_PORT": str(self.port),
            "ROOM_ID": self.room_id,
            "GAME_NAME": self.game,
            "GAME_VERSION": "1.0.0",
            "PLAYER_NAME": username.title(),
            "PLAYER_USERNAME": username,
            **extra,
        }

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


class GameClient:
    """A game's start_client.py as the app runs it; its output is collected as it comes."""

    def __init__(self, server: GameServer, username: str, **extra: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "start_client.py"],
            cwd=GAMES / server.game,
            env=server.client_env(username, **extra),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stdout: IO[str] | None = self.proc.stdout
        assert stdout is not None
        for line in stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def type(self, text: str, close: bool = False) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()
        if close:
            self.proc.stdin.close()

    def wait_for_text(self, text: str, timeout: float = 15.0) -> None:
        wait_until(lambda: text in self.output, timeout, f"{text!r} in:\n{self.output}")

    def finish(self, timeout: float = 30.0) -> int:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(
                f"The client did not exit in {timeout} s:\n{self.output}"
            ) from None
        self._reader.join(5)
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        return code

    def kill(self) -> None:
        self.proc.kill()
        self.finish()


@contextmanager
def game_server(game: str, tmp_path: Path) -> Iterator[tuple[GameServer, FakeLobby]]:
    lobby = FakeLobby()
    server = GameServer(game, lobby, tmp_path / f"{game}-server.log")
    try:
        server.wait_ready()
        yield server, lobby
    finally:
        server.stop()
        lobby.close()


class RawPlayer:
    """A player speaking the game's JSON lines straight from the test (no client process)."""

    def __init__(self, port: int, name: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=15)
        self.stream = self.sock.makefile("rwb")
        self.send({"hello": name})

    def send(self, obj: Any) -> None:
        self.stream.write(json.dumps(obj).encode() + b"\n")
        self.stream.flush()

    def recv_until(self, kind: str) -> dict[str, Any]:
        while True:
            line = self.stream.readline()
            assert line, f"The server hung up before sending {kind!r}."
            msg = json.loads(line)
            if msg.get("type") == kind:
                return dict(msg)

    def close(self) -> None:
        self.stream.close()
        self.sock.close()


class FakeChannel:
    """A game window's connection, in the test's process: records what the window sends."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.closed = False

    def send(self, obj: Any) -> None:
        self.sent.append(obj)

    def recv(self) -> Any:
        return None

    def close(self) -> None:
        self.closed = True


def check_results(report: Any, room_id: str, players: set[str]) -> dict[str, Any]:
    """A game_finished report as the contract says: kind, room, kick_all false, results."""
    assert report["kind"] == "game_finished"
    assert report["room_id"] == room_id
    assert report["kick_all"] is False
    results = report["results"]
    assert set(results["scores"]) == players
    assert results["winner"] is None or results["winner"] in players
    return dict(results)
