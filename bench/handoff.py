"""Hand a busy hub over to another process and time it against a raw copy of its data.

The hub: 1,000 player accounts, 30 games (200 MB of packages), 20 waiting rooms and 50
logged-in clients following events. A second `gamehub host --accept-handoff` takes it
over when `gamehub handoff` asks. Figures:

- ``handoff_s``: from "hand over" to the new hub serving (the receiver's endpoints line).
  "Hand over" is the moment the hub accepted the request, as the Hub tab's click makes it:
  the clock starts when the bench reads the line `gamehub handoff --json` prints once the
  hub accepted its request (a millisecond or two after the hub began), not when that
  Python process starts;
- ``handoff_with_cli_s``: the same, from launching `gamehub handoff` (Python's start, its
  imports and the CURVE handshake included);
- ``raw_copy_s``: the same files the handoff moves (the list `list_files` makes: not the
  unpacked game folders, which stay behind) copied raw over loopback into another process,
  one file created per file and one syncfs, in the same run (the median of three);
  ``handoff_ratio_to_raw_copy`` is ``handoff_s`` over it;
- ``curve_copy_s``: the same bytes, in 4 MiB messages, through a CURVE-encrypted ZeroMQ
  pair over loopback (encryption's own floor; no files);
- ``phases_s``: seconds from "hand over" to each receiver state; ``transfer_cpu_s``: CPU
  seconds the receiver and the old hub used from receiving to verifying;
- ``clients_back_s_max``: after the new hub serves, until the last client answered there;
- ``records_lost``: database records of the old copy missing or different in the new one;
- ``relogins``: clients whose session did not survive (asked to log in again).

    python bench/handoff.py --json [--accounts 1000] [--games 30] [--mb 200]
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import zmq
from _util import ROOT, HubProcess, arguments, report  # type: ignore[import-not-found]
from transfer import raw_copy_files, write_random  # type: ignore[import-not-found]

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.server.handoff.files import list_files
from hub_core.storage import open_repository
from hub_core.wire.codes import Code
from hub_core.wire.keys import KnownHubs

MB = 1_000_000
PASSWORD = "bench-password"
GAMEHUB = [sys.executable, "-m", "hub_core"]
SERVER = (
    "import os, socket\n"
    "s = socket.create_server((os.environ['GAME_HOST'], int(os.environ['GAME_PORT'])))\n"
    "while True:\n    s.accept()[0].close()\n"
)


def make_game(folder: Path, name: str, size: int) -> Path:
    folder.mkdir(parents=True)
    manifest = {
        "name": name, "display_name": name, "type": "CLI", "max_players": 4,
        "entry_server": "server.py", "entry_client": "client.py", "description": "bench",
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "server.py").write_text(SERVER)
    (folder / "client.py").write_text("pass\n")
    for n in range(4):
        write_random(folder / "data" / f"part{n}.bin", size // 4)
    return folder


async def populate(hub: Any, work: Path, accounts: int, games: int, mb: int) -> None:
    async with await HubClient.connect(hub.endpoint, timeout=30) as admin:
        await admin.register("developer", "dana", PASSWORD)
        await admin.login("developer", "dana", PASSWORD)
        for g in range(games):
            await publish(admin, make_game(work / f"game{g}", f"game{g}", mb * MB // games))
        for start in range(0, accounts, 25):
            names = [f"p{i:04d}" for i in range(start, min(accounts, start + 25))]
            await asyncio.gather(*(admin.register("player", n, PASSWORD) for n in names))
        await admin.register("player", "bob", PASSWORD)


async def connect_clients(hub: Any, work: Path, n: int, rooms: int, games: int) -> list[HubClient]:
    clients = []
    for i in range(n):
        known = KnownHubs(work / f"client{i}" / "known_hubs.json")
        c = await HubClient.connect(hub.endpoint, known_hubs=known, timeout=10)
        await c.login("player", f"p{i:04d}", PASSWORD)
        clients.append(c)
    for i in range(rooms):
        await clients[i].create_room(f"game{i % games}", timeout=30)
    return clients


def cpu_s(pid: int) -> float:
    """CPU seconds a process used so far (user and system; Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Receiver:
    def __init__(self, data: Path, endpoint: str) -> None:
        args = [
            *GAMEHUB, "host", "--accept-handoff", "--hub", endpoint, "--user", "bob",
            "--data", str(data), "--bind", "127.0.0.1", "--port", "0", "--json", "--no-discovery",
        ]  # fmt: skip
        env = os.environ | {"GAMEHUB_PASSWORD": PASSWORD}
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        self.seen: dict[str, float] = {}  # when each state was first reported
        self.cpu: dict[str, tuple[float, float]] = {}  # CPU seconds then: receiver, old hub
        self.old_pid = 0

    def until(self, key: str, value: object = None) -> dict[str, Any]:
        assert self.proc.stdout is not None
        data: dict[str, Any] = {}
        for line in self.proc.stdout:
            data = json.loads(line)
            state = data.get("handoff", "serving")
            if state not in self.seen:
                self.seen[state] = time.monotonic()
                self.cpu[state] = (cpu_s(self.proc.pid), cpu_s(self.old_pid))
            if key in data and (value is None or data[key] == value):
                return data
        raise RuntimeError(f"the receiver ended early; its last line: {data}")


def watch_moves(clients: list[HubClient]) -> list[asyncio.Event]:
    """One event per client, set once it followed the hub to its new host."""
    events = []
    for c in clients:
        followed = asyncio.Event()
        c.on_moved = lambda _moved, _problem, followed=followed: followed.set()
        events.append(followed)
    return events


async def clients_back(
    clients: list[HubClient], followed: list[asyncio.Event], served: float
) -> tuple[float, int]:
    """Seconds after ``served`` until each client answered on the new hub; relogins."""

    async def one(c: HubClient, moved: asyncio.Event) -> tuple[float, int]:
        await asyncio.wait_for(moved.wait(), 60)
        try:
            await c.whoami()
        except RequestRefused as exc:
            return time.monotonic() - served, int(exc.code == Code.NOT_LOGGED_IN)
        return time.monotonic() - served, 0

    results = await asyncio.gather(*(one(c, f) for c, f in zip(clients, followed, strict=True)))
    return max(t for t, _ in results), sum(r for _, r in results)


def phases(seen: dict[str, float], start: float) -> dict[str, float]:
    """Seconds from `gamehub handoff` to each receiver state (where the time goes)."""
    order = ["receiving", "verifying", "installing", "serving"]
    return {state: round(seen[state] - start, 3) for state in order if state in seen}


def curve_copy(size: int) -> float:
    """Seconds to send ``size`` bytes in 4 MiB messages ROUTER -> DEALER with CURVE."""
    server, client = zmq.curve_keypair(), zmq.curve_keypair()
    with zmq.Context() as ctx:
        router, dealer = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER)
        router.curve_server, router.curve_secretkey = True, server[1]
        dealer.curve_serverkey, dealer.curve_publickey, dealer.curve_secretkey = (
            server[0],
            client[0],
            client[1],
        )
        port = router.bind_to_random_port("tcp://127.0.0.1")
        dealer.connect(f"tcp://127.0.0.1:{port}")
        dealer.send(b"hello")
        peer, _ = router.recv_multipart()
        piece = os.urandom(4 << 20)
        count = -(-size // len(piece))
        start = time.perf_counter()
        sender = threading.Thread(
            target=lambda: [router.send_multipart([peer, piece], copy=False) for _ in range(count)]
        )
        sender.start()
        for _ in range(count):
            dealer.recv(copy=False)
        elapsed = time.perf_counter() - start
        sender.join()
        router.close(0)
        dealer.close(0)
    return elapsed


def transfer_cpu(receiver: Receiver) -> dict[str, float]:
    """CPU seconds the receiver and the old hub used while the files moved (receiving to
    verifying): next to the transfer's seconds, whether two cores were the limit."""
    begin, end = receiver.cpu.get("receiving"), receiver.cpu.get("verifying")
    if begin is None or end is None:
        return {}
    return {"receiver": round(end[0] - begin[0], 2), "old_hub": round(end[1] - begin[1], 2)}


def start_handoff(old: Path) -> tuple[subprocess.Popen[str], float]:
    """`gamehub handoff` and when the hub accepted its request (its "started" line)."""
    args = [*GAMEHUB, "handoff", "--data", str(old), "--to", "bob", "--json"]
    driver = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert driver.stdout is not None
    for line in driver.stdout:
        if json.loads(line).get("state") == "started":
            return driver, time.monotonic()
    raise RuntimeError("gamehub handoff ended before the handoff started")


def records_lost(old: Path, new: Path) -> int:
    """Records of the old copy's database missing or different in the new one."""
    with open_repository(old / "hub" / "db") as a, open_repository(new / "hub" / "db") as b:
        return sum(
            1
            for table in a.tables()
            for key, doc in a.all(table).items()
            if b.get(table, key) != doc
        )


async def run(args: Any) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="i15-handoff-bench-"))
    hub = HubProcess("--data", str(work / "old"))  # the later --data wins: a folder of ours
    hub.data = work / "old"
    procs = [hub.proc]
    try:
        await populate(hub, work, args.accounts, args.games, args.mb)
        print("  hub populated", file=sys.stderr, flush=True)
        clients = await connect_clients(hub, work, 50, 20, args.games)
        print("  50 clients in, 20 rooms waiting", file=sys.stderr, flush=True)
        moved = list_files(hub.data, hub.data / "hub", hub.data / "logs" / "rooms")
        size = sum(f.size for f in moved)
        paths = [hub.data / f.path for f in moved]
        raw = sorted(raw_copy_files(hub.data, work / f"raw{n}", paths) for n in range(3))[1]
        curve = sorted(curve_copy(size) for _ in range(3))[1]
        receiver = Receiver(work / "new", hub.endpoint)
        receiver.old_pid = hub.proc.pid
        procs.append(receiver.proc)
        figures = await measure(hub, receiver, clients, work, raw, size, len(moved))
        return figures | {"curve_copy_s": round(curve, 3)}
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


async def measure(
    hub: Any,
    receiver: Receiver,
    clients: list[HubClient],
    work: Path,
    raw: float,
    size: int,
    files: int,
) -> dict[str, Any]:
    """Hands the hub over and takes the figures (the caller cleans up)."""
    old = hub.data
    receiver.until("handoff", "offering")
    followed = watch_moves(clients)
    launched = time.monotonic()
    driver, start = start_handoff(old)
    receiver.until("req_port")
    served = time.monotonic()
    back, relogins = await clients_back(clients, followed, served)
    driver.communicate(timeout=60)
    hub.proc.wait(60)
    for c in clients:
        await c.close()
    receiver.proc.terminate()
    receiver.proc.wait(60)
    lost = records_lost(old, work / "new")
    return {
        "handoff_s": round(served - start, 3),
        "raw_copy_s": round(raw, 3),
        "handoff_ratio_to_raw_copy": round((served - start) / raw, 2),
        "handoff_with_cli_s": round(served - launched, 3),
        "clients_back_s_max": round(back, 3),
        "records_lost": lost,
        "relogins": relogins,
        "moved_mb": round(size / MB, 1),
        "phases_s": phases(receiver.seen, start),
        "transfer_cpu_s": transfer_cpu(receiver),
        "files": files,
        "load_avg": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--games", type=int, default=30)
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    report(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
