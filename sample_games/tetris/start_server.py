"""Tetris server: two players; relays boards and garbage; the last one standing wins."""

import contextlib

from tetris_match import TetrisMatch

import gamehub_sdk as sdk

if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sdk.serve_matches(TetrisMatch, min_players=2, max_players=2)
