"""Tetris client: connects first, then opens the window.

GAMEHUB_AUTOPLAY=1 lets a bot play (random drops every 50 ms, or every
GAMEHUB_AUTOPLAY_MS); GAMEHUB_AUTOPLAY_LOSE=1 makes the bot drop every piece down the
middle so it tops out within a second or so.
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
    autoplay = None
    if os.environ.get("GAMEHUB_AUTOPLAY_LOSE") == "1":
        autoplay = "lose"
    elif os.environ.get("GAMEHUB_AUTOPLAY") == "1":
        autoplay = "random"
    from tetris_window import run  # Qt loads after the seat is taken: no one waits for it

    return run(chan, env.player_username or "player", autoplay)


if __name__ == "__main__":
    sys.exit(main())
