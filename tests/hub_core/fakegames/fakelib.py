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
    """Prints env, cwd and argv as one ``ENV {json}`` line if GAME_ENV_DUMP is set.

    Printed, not written to a file the test names: a sandboxed server may write only
    inside its scratch folder, and its output reaches the room's log in any case.
    """
    if os.environ.get("GAME_ENV_DUMP"):
        fds = sorted(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else []
        info = {"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv, "fds": fds,
                "nice": os.getpriority(os.PRIO_PROCESS, 0)}  # fmt: skip
        print("ENV " + json.dumps(info), flush=True)


def write_pid() -> None:
    """Prints ``PID <pid>`` if GAME_PID_FILE is set."""
    if os.environ.get("GAME_PID_FILE"):
        print(f"PID {os.getpid()}", flush=True)


def report_jail() -> None:
    """Prints ``JAIL {json}``: what confines this process, for a server's first line.

    Its cgroups, NoNewPrivs (set with Landlock), whether GAME_OUTSIDE (a file outside the
    package) can be read, its open fds and file limit, and its import path.
    """
    import resource  # POSIX only, and only this report needs it

    with open("/proc/self/status") as f:
        status = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
    with open("/proc/self/cgroup") as f:
        cgroups = f.read().splitlines()
    try:
        with open(os.environ["GAME_OUTSIDE"]):
            outside = "read"
    except PermissionError:
        outside = "refused"
    info = {
        "cgroups": cgroups,
        "no_new_privs": status.get("NoNewPrivs", "").strip(),
        "outside": outside,
        "fds": sorted(os.listdir("/proc/self/fd")),
        "nofile": list(resource.getrlimit(resource.RLIMIT_NOFILE)),
        "path": sys.path,
    }
    print("JAIL " + json.dumps(info), flush=True)
