"""The autoplay bots used for unattended matches (GAMEHUB_AUTOPLAY=1)."""

from __future__ import annotations

import random

from tetris_engine import WIDTH, Tetris


def random_drop(game: Tetris, rng: random.Random) -> None:
    """Turns the piece a random number of times, slides it to a random column, drops it."""
    for _ in range(rng.randrange(4)):
        game.rotate(1)
    target = rng.randrange(-1, WIDTH)
    while game.piece is not None and game.piece.x != target:
        if not game.move(1 if target > game.piece.x else -1):
            break
    game.hard_drop()


def losing_drop(game: Tetris) -> None:
    """Drops every piece straight down the middle: tops out in a dozen pieces or so."""
    game.hard_drop()
