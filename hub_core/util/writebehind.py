"""Starting a transfer's disk writes while more data still arrives, without waiting for them.

Blocks land in the page cache; at the end (a publish's commit, an install's swap) one
sync makes them durable. With nothing pushing them out before, that sync had to write
the whole transfer at the end, and syncing every 16 MB inside the transfer stalled it on
each flush. Here a flush of what arrived so far starts on a thread of its own and nobody
waits for it: the disk writes while the network carries more, and the final sync (which
still covers everything, so durability never depends on these) finds little left to do.

    idle     : no flush running; the next kick starts one
    flushing : a flush runs; kicks meanwhile only add their blocks to the next one
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hub_core.util.fsync import can_sync_all, syncfs

log = logging.getLogger(__name__)

Sync = Callable[[list[str]], None]

# Kick a flush every this many bytes written (hub uploads and player installs).
FLUSH_EVERY_BYTES = 16 * 1024 * 1024


class WriteBehind:
    """Background flushes of what ``sync`` is given (block names, file paths), one at a
    time; safe to kick from any thread."""

    def __init__(self, sync: Sync, *, enabled: bool = True) -> None:
        self._sync = sync
        self._enabled = enabled
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="hub-flush")
        self._lock = threading.Lock()
        self._waiting: list[str] = []
        self._kicked = False  # kicked since the running flush took its batch
        self._flushing = False
        self._written: list[str] = []  # written since the last kick
        self._written_bytes = 0

    @classmethod
    def of_folder(cls, folder: Path) -> WriteBehind:
        """Flushes the file system holding ``folder`` with syncfs; does nothing where there
        is none (a flush file by file would be the final sync's work done twice)."""

        def flush(_: list[str]) -> None:
            syncfs(folder)

        return cls(flush, enabled=can_sync_all())

    def wrote(self, size: int, names: Sequence[str] = ()) -> None:
        """Counts ``size`` bytes written (``names`` for ``sync``); kicks a flush every
        FLUSH_EVERY_BYTES. Call from one thread (the loop)."""
        if not self._enabled:
            return
        self._written.extend(names)
        self._written_bytes += size
        if self._written_bytes >= FLUSH_EVERY_BYTES:
            written, self._written, self._written_bytes = self._written, [], 0
            self.kick(written)

    def kick(self, digests: list[str]) -> None:
        """Starts flushing ``digests`` (and any left from earlier kicks) unless a flush runs;
        then one more flush follows it. A kick with no names (a syncfs flushes the whole
        file system) flushes all the same."""
        with self._lock:
            self._waiting.extend(digests)
            self._kicked = True
            if self._flushing:
                return
            self._flushing = True
        self._pool.submit(self._flush)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _flush(self) -> None:
        while True:
            with self._lock:
                if not self._kicked:
                    self._flushing = False
                    return
                batch, self._waiting, self._kicked = self._waiting, [], False
            try:
                self._sync(batch)
            except OSError as exc:  # the final sync reports it, if it lasts
                log.info("A background flush failed: %s", exc)
