"""Listens, plays a "match" (waits for one connection), reports game_finished, exits.

It reports the way a game written for the original system does.
"""

import json
import os
import socket

import fakelib

fakelib.wait_for_hub(fakelib.listen())  # the probe stands in for the players
players = os.environ["GAME_PLAYERS"].split(",")
report = {
    "kind": "game_finished",
    "room_id": os.environ["ROOM_ID"],
    "kick_all": False,
    "results": {"winner": players[0], "scores": {p: i for i, p in enumerate(players)}},
}
lobby = (
    os.environ.get("LOBBY_CONNECT_HOST") or os.environ["LOBBY_HOST"],
    int(os.environ["LOBBY_PORT"]),
)
with socket.create_connection(lobby, timeout=5) as conn:
    conn.sendall(json.dumps(report).encode() + b"\n")
    print("lobby said", conn.makefile().readline().strip())
