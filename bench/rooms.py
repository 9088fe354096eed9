"""Rooms under load: create latency, dead-server notice, event fan-out, and a busy lobby.

    python bench/rooms.py --json [--seconds 60]

- create_ms_p50: create_room with the rps sample, reply latency, p50 of 20 (the hub
  starts the game server and answers once it listens).
- dead_room_ms_p50: the game server is killed → a member's room view shows the room
  closed, p50 of 10.
- event_ms_p99_50members: one room change → received by 50 subscribed clients, p99.
- ops_per_s, hub_cpu_pct: 100 players in 50 rooms cycling join/ready/start/finish.
Baseline in the same run: raw_spawn_ms_p50, starting the same rps server by hand with
subprocess and connecting to it, which is the floor for create_ms; and
create_direct_ms_p50, create_ms_p50 on a second hub without its warm spare
(GAMEHUB_NO_SPARE=1: every server is a process started for its room), measured right
after it, with create_ratio_to_direct.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _util import HubProcess, arguments, percentile, report  # type: ignore[import-not-found]

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.server.store.samples import samples_folder
from hub_core.wire.protocol import room_topic

PASSWORD = "bench-password"
# A game whose server reports the end of a match when a client sends "finish".
BENCH_SERVER = r"""
import json, os, socket
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
while True:
    conn, _ = srv.accept()
    with conn:
        if conn.makefile().readline().strip() == "finish":
            with socket.create_connection(("127.0.0.1", int(os.environ["LOBBY_PORT"]))) as s:
                s.sendall((json.dumps({"kind": "game_finished", "room_id": os.environ["ROOM_ID"],
                                       "kick_all": False}) + "\n").encode())
                conn.sendall(s.makefile().readline().encode())
"""


async def player(endpoint: str, name: str, role: str = "player") -> HubClient:
    client = await HubClient.connect(endpoint, timeout=20)
    await client.register(role, name, PASSWORD)  # type: ignore[arg-type]
    await client.login(role, name, PASSWORD, watch=False)  # type: ignore[arg-type]
    return client


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# -- create latency and its raw floor ------------------------------------------------


async def create_latency(client: HubClient, n: int = 20) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        room = (await client.create_room("gamehub-rps", timeout=20)).room
        times.append(time.perf_counter() - start)
        await client.leave_room(room.id)
    return ms(percentile(times, 50))


def raw_spawn(n: int = 20, command: tuple[str, ...] = (sys.executable, "-u")) -> float:
    """Start the rps server by hand and poll-connect until it listens (``command`` runs
    the script: this Python, or a PyInstaller build's ``GameHub run-script``)."""
    folder = samples_folder()
    assert folder is not None
    times = []
    for _ in range(n):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = os.environ | {
            "GAME_HOST": "127.0.0.1",
            "GAME_PORT": str(port),
            "ROOM_ID": "x",
            "LOBBY_HOST": "127.0.0.1",
            "LOBBY_PORT": "1",
        }
        start = time.perf_counter()
        proc = subprocess.Popen(
            [*command, "start_server.py"],
            cwd=folder / "rps",
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.002)
        times.append(time.perf_counter() - start)
        proc.kill()
        proc.wait()
    return ms(percentile(times, 50))


# -- dead server → room closed -------------------------------------------------------


def closing_watcher(closed: asyncio.Future[float]) -> Any:
    """An event handler that notes when the room is first seen closed."""

    def on_event(event: Any) -> None:
        if event.data["state"] == "closed" and not closed.done():
            closed.set_result(time.perf_counter())

    return on_event


async def dead_room(client: HubClient, data: Path, n: int = 10) -> float:
    times = []
    for _ in range(n):
        room = (await client.create_room("gamehub-rps", timeout=20)).room
        closed: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        client.subscribe(room_topic(room.id), closing_watcher(closed))
        await asyncio.sleep(0.2)
        record = json.loads((data / "hub" / "servers" / f"{room.id}.json").read_text())
        start = time.perf_counter()
        os.kill(record["pid"], signal.SIGKILL)
        times.append(await asyncio.wait_for(closed, 10) - start)
        client.unsubscribe(room_topic(room.id))
    return ms(percentile(times, 50))


# -- fan-out -------------------------------------------------------------------------


async def fan_out(endpoint: str, owner: HubClient, members: int = 50, events: int = 20) -> float:
    room = (await owner.create_room("gamehub-rps", timeout=20)).room
    watchers = [await HubClient.connect(endpoint) for _ in range(members)]
    delays: list[float] = []
    sent = [0.0]
    arrived = asyncio.Event()

    def on_event(_: Any) -> None:
        delays.append(time.perf_counter() - sent[0])
        if len(delays) % members == 0:
            arrived.set()

    for w in watchers:
        w.subscribe(room_topic(room.id), on_event)
    await asyncio.sleep(1.0)
    for n in range(events):
        arrived.clear()
        sent[0] = time.perf_counter()
        await owner.set_ready(room.id, n % 2 == 0, "1.0.0")
        await asyncio.wait_for(arrived.wait(), 10)
    for w in watchers:
        await w.close()
    await owner.leave_room(room.id)
    return ms(percentile(delays, 99))


# -- a busy lobby --------------------------------------------------------------------


def finish(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"finish\n")
        s.makefile().readline()


async def cycle_pair(a: HubClient, b: HubClient, until: float, ops: list[int]) -> None:
    room = (await a.create_room("benchgame", timeout=30)).room
    rid = room.id
    await b.join_room(rid)
    ops[0] += 2
    while time.perf_counter() < until:
        await a.set_ready(rid, True, "1.0.0")
        await b.set_ready(rid, True, "1.0.0")
        await a.propose_start(rid)
        await b.respond_start(rid, True)
        await asyncio.to_thread(finish, room.server_port)
        await b.leave_room(rid)
        await b.join_room(rid)
        ops[0] += 7
    await b.leave_room(rid)
    await a.leave_room(rid)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def busy_lobby(endpoint: str, hub_pid: int, seconds: float, tmp: Path) -> tuple[float, float]:
    dev = await player(endpoint, "benchdev", "developer")
    game = tmp / "benchgame"
    game.mkdir()
    manifest = {
        "name": "benchgame",
        "display_name": "Bench",
        "type": "CLI",
        "max_players": 2,
        "entry_server": "server.py",
        "entry_client": "client.py",
        "description": "bench",
    }
    (game / "manifest.json").write_text(json.dumps(manifest))
    (game / "server.py").write_text(BENCH_SERVER)
    (game / "client.py").write_text("pass\n")
    await publish(dev, game)
    players = [await player(endpoint, f"load{i}") for i in range(100)]
    ops = [0]
    cpu0, t0 = cpu_seconds(hub_pid), time.perf_counter()
    until = t0 + seconds
    await asyncio.gather(
        *(cycle_pair(players[i], players[i + 1], until, ops) for i in range(0, 100, 2))
    )
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds(hub_pid) - cpu0
    for p in [*players, dev]:
        await p.close()
    return round(ops[0] / elapsed, 1), round(100 * cpu / elapsed, 1)


async def run(hub: HubProcess, seconds: float, tmp: Path) -> dict[str, Any]:
    client = await player(hub.endpoint, "bencher")
    figures = {"create_ms_p50": await create_latency(client)}
    figures["dead_room_ms_p50"] = await dead_room(client, hub.data)
    figures["event_ms_p99_50members"] = await fan_out(hub.endpoint, client)
    await client.close()
    figures["ops_per_s"], figures["hub_cpu_pct"] = await busy_lobby(
        hub.endpoint, hub.proc.pid, seconds, tmp
    )
    return figures


async def create_only(hub: HubProcess) -> float:
    client = await player(hub.endpoint, "bencher")
    try:
        return await create_latency(client)
    finally:
        await client.close()


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the busy-lobby run")
    args = parser.parse_args()
    print(f"rooms benchmark: busy lobby for {args.seconds:g} s")
    figures: dict[str, Any] = {"raw_spawn_ms_p50": raw_spawn()}
    hub = HubProcess(samples=True)
    try:
        figures |= asyncio.run(run(hub, args.seconds, hub.data))
    finally:
        hub.stop()
    direct = HubProcess(samples=True, env={"GAMEHUB_NO_SPARE": "1"})
    try:
        figures["create_direct_ms_p50"] = asyncio.run(create_only(direct))
    finally:
        direct.stop()
    figures["create_ratio_to_direct"] = round(
        figures["create_ms_p50"] / max(figures["create_direct_ms_p50"], 0.01), 2
    )
    figures["create_ratio_to_raw"] = round(
        figures["create_ms_p50"] / max(figures["raw_spawn_ms_p50"], 0.01), 2
    )
    figures["original_create_ms"] = 204
    figures["original_dead_room_ms"] = 870
    report(figures)


if __name__ == "__main__":
    main()
