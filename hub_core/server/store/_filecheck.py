"""Checking each published file's SHA-256 as its blocks arrive, not by re-reading at commit.

The hub must know that a file's blocks add up to the hash the developer announced:
players trust that, and check each block rather than each file again. Hashing every
file after the last block came kept the developer waiting for a second pass over the
whole package; here each file's hash advances, in order, whenever the block it needs
next is stored, on the worker threads that store blocks. Blocks that came out of order
are read back from the store (they were just written, so from the page cache) when the
file's turn comes, and blocks the hub already had are read at commit.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hub_core.packages import FileEntry

Read = Callable[[str], bytes]
Data = bytes | memoryview


@dataclass
class _File:
    entry: FileEntry
    spans: list[tuple[str, int, int]]
    done: int = 0  # blocks hashed so far
    size: int = 0
    wrong_size: bool = False  # a block was not as long as the index says
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def advance(self, ready: Callable[[str], Data | None]) -> str | None:
        """Hashes blocks while the next one is ready; returns the block it waits for."""
        while self.done < len(self.spans):
            block, _, length = self.spans[self.done]
            data = ready(block)
            if data is None:
                return block
            self.digest.update(data)
            self.size += len(data)
            self.wrong_size |= len(data) != length
            self.done += 1
        return None

    def matches(self) -> bool:
        entry = self.entry
        return (
            not self.wrong_size
            and self.size == entry.size
            and self.digest.hexdigest() == entry.hash
        )


class FileChecks:
    """The running hashes of one upload's files; thread-safe."""

    def __init__(self, index: list[FileEntry], missing: set[str]) -> None:
        self._lock = threading.Lock()
        self._files = [_File(e, e.spans()) for e in index]
        self._absent = set(missing)  # not stored yet: a file's hash waits for these
        self._waiting: dict[str, list[_File]] = {}
        for file in self._files:
            self._wait(file, file.advance(lambda _: None))

    def stored(self, blocks: Sequence[tuple[str, Data]], read: Read) -> None:
        """Called once ``blocks`` are in the store: advances every file waiting for one."""
        batch = dict(blocks)
        with self._lock:
            self._absent.difference_update(batch)
            queue = [f for d in batch for f in self._waiting.pop(d, [])]

            def ready(block: str) -> Data | None:
                if block in batch:
                    return batch[block]
                return None if block in self._absent else read(block)

            for file in queue:
                self._wait(file, file.advance(ready))

    def finish(self, read: Read) -> list[FileEntry]:
        """At commit (every block stored): the entries whose blocks do not add up."""
        with self._lock:
            for file in self._files:
                file.advance(read)
            return [f.entry for f in self._files if not f.matches()]

    def _wait(self, file: _File, block: str | None) -> None:
        if block is not None:
            self._waiting.setdefault(block, []).append(file)
