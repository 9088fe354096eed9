"""A room's log: the server's output read through a pipe by the hub, capped at its last 1 MiB.

The server never holds the log file: the hub reads its stdout/stderr pipe and appends
to the file itself, so a server printing 100 MB leaves at most LOG_KEEP bytes of its
output (plus LOG_SLACK before the next trim) and a ``[gamehub]`` line saying how much
earlier output was dropped. Old logs of closed rooms are pruned by ``prune_logs``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path

NOTE = "[gamehub]"  # the hub's own lines in a room's log start with this
LOG_KEEP = 1024 * 1024  # the newest output kept in a room's log
LOG_SLACK = 1024 * 1024  # how far the file may grow past LOG_KEEP before it is trimmed
_CHUNK = 64 * 1024
_TAIL_KEEP = 16 * 1024  # the newest output kept in memory for "Last output: ..."


class RoomLog:
    """Appends notes and pumped output to one room's log; trims it to its last LOG_KEEP."""

    def __init__(self, path: Path, keep: int = LOG_KEEP) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._keep = keep
        self._file = path.open("ab")
        self._size = self._file.tell()
        self._dropped = 0
        self._tail = b""

    def note(self, text: str) -> None:
        """A line of the hub's own: why a server ended, for instance."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._write(f"{NOTE} {stamp} {text}\n".encode())

    async def pump(self, stream: asyncio.StreamReader) -> None:
        """Copies the server's output until the pipe closes (every writer of it has gone)."""
        with contextlib.suppress(OSError, ValueError):
            while chunk := await stream.read(_CHUNK):
                self._tail = (self._tail + chunk)[-_TAIL_KEEP:]
                self._write(chunk)

    def last_lines(self, count: int) -> list[str]:
        text = self._tail.decode("utf-8", "replace")
        lines = [line.rstrip() for line in text.splitlines()]
        return [line for line in lines if line and not line.startswith(NOTE)][-count:]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()

    def _write(self, data: bytes) -> None:
        if self._file.closed:
            return
        try:
            self._file.write(data)
            self._file.flush()
        except OSError:
            return
        self._size += len(data)
        if self._size > self._keep + LOG_SLACK:
            self._trim()

    def _trim(self) -> None:
        """Keeps the newest LOG_KEEP bytes, from a line start, after a note of what went."""
        try:
            with self.path.open("rb") as f:
                f.seek(max(0, self._size - self._keep))
                kept = f.read()
            cut = kept.find(b"\n")
            kept = kept[cut + 1 :] if 0 <= cut < len(kept) - 1 else kept
            self._dropped += self._size - len(kept)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            head = (
                f"{NOTE} {stamp} Earlier output was dropped ({self._dropped:,} bytes so far):"
                f" a room's log keeps its last {self._keep // 1024} KiB.\n"
            ).encode()
            temp = self.path.with_name(f".{self.path.name}.tmp")
            temp.write_bytes(head + kept)
            os.replace(temp, self.path)
            self._file.close()
            self._file = self.path.open("ab")
            self._size = len(head) + len(kept)
        except OSError:
            return


def prune_logs(folder: Path, keep: int, max_age_days: float, spare: set[str]) -> int:
    """Deletes room logs beyond the newest ``keep`` or older than ``max_age_days``.

    ``spare`` names the logs of rooms that are open now: they are never deleted.
    """
    try:
        logs = [(p.stat().st_mtime, p) for p in folder.glob("*.log")]
    except OSError:
        return 0
    logs.sort(reverse=True)
    oldest = time.time() - max_age_days * 86400
    removed = 0
    for rank, (mtime, path) in enumerate(logs):
        if path.stem in spare or (rank < keep and mtime >= oldest):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed
