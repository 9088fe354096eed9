"""The match server: every player sends the rows they cleared; the most wins.

Written as games for the original system are: standard library plus pygame (its clock
paces nothing here; importing it proves the hub's copy of the game's libraries works).
"""

import json
import os
import socket

import pygame

SEATS = 2  # a room starts full (GAME_PLAYERS names only its owner when the server starts)
server = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
print(f"blocks server with pygame {pygame.version.ver}", flush=True)


def report(results):
    host = os.environ.get("LOBBY_CONNECT_HOST") or os.environ["LOBBY_HOST"]
    line = {"kind": "game_finished", "room_id": os.environ["ROOM_ID"], "kick_all": False}
    with socket.create_connection((host, int(os.environ["LOBBY_PORT"])), timeout=10) as lobby:
        lobby.sendall(json.dumps(line | {"results": results}).encode() + b"\n")
        lobby.makefile().readline()


while True:  # one match after another, like a room
    seats = []
    while len(seats) < SEATS:
        conn, _ = server.accept()
        stream = conn.makefile("rw")
        hello = stream.readline()
        if not hello:  # the hub's readiness probe
            conn.close()
            continue
        seats.append((json.loads(hello)["player"], conn, stream))
    for _, _, stream in seats:
        stream.write(json.dumps({"start": True, "pygame": pygame.version.ver}) + "\n")
        stream.flush()
    scores = {name: json.loads(stream.readline())["rows"] for name, _, stream in seats}
    winner = max(sorted(scores), key=lambda n: scores[n])
    report({"winner": winner, "scores": scores})
    for _, conn, stream in seats:
        stream.write(json.dumps({"winner": winner}) + "\n")
        stream.flush()
        conn.close()
