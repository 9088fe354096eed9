"""Dots and Boxes server for two to four players.

A match starts as soon as four players said hello, or when at least two did and nobody
new arrived for two seconds. After the match it reports to the lobby and waits again.
"""

import contextlib

from dots_match import DotsMatch

import gamehub_sdk as sdk

if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sdk.serve_matches(DotsMatch, min_players=2, max_players=4, settle=2.0)
