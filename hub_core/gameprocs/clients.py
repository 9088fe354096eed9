"""A game client as a child process, the way the app runs one: pipes, its own group.

Shared by the app's local test (several clients, typed input) and the pre-publish check
(one client, nothing typed: its stdin stays open, as in the app, so a CLI client waits
for its player instead of reading end-of-file). Output travels as text chunks (not
lines) so a prompt without a newline still shows; an incremental decoder keeps a
character split across two reads whole.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
from collections.abc import Callable
from pathlib import Path

OnText = Callable[[str, str], None]  # who, text
OnExit = Callable[[str, int], None]  # who, return code (-N: killed by signal N)

CHUNK = 4096
POSIX = os.name == "posix"


def decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


def local_client_env(
    *, port: int, room_id: str, game: str, version: str, player: str, host: str = "127.0.0.1"
) -> dict[str, str]:
    """The game contract's client environment (DESIGN §5) for a server on this machine."""
    env = {key: value for key, value in os.environ.items() if key != "GAMEHUB_PASSWORD"}
    env.update(
        GAME_HOST=host,
        GAME_PORT=str(port),
        ROOM_ID=room_id,
        GAME_NAME=game,
        GAME_VERSION=version,
        PLAYER_NAME=player,
        PLAYER_USERNAME=player,
        PYTHONUNBUFFERED="1",
    )
    return env


class ClientProcess:
    """One game client with its stdin, and stdout + stderr read into ``on_text``."""

    def __init__(self, who: str, proc: asyncio.subprocess.Process) -> None:
        self.who = who
        self.proc = proc
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def start(
        cls,
        who: str,
        command: list[str],
        cwd: Path,
        env: dict[str, str],
        on_text: OnText,
        on_exit: OnExit,
    ) -> ClientProcess:
        proc = await asyncio.create_subprocess_exec(
            *command,
            cwd=str(cwd),
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=POSIX,  # its own group: Stop ends whatever it started too
        )
        client = cls(who, proc)
        client._reader = asyncio.ensure_future(client._read(on_text, on_exit))
        return client

    async def _read(self, on_text: OnText, on_exit: OnExit) -> None:
        assert self.proc.stdout is not None
        text = decoder()
        while chunk := await self.proc.stdout.read(CHUNK):
            on_text(self.who, text.decode(chunk))
        if tail := text.decode(b"", final=True):
            on_text(self.who, tail)
        on_exit(self.who, await self.proc.wait())

    async def write(self, text: str) -> None:
        """Sends a typed line to the client's stdin; a client that is gone ignores it."""
        stdin = self.proc.stdin
        if stdin is None or stdin.is_closing():
            return
        with contextlib.suppress(ConnectionError, BrokenPipeError):
            stdin.write(text.encode())
            await stdin.drain()

    async def stop(self, grace: float = 2.0) -> None:
        """SIGTERM to its group, SIGKILL after ``grace``; waits until its output is read."""
        if self.proc.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await self.proc.wait()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, grace)

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if POSIX:
                os.killpg(self.proc.pid, sig)
            elif sig == signal.SIGTERM:
                self.proc.terminate()
            else:
                self.proc.kill()
