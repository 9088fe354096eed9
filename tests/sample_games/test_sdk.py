"""gamehub_sdk: the environment, sockets, JSON lines, the lobby report and the match loop."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import gamehub_sdk as sdk
from tests.sample_games import FakeLobby, RawPlayer, base_env, free_port, wait_until

FULL_ENV = {
    "GAME_HOST": "0.0.0.0",
    "GAME_PORT": "4567",
    "ROOM_ID": "r1",
    "GAME_NAME": "rps",
    "GAME_VERSION": "1.2.3",
    "GAME_PLAYERS": "alice, bob,,",
    "PLAYER_NAME": "Alice",
    "PLAYER_USERNAME": "alice",
    "LOBBY_HOST": "0.0.0.0",
    "LOBBY_CONNECT_HOST": "10.0.0.5",
    "LOBBY_PORT": "7000",
}


@pytest.fixture
def lobby() -> Iterator[FakeLobby]:
    fake = FakeLobby()
    yield fake
    fake.close()


def lobby_env(port: int, **changes: str) -> sdk.GameEnv:
    env = {"GAME_PORT": "1", "ROOM_ID": "room-1", "LOBBY_HOST": "127.0.0.1"}
    return sdk.game_env(env | {"LOBBY_PORT": str(port)} | changes)


# --- game_env ---------------------------------------------------------------------------


def test_game_env_reads_every_variable() -> None:
    env = sdk.game_env(FULL_ENV)
    assert env.host == "0.0.0.0"
    assert env.connect_host == "127.0.0.1"
    assert env.port == 4567
    assert (env.room_id, env.game_name, env.game_version) == ("r1", "rps", "1.2.3")
    assert env.players == ("alice", "bob")
    assert (env.player_name, env.player_username) == ("Alice", "alice")
    assert (env.lobby_host, env.lobby_port) == ("10.0.0.5", 7000)


def test_game_env_falls_back_to_lobby_host_and_maps_wildcards() -> None:
    env = sdk.game_env(FULL_ENV | {"LOBBY_CONNECT_HOST": ""})
    assert env.lobby_host == "127.0.0.1"
    env = sdk.game_env(FULL_ENV | {"LOBBY_CONNECT_HOST": "", "LOBBY_HOST": "hub.lan"})
    assert env.lobby_host == "hub.lan"


def test_game_env_defaults_for_optional_variables() -> None:
    env = sdk.game_env({"GAME_PORT": "80"})
    assert env.host == "127.0.0.1"
    assert env.players == ()
    assert env.lobby_port is None
    assert env.lobby_host == ""


def test_game_env_without_game_port_says_so() -> None:
    with pytest.raises(sdk.GameEnvError, match="GAME_PORT is not set"):
        sdk.game_env({"GAME_HOST": "127.0.0.1"})


@pytest.mark.parametrize("value", ["http", "0", "70000", "-3"])
def test_game_env_refuses_a_bad_port(value: str) -> None:
    with pytest.raises(sdk.GameEnvError, match="GAME_PORT must be a port number"):
        sdk.game_env({"GAME_PORT": value})


def test_game_env_refuses_a_bad_lobby_port() -> None:
    with pytest.raises(sdk.GameEnvError, match="LOBBY_PORT"):
        sdk.game_env({"GAME_PORT": "5", "LOBBY_PORT": "x"})


# --- listen and connect -----------------------------------------------------------------


def test_listen_and_connect() -> None:
    env = sdk.game_env({"GAME_HOST": "127.0.0.1", "GAME_PORT": str(free_port())})
    with sdk.listen(env) as server:
        assert server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
        with sdk.connect(timeout=2, env=env) as client:
            conn, _ = server.accept()
            with conn:
                client.sendall(b"hi")
                assert conn.recv(2) == b"hi"
                assert client.gettimeout() is None


def test_listen_twice_on_one_port_names_the_address() -> None:
    env = sdk.game_env({"GAME_HOST": "127.0.0.1", "GAME_PORT": str(free_port())})
    with sdk.listen(env), pytest.raises(OSError, match=f"Cannot listen on 127.0.0.1:{env.port}"):
        sdk.listen(env)


def test_connect_retries_until_the_server_listens() -> None:
    env = sdk.game_env({"GAME_HOST": "127.0.0.1", "GAME_PORT": str(free_port())})
    servers: list[socket.socket] = []
    timer = threading.Timer(0.4, lambda: servers.append(sdk.listen(env)))
    timer.start()
    try:
        with sdk.connect(timeout=5, env=env):
            pass
    finally:
        timer.join()
        for server in servers:
            server.close()


def test_connect_gives_up_with_a_clear_message() -> None:
    env = sdk.game_env({"GAME_HOST": "127.0.0.1", "GAME_PORT": str(free_port())})
    started = time.monotonic()
    with pytest.raises(ConnectionError, match=r"Cannot reach the game server at 127\.0\.0\.1"):
        sdk.connect(timeout=0.5, env=env)
    assert time.monotonic() - started < 3


# --- Channel ----------------------------------------------------------------------------


@pytest.fixture
def pair() -> Iterator[tuple[sdk.Channel, socket.socket]]:
    a, b = socket.socketpair()
    yield sdk.Channel(a), b
    a.close()
    b.close()


def test_channel_round_trip() -> None:
    a, b = socket.socketpair()
    with sdk.Channel(a) as left, sdk.Channel(b) as right:
        values: list[Any] = [{"hello": "ålice ☃"}, [1, 2], "text", 3.5, None, {"nested": {}}]
        for value in values:
            left.send(value)
        assert [right.recv() for _ in values] == values


def test_channel_lines_split_and_joined(pair: tuple[sdk.Channel, socket.socket]) -> None:
    chan, peer = pair
    peer.sendall(b'{"a": 1}\n{"b"')
    assert chan.recv() == {"a": 1}
    peer.sendall(b": 2}\n[3]\n")
    assert chan.recv() == {"b": 2}
    assert chan.recv() == [3]


def test_channel_end_of_stream_is_none(pair: tuple[sdk.Channel, socket.socket]) -> None:
    chan, peer = pair
    peer.sendall(b'{"last": true}\n{"partial"')
    peer.shutdown(socket.SHUT_WR)
    assert chan.recv() == {"last": True}
    assert chan.recv() is None
    assert chan.recv() is None


def test_channel_refuses_a_line_over_one_mib(pair: tuple[sdk.Channel, socket.socket]) -> None:
    chan, peer = pair
    threading.Thread(target=peer.sendall, args=(b"x" * (sdk.MAX_LINE + 10),), daemon=True).start()
    with pytest.raises(sdk.ChannelError, match="longer than 1 MiB"):
        chan.recv()


def test_channel_accepts_a_line_just_under_the_limit(
    pair: tuple[sdk.Channel, socket.socket],
) -> None:
    chan, peer = pair
    text = "y" * (sdk.MAX_LINE - 3)  # quotes and newline make exactly 1 MiB
    threading.Thread(target=peer.sendall, args=(json.dumps(text).encode() + b"\n",)).start()
    assert chan.recv() == text


def test_channel_refuses_a_line_that_is_not_json(pair: tuple[sdk.Channel, socket.socket]) -> None:
    chan, peer = pair
    peer.sendall(b"hello there\n\xff\xfe\n")
    with pytest.raises(sdk.ChannelError, match="not JSON"):
        chan.recv()
    with pytest.raises(sdk.ChannelError, match="not JSON"):
        chan.recv()


def test_channel_send_refuses_a_huge_message(pair: tuple[sdk.Channel, socket.socket]) -> None:
    chan, _ = pair
    with pytest.raises(ValueError, match="1 MiB"):
        chan.send("z" * sdk.MAX_LINE)


def test_channel_keeps_a_partial_line_across_a_timeout(
    pair: tuple[sdk.Channel, socket.socket],
) -> None:
    chan, peer = pair
    chan.sock.settimeout(0.1)
    peer.sendall(b'{"slow":')
    with pytest.raises(TimeoutError):
        chan.recv()
    peer.sendall(b" 1}\n")
    assert chan.recv() == {"slow": 1}


def test_channel_close_wakes_a_blocked_reader(pair: tuple[sdk.Channel, socket.socket]) -> None:
    chan, _ = pair
    got: list[Any] = ["nothing yet"]

    def read() -> None:
        try:
            got[0] = chan.recv()
        except OSError as exc:
            got[0] = exc

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.1)
    chan.close()
    reader.join(2)
    assert not reader.is_alive()
    assert got[0] is None or isinstance(got[0], OSError)


# --- report_finished --------------------------------------------------------------------


def test_report_finished_sends_one_line_and_returns_the_reply(lobby: FakeLobby) -> None:
    results = {"winner": "alice", "scores": {"alice": 2, "bob": 1}}
    reply = sdk.report_finished(results, env=lobby_env(lobby.port))
    assert reply == {"ok": True, "message": "Recorded."}
    assert lobby.reports == [
        {"kind": "game_finished", "room_id": "room-1", "kick_all": False, "results": results}
    ]


def test_report_finished_kick_all_and_no_results(lobby: FakeLobby) -> None:
    sdk.report_finished(kick_all=True, env=lobby_env(lobby.port))
    assert lobby.reports == [{"kind": "game_finished", "room_id": "room-1", "kick_all": True}]


def test_report_finished_reads_the_environment(
    lobby: FakeLobby, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAME_PORT", "9")
    monkeypatch.setenv("ROOM_ID", "from-env")
    monkeypatch.setenv("LOBBY_HOST", "0.0.0.0")  # a wildcard bind address: this machine
    monkeypatch.delenv("LOBBY_CONNECT_HOST", raising=False)
    monkeypatch.setenv("LOBBY_PORT", str(lobby.port))
    assert sdk.report_finished({"winner": None, "scores": {}})["ok"] is True
    assert lobby.reports[0]["room_id"] == "from-env"


def test_report_finished_without_a_lobby_never_raises(capsys: pytest.CaptureFixture[str]) -> None:
    reply = sdk.report_finished({"winner": "a"}, timeout=0.5, env=lobby_env(free_port()))
    assert reply["ok"] is False
    assert reply["error"]
    assert "not reported to the lobby" in capsys.readouterr().err


def test_report_finished_without_lobby_variables(capsys: pytest.CaptureFixture[str]) -> None:
    reply = sdk.report_finished(env=sdk.game_env({"GAME_PORT": "5"}))
    assert reply == {"ok": False, "error": "LOBBY_HOST and LOBBY_PORT are not set"}
    assert "LOBBY_HOST" in capsys.readouterr().err


def test_report_finished_without_any_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GAME_PORT", raising=False)
    reply = sdk.report_finished()
    assert reply["ok"] is False
    assert "GAME_PORT" in reply["error"]


def test_report_finished_gives_up_on_a_silent_lobby() -> None:
    silent = FakeLobby(silent=True)
    try:
        started = time.monotonic()
        reply = sdk.report_finished(timeout=0.5, env=lobby_env(silent.port))
        assert reply["ok"] is False
        assert time.monotonic() - started < 3
        assert len(silent.reports) == 1  # sent once, never again
    finally:
        silent.close()


def test_report_finished_odd_reply() -> None:
    odd = FakeLobby(reply=[1, 2])
    try:
        reply = sdk.report_finished(env=lobby_env(odd.port))
        assert reply["ok"] is False
        assert "[1, 2]" in reply["error"]
    finally:
        odd.close()


def test_report_finished_waits_for_a_lobby_that_is_starting() -> None:
    port = free_port()
    fakes: list[FakeLobby] = []
    timer = threading.Timer(0.3, lambda: fakes.append(FakeLobby(port=port)))
    timer.start()
    try:
        assert sdk.report_finished(timeout=5, env=lobby_env(port))["ok"] is True
    finally:
        timer.join()
        for fake in fakes:
            fake.close()


# --- wait_for_players, play_match -------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    env = sdk.game_env({"GAME_HOST": "127.0.0.1", "GAME_PORT": str(free_port())})
    with sdk.listen(env) as server:
        yield server


def gather(listener: socket.socket, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Runs wait_for_players on a thread; the dict gets "seats" and "took" when it returns."""
    out: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        out["seats"] = sdk.wait_for_players(listener, *args, **kwargs)
        out["took"] = time.monotonic() - started

    out["thread"] = threading.Thread(target=run, daemon=True)
    out["thread"].start()
    return out


def close_all(out: dict[str, Any], players: list[RawPlayer]) -> None:
    for seat in out.get("seats", []):
        seat.channel.close()
    for player in players:
        player.close()


def port_of(listener: socket.socket) -> int:
    return int(listener.getsockname()[1])


def test_wait_for_players_starts_when_the_table_is_full(listener: socket.socket) -> None:
    out = gather(listener, 2, 2, settle=30)
    port = port_of(listener)
    probe = socket.create_connection(("127.0.0.1", port))  # says nothing: never a player
    alice = RawPlayer(port, "alice")
    assert alice.recv_until("waiting")["players"] == ["alice"]
    bob = RawPlayer(port, "bob")
    out["thread"].join(5)
    assert [seat.name for seat in out["seats"]] == ["alice", "bob"]
    assert out["took"] < 5
    close_all(out, [alice, bob])
    probe.close()


def test_wait_for_players_settles_with_fewer(listener: socket.socket) -> None:
    out = gather(listener, 2, 4, settle=0.5)
    port = port_of(listener)
    players = [RawPlayer(port, name) for name in ("a", "b", "c")]
    out["thread"].join(5)
    assert [seat.name for seat in out["seats"]] == ["a", "b", "c"]
    assert out["took"] >= 0.5
    close_all(out, players)


def test_wait_for_players_waits_for_min_players(listener: socket.socket) -> None:
    out = gather(listener, 2, 4, settle=0.2)
    alice = RawPlayer(port_of(listener), "alice")
    time.sleep(0.8)
    assert "seats" not in out
    bob = RawPlayer(port_of(listener), "bob")
    out["thread"].join(5)
    assert len(out["seats"]) == 2
    close_all(out, [alice, bob])


def test_a_player_who_leaves_before_the_start_frees_the_seat(listener: socket.socket) -> None:
    out = gather(listener, 2, 2, settle=30)
    port = port_of(listener)
    alice = RawPlayer(port, "alice")
    alice.recv_until("waiting")
    alice.close()
    time.sleep(0.3)
    bob = RawPlayer(port, "bob")
    bob.recv_until("waiting")
    carol = RawPlayer(port, "carol")
    out["thread"].join(5)
    assert [seat.name for seat in out["seats"]] == ["bob", "carol"]
    close_all(out, [bob, carol])


def test_bad_hello_is_refused_and_names_are_made_unique(listener: socket.socket) -> None:
    out = gather(listener, 2, 2, settle=30)
    port = port_of(listener)
    rude = socket.create_connection(("127.0.0.1", port))
    rude.sendall(b'{"hi": "there"}\n')
    assert b"hello" in rude.makefile("rb").readline()
    twins = [RawPlayer(port, "sam"), RawPlayer(port, "sam")]
    out["thread"].join(5)
    assert [seat.name for seat in out["seats"]] == ["sam", "sam (2)"]
    rude.close()
    close_all(out, twins)


class EchoMatch:
    """A toy match: every message goes to everyone; "stop" ends it; leaving ends it too."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.finished = False
        self.log: list[Any] = []

    def start(self) -> sdk.Outgoing:
        return [(None, {"type": "start"}), (0, {"type": "first"})]

    def on_message(self, seat: int, message: Any) -> sdk.Outgoing:
        self.log.append((seat, message))
        if message == "stop":
            self.finished = True
            return [(None, {"type": "end"})]
        return [(None, {"type": "echo", "seat": seat, "message": message})]

    def on_leave(self, seat: int) -> sdk.Outgoing:
        self.log.append((seat, None))
        self.finished = True
        return [(None, {"type": "end", "left": seat})]

    def results(self) -> dict[str, Any]:
        return {"winner": self.names[0], "scores": {}}


def seated(listener: socket.socket, names: list[str]) -> tuple[list[sdk.Seat], list[RawPlayer]]:
    out = gather(listener, len(names), len(names))
    players = [RawPlayer(port_of(listener), name) for name in names]
    out["thread"].join(5)
    return out["seats"], players


def test_play_match_delivers_and_ends(listener: socket.socket) -> None:
    seats, (alice, bob) = seated(listener, ["alice", "bob"])
    match = EchoMatch(["alice", "bob"])
    result: dict[str, Any] = {}
    runner = threading.Thread(target=lambda: result.update(sdk.play_match(seats, match)))
    runner.start()
    assert alice.recv_until("first") == {"type": "first"}
    bob.recv_until("start")
    bob.send("hi")
    assert alice.recv_until("echo") == {"type": "echo", "seat": 1, "message": "hi"}
    alice.send("stop")
    bob.recv_until("end")
    alice.recv_until("end")
    alice.close()
    bob.close()
    runner.join(5)
    assert result == {"winner": "alice", "scores": {}}
    assert match.log == [(1, "hi"), (0, "stop")]


def test_play_match_reports_a_player_leaving(listener: socket.socket) -> None:
    seats, (alice, bob) = seated(listener, ["alice", "bob"])
    match = EchoMatch(["alice", "bob"])
    runner = threading.Thread(target=sdk.play_match, args=(seats, match))
    runner.start()
    bob.recv_until("start")
    bob.close()
    assert alice.recv_until("end") == {"type": "end", "left": 1}
    alice.close()
    runner.join(5)
    assert not runner.is_alive()
    assert match.log == [(1, None)]


def test_play_match_closes_even_if_a_client_lingers(listener: socket.socket) -> None:
    seats, (alice, bob) = seated(listener, ["alice", "bob"])
    match = EchoMatch(["alice", "bob"])
    runner = threading.Thread(target=sdk.play_match, args=(seats, match))
    runner.start()
    alice.send("stop")
    wait_until(lambda: not runner.is_alive(), 5, "play_match to return")
    bob.recv_until("end")  # the last line still arrives
    assert bob.stream.readline() == b""
    alice.close()
    bob.close()


# --- serve_matches: a whole server in a child process -----------------------------------

TOY_SERVER = """
from typing import Any
import gamehub_sdk as sdk


class Toy:
    def __init__(self, names: list[str]) -> None:
        self.names, self.finished = names, False

    def start(self) -> sdk.Outgoing:
        return [(None, {"type": "start"})]

    def on_message(self, seat: int, message: Any) -> sdk.Outgoing:
        if message == "boom":
            raise RuntimeError("a bug in the game")
        self.finished = True
        return [(None, {"type": "end"})]

    def on_leave(self, seat: int) -> sdk.Outgoing:
        self.finished = True
        return [(None, {"type": "end"})]

    def results(self) -> dict[str, Any]:
        return {"winner": self.names[0], "scores": {n: 1 for n in self.names}}


sdk.serve_matches(Toy, min_players=2, max_players=2)
"""


def test_serve_matches_survives_a_failing_match(tmp_path: Any, lobby: FakeLobby) -> None:
    (tmp_path / "toy.py").write_text(TOY_SERVER, encoding="utf-8")
    port = free_port()
    env = base_env() | {
        "GAME_HOST": "127.0.0.1",
        "GAME_PORT": str(port),
        "ROOM_ID": "toy-room",
        "GAME_NAME": "toy",
        "LOBBY_HOST": "127.0.0.1",
        "LOBBY_PORT": str(lobby.port),
    }
    with (tmp_path / "toy.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-u", "toy.py"], cwd=tmp_path, env=env, stdout=log, stderr=log
        )

    def accepting() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    try:
        wait_until(accepting, 10, "the toy server")
        for number, word in enumerate(["fine", "boom", "fine"], 1):
            a, b = RawPlayer(port, "a"), RawPlayer(port, "b")
            a.recv_until("start")
            a.send(word)
            if word == "fine":
                b.recv_until("end")
            else:
                rest = list(iter(b.stream.readline, b""))  # the server hangs up on everyone
                assert not any(b'"end"' in line for line in rest)
            a.close()
            b.close()
            report = lobby.wait_reports(number)[-1]
            assert report["room_id"] == "toy-room"
            winner = "a" if word == "fine" else None
            assert report["results"]["winner"] == winner
            assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(5)
    log_text = (tmp_path / "toy.log").read_text()
    assert "RuntimeError: a bug in the game" in log_text
    assert "toy server for room toy-room is listening" in log_text


def test_games_published_before_the_move_still_find_the_sdk() -> None:
    """Sample versions stored on older hubs import ``hub_core.sdk``."""
    from hub_core import sdk as old

    assert old.__all__ == sdk.__all__
    assert all(getattr(old, name) is getattr(sdk, name) for name in sdk.__all__)
