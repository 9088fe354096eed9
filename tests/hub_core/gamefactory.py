"""Small game packages made on the fly for tests."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any


def make_game(
    folder: Path, name: str = "rps", *, files: dict[str, bytes] | None = None, **manifest: Any
) -> Path:
    """A valid package in ``folder``: manifest, both entry scripts, and any extra files."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "name": name,
        "display_name": name.upper(),
        "type": "CLI",
        "max_players": 2,
        "entry_server": "server.py",
        "entry_client": "client.py",
        "description": f"The {name} game.",
    } | manifest
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "server.py").write_text("print('server')\n", encoding="utf-8")
    (folder / "client.py").write_text("print('client')\n", encoding="utf-8")
    for rel, content in (files or {}).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def random_bytes(size: int) -> bytes:
    return os.urandom(size)


# A game server for lobby tests: listens on GAME_PORT; a client line "finish" or "close"
# reports game_finished (kick_all false / true) to the lobby; "die" exits with code 7.
TEST_SERVER = r"""
import json, os, socket, sys
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
def report(kick_all):
    host = os.environ.get("LOBBY_CONNECT_HOST") or os.environ["LOBBY_HOST"]
    with socket.create_connection((host, int(os.environ["LOBBY_PORT"]))) as s:
        line = {"kind": "game_finished", "room_id": os.environ["ROOM_ID"], "kick_all": kick_all,
                "results": {"winner": "ann"}}
        s.sendall((json.dumps(line) + "\n").encode())
        return s.makefile().readline()
while True:
    conn, _ = srv.accept()
    with conn:
        line = conn.makefile().readline().strip()
        if line == "die":
            print("dying on request", flush=True)
            sys.exit(7)
        if line in ("finish", "close"):
            conn.sendall(report(line == "close").encode())
"""

TEST_CLIENT = r"""
import os, socket
with socket.create_connection((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"]))) as s:
    s.sendall(b"finish\n")
    print("client got", s.makefile().readline().strip(), os.environ["PLAYER_NAME"], flush=True)
"""


def make_server_game(
    folder: Path, name: str = "pong", *, server: str = TEST_SERVER, **manifest: Any
) -> Path:
    """A package whose server follows the test protocol above."""
    make_game(folder, name, **manifest)
    (folder / "server.py").write_text(server, encoding="utf-8")
    (folder / "client.py").write_text(TEST_CLIENT, encoding="utf-8")
    return folder


# A server that listens on GAME_PORT and keeps every connection open until its client goes,
# and a client that connects and waits for its player: a game the pre-publish check passes.
IDLE_SERVER = r"""
import os, socket, threading
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
print("listening", flush=True)
def serve(conn):
    with conn:
        while conn.recv(1024):
            pass
while True:
    threading.Thread(target=serve, args=(srv.accept()[0],), daemon=True).start()
"""

IDLE_CLIENT = r"""
import os, socket, sys
sock = socket.create_connection((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
print("connected as", os.environ["PLAYER_NAME"], flush=True)
sys.stdin.readline()
"""


def make_playable_game(folder: Path, name: str = "rps", **options: Any) -> Path:
    """A package (as make_game) whose server and client start: it passes the run check."""
    make_game(folder, name, **options)
    (folder / "server.py").write_text(IDLE_SERVER, encoding="utf-8")
    (folder / "client.py").write_text(IDLE_CLIENT, encoding="utf-8")
    return folder


def make_wheel(folder: Path, name: str, files: dict[str, bytes]) -> Path:
    """A small pure-Python wheel, zipped by hand: ``name`` is its file name
    (``tinylib-1.0-py3-none-any.whl``), whose tags may name any platform."""
    dist, version = name.split("-")[:2]
    info = f"{dist}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n".encode()
    tag = name.removesuffix(".whl").split("-", 2)[2]
    wheel = f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
    contents = files | {f"{info}/METADATA": meta, f"{info}/WHEEL": wheel}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = []
        for rel, data in contents.items():
            archive.writestr(rel, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            rows.append(f"{rel},sha256={digest.decode()},{len(data)}")
        archive.writestr(f"{info}/RECORD", "\n".join([*rows, f"{info}/RECORD,,"]))
    return path
