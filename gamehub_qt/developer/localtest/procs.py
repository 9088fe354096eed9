"""Child-process plumbing for a local test, all on the network loop: clients and log tails.

Output travels as text chunks (not lines) so a prompt without a newline still shows;
an incremental decoder keeps a character split across two reads whole.
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
TAIL_INTERVAL = 0.1  # how often the server's log file is read for new output
POSIX = os.name == "posix"


def _decoder() -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder("utf-8")(errors="replace")


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
        decoder = _decoder()
        while chunk := await self.proc.stdout.read(CHUNK):
            on_text(self.who, decoder.decode(chunk))
        if tail := decoder.decode(b"", final=True):
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


class LogTail:
    """Forwards what is appended to a log file (the game server writes there, not to a pipe)."""

    def __init__(self, who: str, path: Path, on_text: OnText) -> None:
        self.who = who
        self.path = path
        self.on_text = on_text
        self.offset = path.stat().st_size if path.exists() else 0
        self._decoder = _decoder()
        self._lock = asyncio.Lock()  # one read at a time, or a chunk could show twice
        self._task = asyncio.ensure_future(self._follow())

    async def _follow(self) -> None:
        while True:
            await asyncio.sleep(TAIL_INTERVAL)
            await self.read_new()

    async def read_new(self) -> None:
        async with self._lock:
            data = await asyncio.to_thread(self._read, self.offset)
            self.offset += len(data)  # here, not in the thread: a cancelled read is read again
            if text := self._decoder.decode(data):
                self.on_text(self.who, text)

    def _read(self, offset: int) -> bytes:
        try:
            with self.path.open("rb") as f:
                f.seek(offset)
                return f.read()
        except OSError:
            return b""

    async def stop(self) -> None:
        """Stops following, after forwarding what was written last."""
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self.read_new()
