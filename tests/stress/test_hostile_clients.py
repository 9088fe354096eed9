"""Hostile and slow clients cannot hurt the others: never-reading subscribers, stalled
handshakes on every port, strangers sending 16 MB requests in a loop, and a hello flood.

Other clients' request p99 is measured in the same run, against a hub in its own process,
in alternating phases: unloaded; "control" (the same 16 MB senders aimed at a stand-in
socket in another process: the same CPU burnt on this machine, nothing asked of the hub);
and loaded (the senders aimed at the hub, plus the other hostile clients). The best p99 of
each kind of phase is compared (neighbours' noise only ever adds), and the loaded one must
stay within max(2 x unloaded, unloaded + 5 ms, 2 x control). The control term is there
because CURVE-decrypting 16 MB costs ~50-100 ms of CPU wherever it happens: on a 2-core
box also running the senders, that CPU is taken from everyone, hub or not. What the hub
controls is that nobody waits behind those frames: no decoding of them, and several
ZeroMQ I/O threads, so no connection queues behind another's decryption.
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
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import zmq

from tests.stress._hubproc import HubProcess, ask, curve_dealer, ping

FULL = os.environ.get("GAMEHUB_STRESS") == "full"
SAMPLES = 2000 if FULL else 200  # pings per p99
# The worst a well-behaved client may see while sharing an I/O thread with a big sender.
SHARED_MS = 60.0
GAP = 0.005  # seconds between pings
ROUNDS = 5 if FULL else 3  # unloaded and loaded phases, alternating
SENDERS = 3
SUBSCRIBERS = 20 if FULL else 8
STALLED_PER_PORT = 300 if FULL else 50
FLOOD_PEERS, FLOOD_BYTES = 16, 30 * 1024 * 1024
SENDERS_CMD = [sys.executable, "-m", "tests.stress._big_senders"]
LOAD_SECONDS_MAX = 900.0 if FULL else 120.0  # a cap on each load thread; the heartbeat is one
READY_SECONDS_MAX = 60.0  # a bound on every load loop, whatever happens

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc"),
    pytest.mark.timeout(3600 if FULL else 300),  # the long variant takes minutes per test
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    proc = HubProcess(tmp_path_factory.mktemp("hostilehub"), samples=True)
    yield proc
    proc.stop()


def p99_ms(sock: zmq.Socket[Any], count: int) -> float:
    """p99 of ``count`` pings spaced GAP apart, so a phase spans the load, not a burst."""
    took: list[float] = []
    for n in range(count):
        start = time.perf_counter()
        assert ping(sock, 100_000 + n).ok
        took.append((time.perf_counter() - start) * 1000)
        time.sleep(GAP)
    took.sort()
    return took[min(len(took) - 1, int(len(took) * 0.99))]


class Load:
    """Background threads that keep the hostile load going until stop()."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.counts: dict[str, int] = {}
        self.errors: list[BaseException] = []

    def run(self, name: str, step: Any) -> None:
        def loop() -> None:
            deadline = time.monotonic() + LOAD_SECONDS_MAX
            try:
                while not self._stop.is_set() and time.monotonic() < deadline:
                    step()
                    self.counts[name] = self.counts.get(name, 0) + 1
            except BaseException as exc:  # reported by stop()
                self.errors.append(exc)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
        assert not self.errors, self.errors


def chat_room(ctx: zmq.Context[Any], hub: HubProcess) -> tuple[zmq.Socket[Any], str, str]:
    """A player in a room of a sample game: each chat line is one event to every subscriber."""
    sock = curve_dealer(ctx, hub)
    creds = {"role": "player", "user": "chatty", "password": "secret-enough"}
    ask(sock, 1, "register", creds)
    token = ask(sock, 2, "login", creds)["token"]
    game = ask(sock, 3, "list_games", {}, token)[0]["name"]
    room = ask(sock, 4, "create_room", {"name": game}, token)["room"]["id"]
    return sock, token, room


def stalled_handshakes(stack: ExitStack, ports: list[int], count: int) -> int:
    """TCP connections that send half a ZMTP greeting and then nothing, kept open."""
    opened = 0
    for port in ports:
        for _ in range(count):
            conn = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
            conn.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f\x03")
            opened += 1
    return opened


@contextmanager
def big_senders(port: int, key: str) -> Iterator[dict[str, Any]]:
    """SENDERS threads in a lower-priority process sending 16 MB frames to port in a loop."""
    info: dict[str, Any] = {}
    senders = subprocess.Popen(
        [*SENDERS_CMD, str(port), key, str(SENDERS), str(LOAD_SECONDS_MAX)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(READY_SECONDS_MAX, senders.kill)  # bounds the wait below
    watchdog.start()
    try:
        assert senders.stdout is not None
        assert senders.stdout.readline() == "ready\n", "a 16 MB sender was never answered"
        watchdog.cancel()
        yield info
    finally:
        out, _ = senders.communicate(timeout=60)
    info.update(json.loads(out))
    assert min(info["counts"]) >= 1 and info["codes"] == ["too_large"], info


@contextmanager
def sink() -> Iterator[tuple[int, str]]:
    """A stand-in for the hub in its own process: see _big_senders.sink."""
    proc = subprocess.Popen(
        [*SENDERS_CMD, "sink"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        port, key = proc.stdout.readline().split()
        yield int(port), key
    finally:
        proc.communicate(timeout=30)


@contextmanager
def hostile_load(hub: HubProcess, chat: Callable[[], None]) -> Iterator[dict[str, Any]]:
    """Everything at once: 16 MB senders, never-reading subscribers fed with events, and
    stalled handshakes on all three ports. Yields a dict filled with counts at the end."""
    ctx: zmq.Context[Any] = zmq.Context()
    load = Load()
    try:
        for _ in range(SUBSCRIBERS):  # subscribe to everything, never read
            sub = ctx.socket(zmq.SUB)
            public, secret = zmq.curve_keypair()
            sub.curve_serverkey, sub.curve_publickey = hub.key.encode(), public
            sub.curve_secretkey = secret
            sub.setsockopt(zmq.LINGER, 0)
            sub.setsockopt(zmq.SUBSCRIBE, b"")
            sub.connect(f"tcp://127.0.0.1:{hub.pub}")
        load.run("chat", chat)
        with ExitStack() as stack, big_senders(hub.req, hub.key) as info:
            ports = [hub.req, hub.hello, hub.pub]
            info["stalled"] = stalled_handshakes(stack, ports, STALLED_PER_PORT)
            yield info
    finally:
        load.stop()
        ctx.destroy(linger=0)
    info["events"] = load.counts.get("chat", 0)


def test_other_clients_p99_under_hostile_load(hub: HubProcess) -> None:
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        victim = curve_dealer(ctx, hub)
        p99_ms(victim, 50)  # warm up
        chatter, token, room = chat_room(ctx, hub)
        line = {"room": room, "text": "x" * 400}
        chat_ids = iter(range(1000, 10**9))

        def chat() -> None:
            ask(chatter, next(chat_ids), "room_chat", line, token)
            time.sleep(0.002)

        beat_sock, beat_ids = curve_dealer(ctx, hub), iter(range(10**9, 2 * 10**9))

        def heartbeat() -> None:  # the chatting player stays in the room between phases
            ask(beat_sock, next(beat_ids), "heartbeat", {}, token)
            time.sleep(1.0)

        beating = Load()
        beating.run("heartbeat", heartbeat)

        unloaded: list[float] = []
        control: list[float] = []
        loaded: list[float] = []
        with sink() as (sink_port, sink_key):
            for _ in range(ROUNDS):  # alternate, so the neighbours' noise hits all alike
                unloaded.append(p99_ms(victim, SAMPLES))
                with big_senders(sink_port, sink_key):
                    control.append(p99_ms(victim, SAMPLES))
                with hostile_load(hub, chat) as info:
                    loaded.append(p99_ms(victim, SAMPLES))
                print(f"\nload: {info}")
        beating.stop()
        best = {"unloaded": min(unloaded), "control": min(control), "loaded": min(loaded)}
        print(
            f"request p99 (ms, {SAMPLES} pings per phase): unloaded {unloaded}, control "
            f"{control}, loaded {loaded}; best {best}; hub RSS {hub.rss_mb():.0f} MB"
        )
        # ZeroMQ gives each connection one of the hub's I/O threads; when the victim's shares
        # one with a 16 MB sender it waits out one decryption (~15-40 ms here), in every
        # round of that run. With one I/O thread for all, as before, p99 was 154-224 ms.
        bound = max(2 * best["unloaded"], best["unloaded"] + 5.0, 2 * best["control"], SHARED_MS)
        assert best["loaded"] <= bound, best
        assert ping(victim, 5).ok
    finally:
        ctx.destroy(linger=0)
    assert hub.alive() and hub.tracebacks() == 0


def test_hello_flood_does_not_grow_the_hub(hub: HubProcess) -> None:
    ctx: zmq.Context[Any] = zmq.Context()
    try:
        ping(curve_dealer(ctx, hub))
        before = hub.rss_mb()
        blob = b"x" * FLOOD_BYTES
        peers = []
        for _ in range(FLOOD_PEERS):
            sock = ctx.socket(zmq.DEALER)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(f"tcp://127.0.0.1:{hub.hello}")
            sock.send(blob, copy=False)
            peers.append(sock)
        peak = before
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            peak = max(peak, hub.rss_mb())
            time.sleep(0.02)
        for sock in peers:
            sock.close(linger=0)
        print(
            f"\nhub RSS {before:.0f} MB before the {FLOOD_PEERS} x 30 MB hello flood, "
            f"peak {peak:.0f} MB"
        )
        assert peak - before < 32, (before, peak)
        hello = ctx.socket(zmq.DEALER)
        hello.setsockopt(zmq.LINGER, 0)
        hello.setsockopt(zmq.RCVTIMEO, 10_000)
        hello.connect(f"tcp://127.0.0.1:{hub.hello}")
        hello.send(b"hello")
        assert hub.key.encode() in hello.recv()
    finally:
        ctx.destroy(linger=0)
    assert hub.alive() and hub.tracebacks() == 0
