"""A hub in its own process (`gamehub host`), so its memory and log are its own to measure."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import zmq

from hub_core.wire import protocol

_LISTENING = re.compile(r"game_finished reports on 127\.0\.0\.1:(\d+)")


class HubProcess:
    """Starts `python -m hub_core host` on 127.0.0.1 with a free port; stop() ends it."""

    def __init__(self, root: Path, *, samples: bool = False) -> None:
        self.data = root / "hub"
        self._stderr = root / "hub.stderr"
        args = [sys.executable, "-m", "hub_core", "host", "--data", str(self.data)]
        args += ["--bind", "127.0.0.1", "--port", "0", "--json", "--no-discovery"]
        args += [] if samples else ["--no-samples"]
        with self._stderr.open("w") as err:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=err, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"hub did not start: {self._stderr.read_text()}"
        self.info: dict[str, Any] = json.loads(line)
        self.req = int(self.info["req_port"])
        self.hello = int(self.info["hello_port"])
        self.pub = int(self.info["pub_port"])
        self.key = str(self.info["key"])

    def log_text(self) -> str:
        logs = sorted(self.data.rglob("hub.log*"))
        return "".join(p.read_text(errors="replace") for p in logs) + self._stderr.read_text(
            errors="replace"
        )

    def tracebacks(self) -> int:
        return self.log_text().count("Traceback")

    def lobby_port(self) -> int:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = _LISTENING.search(self.log_text())
            if found:
                return int(found.group(1))
            time.sleep(0.05)
        raise AssertionError("the hub never said where it listens for game_finished")

    def rss_mb(self) -> float:
        """Resident memory of the hub process in MB (Linux /proc)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def curve_dealer(
    ctx: zmq.Context[Any], hub: HubProcess, port: int | None = None
) -> zmq.Socket[Any]:
    """A CURVE DEALER to the hub's request port (or ``port``), with timeouts."""
    return curve_socket(ctx, zmq.DEALER, hub.key, port or hub.req)


def curve_socket(ctx: zmq.Context[Any], kind: int, key: str, port: int) -> zmq.Socket[Any]:
    """A CURVE socket of ``kind`` to a hub with public ``key`` at ``port``, with timeouts
    (only a key and a port: a spawned sender has no HubProcess)."""
    sock: zmq.Socket[Any] = ctx.socket(kind)
    public, secret = zmq.curve_keypair()
    sock.curve_serverkey = key.encode()
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, 10_000)
    sock.setsockopt(zmq.SNDTIMEO, 10_000)
    sock.connect(f"tcp://127.0.0.1:{port}")
    return sock


def ping(sock: zmq.Socket[Any], req_id: int = 1) -> protocol.Reply:
    """One ping on a DEALER; skips stale replies to earlier requests."""
    sock.send(protocol.request_frame(req_id, "ping", {}))
    for _ in range(10_000):
        reply = protocol.decode_reply(sock.recv())
        if reply.id == req_id:
            return reply
    raise AssertionError("no reply to the ping")


def ask(sock: zmq.Socket[Any], req_id: int, kind: str, args: Any, token: str = "") -> Any:
    """One request on a DEALER; returns its result or fails the test with the hub's refusal."""
    sock.send(protocol.request_frame(req_id, kind, args, token))
    for _ in range(10_000):
        reply = protocol.decode_reply(sock.recv())
        if reply.id == req_id:
            assert reply.ok, reply.error
            return reply.result
    raise AssertionError(f"no reply to {kind}")
