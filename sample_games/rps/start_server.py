"""Rock Paper Scissors server: two players, best of three, then waits for the next match."""

import contextlib

from rps_rules import RpsMatch

import gamehub_sdk as sdk

if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sdk.serve_matches(RpsMatch, min_players=2, max_players=2)
