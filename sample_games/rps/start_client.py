"""Rock Paper Scissors client for the terminal (or GameHub's console tab)."""

import os
import sys

from rps_client import run

import gamehub_sdk as sdk


def main() -> int:
    try:
        env = sdk.game_env()
        chan = sdk.Channel(sdk.connect(env=env))
        chan.send({"hello": env.player_username or "player"})
    except (sdk.GameEnvError, OSError) as exc:
        print(f"Cannot join the match: {exc}", flush=True)
        return 1
    try:
        return run(chan, sys.stdin, sys.stdout)
    except KeyboardInterrupt:
        return 0
    finally:
        chan.close()


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # a thread may still be blocked reading stdin; do not wait for it
