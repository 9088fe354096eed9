"""Request throughput and latency: concurrent clients doing a light authenticated read.

Each client logs in as its own player and loops `whoami` for the run's duration. In the
same run, a raw pyzmq asyncio ROUTER echo server (same CURVE encryption, same client
loop) gives the baseline, so the ratio holds on a noisy machine.

    python bench/requests.py --json [--seconds 10]
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from typing import Any

import zmq
import zmq.asyncio
from _util import HubProcess, arguments, percentile, report  # type: ignore[import-not-found]

from hub_core.client.hub_client import HubClient
from hub_core.wire import protocol

PASSWORD = "bench-password"


async def _client_loop(
    sock: zmq.asyncio.Socket, frame: bytes, until: float, lat: list[float]
) -> int:
    """Sequential request/reply on one DEALER until ``until``; returns the count."""
    count = 0
    while True:
        start = time.perf_counter()
        if start >= until:
            return count
        await sock.send(frame)
        await sock.recv()
        lat.append(time.perf_counter() - start)
        count += 1


def _dealer(ctx: zmq.asyncio.Context, port: int, server_key: bytes) -> zmq.asyncio.Socket:
    sock = ctx.socket(zmq.DEALER)
    public, secret = zmq.curve_keypair()
    sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = server_key, public, secret
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(f"tcp://127.0.0.1:{port}")
    return sock


async def _measure(port: int, key: bytes, frames: list[bytes], seconds: float) -> dict[str, float]:
    ctx = zmq.asyncio.Context()
    socks = [_dealer(ctx, port, key) for _ in frames]
    for sock, frame in zip(socks, frames, strict=True):  # warm up: connect and handshake
        await sock.send(frame)
        await sock.recv()
    lat: list[float] = []
    until = time.perf_counter() + seconds
    counts = await asyncio.gather(
        *(_client_loop(s, f, until, lat) for s, f in zip(socks, frames, strict=True))
    )
    for sock in socks:
        sock.close()
    ctx.term()
    return {
        "rps": round(sum(counts) / seconds),
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
    }


async def _tokens(endpoint: str, n: int) -> list[str]:
    """Registers and logs in ``n`` players; their tokens make the authenticated reads."""
    tokens = []
    async with await HubClient.connect(endpoint) as admin:
        for i in range(n):
            await admin.register("player", f"bench{i}", PASSWORD)
    for i in range(n):
        async with await HubClient.connect(endpoint) as c:
            session = await c.login("player", f"bench{i}", PASSWORD, watch=False)
            tokens.append(session.token)
    return tokens


def _echo_server(port_queue: Any, stop: Any) -> None:
    """The baseline: a plain zmq.asyncio ROUTER that sends every message straight back."""

    async def serve() -> None:
        ctx = zmq.asyncio.Context()
        sock = ctx.socket(zmq.ROUTER)
        public, secret = zmq.curve_keypair()
        sock.curve_server, sock.curve_secretkey, sock.curve_publickey = True, secret, public
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        port_queue.put((port, public))
        while not stop.is_set():
            if await sock.poll(100):
                await sock.send_multipart(await sock.recv_multipart())
        sock.close()
        ctx.term()

    asyncio.run(serve())


def measure_hub(seconds: float) -> dict[str, Any]:
    hub = HubProcess()
    try:
        key = hub.info["key"].encode()
        port = hub.info["req_port"]
        tokens = asyncio.run(_tokens(hub.endpoint, 50))
        frames = [protocol.request_frame(1, "whoami", {}, t) for t in tokens]
        r10 = asyncio.run(_measure(port, key, frames[:10], seconds))
        r50 = asyncio.run(_measure(port, key, frames, seconds))
    finally:
        hub.stop()
    return {
        "rps_10": r10["rps"],
        "p50_ms_10": r10["p50_ms"],
        "p99_ms_10": r10["p99_ms"],
        "rps_50": r50["rps"],
        "p50_ms_50": r50["p50_ms"],
        "p99_ms_50": r50["p99_ms"],
    }


def measure_echo(seconds: float) -> dict[str, Any]:
    mp = multiprocessing.get_context("spawn")
    queue, stop = mp.Queue(), mp.Event()
    proc = mp.Process(target=_echo_server, args=(queue, stop))
    proc.start()
    try:
        port, key = queue.get(timeout=30)
        frames = [protocol.request_frame(1, "whoami", {}, "x" * 43) for _ in range(50)]
        r50 = asyncio.run(_measure(port, key, frames, seconds))
    finally:
        stop.set()
        proc.join(10)
    return {"echo_rps_50": r50["rps"], "echo_p99_ms_50": r50["p99_ms"]}


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(f"requests benchmark: {args.seconds:g} s per measurement, {os.cpu_count()} cores")
    figures = measure_hub(args.seconds) | measure_echo(args.seconds)
    figures["ratio_50"] = round(figures["rps_50"] / max(1, figures["echo_rps_50"]), 3)
    figures["original_rps_50"] = 193
    report(figures)


if __name__ == "__main__":
    main()
