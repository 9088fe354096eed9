"""Rock Paper Scissors server: two players, best of three, then waits for the next match."""

import contextlib

from rps_rules import RpsMatch

from hub_core import sdk

if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sdk.serve_matches(RpsMatch, min_players=2, max_players=2)
