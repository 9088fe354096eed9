"""Shared by the fake game servers: listen where the hub says, and report what we got.

The hostile fakes listen and wait for the hub's ready probe before misbehaving, so a
test sees the limit stop a running server rather than one that is still starting.
"""

from __future__ import annotations

import json
import os
import socket
import sys


def listen() -> socket.socket:
    """Listens on GAME_HOST:GAME_PORT, as every game server must."""
    sock = socket.socket()
    sock.bind((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
    sock.listen()
    return sock


def wait_for_hub(sock: socket.socket) -> None:
    """Accepts the hub's ready probe: from then on the hub considers the server running."""
    sock.accept()[0].close()


def serve_echo(sock: socket.socket) -> None:
    """Echoes one message per connection, forever."""
    while True:
        conn, _ = sock.accept()
        with conn:
            data = conn.recv(65536)
            if data:
                conn.sendall(data)


def dump_env() -> None:
    """Writes env, cwd and argv to the file GAME_ENV_DUMP names, if it is set."""
    target = os.environ.get("GAME_ENV_DUMP")
    if target:
        info = {"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv}
        with open(target, "w", encoding="utf-8") as f:
            json.dump(info, f)


def write_pid() -> None:
    """Writes this process's pid to the file GAME_PID_FILE names, if it is set."""
    target = os.environ.get("GAME_PID_FILE")
    if target:
        with open(target, "w", encoding="utf-8") as f:
            f.write(str(os.getpid()))
