"""Child-process plumbing for a local test, all on the network loop: log tails.

Clients are hub_core.gameprocs.clients.ClientProcess, shared with the pre-publish check.
Output travels as text chunks (not lines) so a prompt without a newline still shows;
an incremental decoder keeps a character split across two reads whole.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from hub_core.gameprocs.clients import ClientProcess, OnText, decoder

__all__ = ["ClientProcess", "LogTail"]

TAIL_INTERVAL = 0.1  # how often the server's log file is read for new output


class LogTail:
    """Forwards what is appended to a log file (the game server writes there, not to a pipe)."""

    def __init__(self, who: str, path: Path, on_text: OnText) -> None:
        self.who = who
        self.path = path
        self.on_text = on_text
        self.offset = path.stat().st_size if path.exists() else 0
        self._decoder = decoder()
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
