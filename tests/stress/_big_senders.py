"""Hostile senders in their own, lower-priority process: each thread sends max-size requests
in a loop. Lower priority keeps their own CURVE encryption from taking the cores away
from the hub and the measured client: the test measures the hub, not this 2-core box.

Usage: python -m tests.stress._big_senders PORT KEY THREADS MAX_SECONDS
       python -m tests.stress._big_senders sink
The sink is a stand-in for the hub (a CURVE ROUTER that refuses every frame as too large):
the same senders aimed at it burn the same CPU on this machine without touching the hub,
which gives the control figure for the p99 comparison. It prints "PORT KEY" and serves
until stdin closes.
Prints "ready" once every thread has had an answer, runs until stdin closes (or
MAX_SECONDS pass), then prints the frames each thread sent.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any

import zmq

from hub_core.wire import protocol

BIG = protocol.MAX_MESSAGE_BYTES - 1024


def sink() -> None:
    ctx: zmq.Context[Any] = zmq.Context(io_threads=4)
    public, secret = zmq.curve_keypair()
    sock = ctx.socket(zmq.ROUTER)
    sock.curve_server, sock.curve_publickey, sock.curve_secretkey = True, public, secret
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.MAXMSGSIZE, protocol.HARD_MESSAGE_BYTES)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    refusal = protocol.error_reply(1, "too_large", "Too large.")

    def serve() -> None:
        while True:
            try:
                peer, _ = sock.recv_multipart(copy=False)
                sock.send_multipart([peer, refusal])
            except zmq.ZMQError:
                return

    threading.Thread(target=serve, daemon=True).start()
    print(port, public.decode(), flush=True)
    sys.stdin.read()
    os._exit(0)  # the serving thread may sit in recv; closing its socket under it could hang


def main() -> None:
    if sys.argv[1] == "sink":
        sink()
        return
    port, key, threads, max_seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    os.nice(10)
    ctx: zmq.Context[Any] = zmq.Context(io_threads=threads)
    frame = protocol.request_frame(1, "ping", {"blob": b"\x00" * BIG})[: protocol.MAX_MESSAGE_BYTES]
    stop = threading.Event()
    counts = [0] * threads
    codes: set[str] = set()
    ready = threading.Barrier(threads + 1)

    def send(n: int) -> None:
        sock = ctx.socket(zmq.DEALER)
        public, secret = zmq.curve_keypair()
        sock.curve_serverkey, sock.curve_publickey, sock.curve_secretkey = (
            key.encode(),
            public,
            secret,
        )
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, 500)
        sock.connect(f"tcp://127.0.0.1:{port}")
        deadline = time.monotonic() + max_seconds
        while not stop.is_set() and time.monotonic() < deadline:
            sock.send(frame, copy=False)
            while not stop.is_set():
                try:
                    reply = protocol.decode_reply(sock.recv())
                except zmq.Again:
                    continue
                codes.add(reply.error.code if reply.error else "ok")
                counts[n] += 1
                if counts[n] == 1:
                    ready.wait(timeout=max_seconds)
                break
        sock.close(linger=0)

    workers = [threading.Thread(target=send, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    ready.wait(timeout=max_seconds)
    print("ready", flush=True)
    sys.stdin.read()  # the test closes stdin to stop us
    stop.set()
    for worker in workers:
        worker.join(timeout=10)
    print(json.dumps({"counts": counts, "codes": sorted(codes)}), flush=True)
    ctx.destroy(linger=0)


if __name__ == "__main__":
    main()
