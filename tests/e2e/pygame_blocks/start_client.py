"""A player's window: pygame draws a few frames of falling blocks, then sends the rows.

SDL_VIDEODRIVER=dummy draws to nothing, so it runs headless in tests and checks.
"""

import json
import os
import socket

import pygame

pygame.display.init()
screen = pygame.display.set_mode((100, 200))
rows = 0
for frame in range(30):
    screen.fill((0, 0, 0))
    pygame.draw.rect(screen, (200, 50, 50), pygame.Rect(40, frame * 6, 20, 6))
    pygame.display.flip()
    rows += 1 if frame % 10 == 9 else 0
if os.environ.get("PLAYER_NAME", "").startswith("a"):
    rows += 1  # the first player is a little better at this

sock = socket.create_connection((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])), timeout=60)
stream = sock.makefile("rw")
stream.write(json.dumps({"player": os.environ["PLAYER_NAME"]}) + "\n")
stream.flush()
start = json.loads(stream.readline())
print(f"pygame {pygame.version.ver} here, {start['pygame']} on the server", flush=True)
stream.write(json.dumps({"rows": rows}) + "\n")
stream.flush()
print(f"winner: {json.loads(stream.readline())['winner']}", flush=True)
pygame.quit()
input("Press Enter to leave.")  # a player closes the window when they like
