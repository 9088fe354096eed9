"""Dots and Boxes client: connects first, then opens the window.

GAMEHUB_AUTOPLAY=1 lets a bot play: it closes boxes when it can and otherwise avoids
giving boxes away.
"""

import os
import sys

import gamehub_sdk as sdk


def main() -> int:
    try:
        env = sdk.game_env()
        chan = sdk.Channel(sdk.connect(env=env))
        chan.send({"hello": env.player_username or "player"})
    except (sdk.GameEnvError, OSError) as exc:
        print(f"Cannot join the match: {exc}", file=sys.stderr, flush=True)
        return 1
    from dots_window import run  # Qt loads after the seat is taken: no one waits for it

    autoplay = os.environ.get("GAMEHUB_AUTOPLAY") == "1"
    return run(chan, env.player_username or "player", autoplay)


if __name__ == "__main__":
    sys.exit(main())
