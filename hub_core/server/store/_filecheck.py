"""Checking each published file's hash as its blocks arrive, not by re-reading at commit.

The hub must know that a file's blocks add up to the hash the developer announced:
players trust that, and check each block rather than each file again. Hashing every
file after the last block came kept the developer waiting for a second pass over the
whole package; here each file's hash advances, in order, whenever the block it needs
next is stored, on the worker threads that store blocks. Blocks that came out of order
are read back from the store (they were just written, so from the page cache) when the
file's turn comes, and blocks the hub already had are read at commit.

In a publish sent ahead (blocks while the developer's app still cuts its files), a
file's blocks are announced a run at a time (``extend``) before its hash is known; the
whole index then names each file's hash (``settle``), checked at commit as usual.

A BLAKE3 file's hash is over its blocks' hashes (``digests.of_blocks``), and each block
was checked against its hash as it was stored: for such a file only the blocks'
lengths are added up, as they are stored, and nothing is read back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hub_core.packages import FileEntry
from hub_core.util import digests
from hub_core.util.digests import Hasher, HashKind

Data = bytes | memoryview


class Store(Protocol):
    """What the checks need of the block store (BlockStore)."""

    def read(self, digest: str) -> bytes: ...

    def size_of(self, digest: str) -> int: ...


@dataclass
class _File:
    entry: FileEntry | None  # None while an ahead publish's index has not come
    spans: list[tuple[str, int, int]]
    done: int = 0  # blocks hashed so far
    size: int = 0
    wrong_size: bool = False  # a block was not as long as the index says
    # The running hash, of the kind the first block's name gives (a file's blocks and
    # its own hash are of one kind: check_blocks); None until a block came.
    kind: HashKind | None = None
    hasher: Hasher | None = None

    def advance(
        self, ready: Callable[[str], Data | None], length_of: Callable[[str], int | None]
    ) -> str | None:
        """Hashes (or counts) blocks while the next one is ready; returns the block it
        waits for."""
        while self.done < len(self.spans):
            block, _, length = self.spans[self.done]
            if self.kind is None:
                self.kind = digests.kind_of(block) or HashKind.SHA256
                self.hasher = digests.whole_hasher(self.kind)
            if self.hasher is None:  # BLAKE3: the file's hash is over its blocks' names
                got = length_of(block)
            else:
                data = ready(block)
                got = None if data is None else len(data)
                if data is not None:
                    self.hasher.update(data)
            if got is None:
                return block
            self.size += got
            self.wrong_size |= got != length
            self.done += 1
        return None

    def matches(self) -> bool:
        entry = self.entry
        if entry is None or self.wrong_size or self.size != entry.size:
            return False
        kind = digests.kind_of(entry.hash)
        if kind is None or (self.kind is not None and self.kind is not kind):
            return False
        if self.kind is None:  # an empty file
            return digests.is_empty_file(entry.hash)
        return digests.file_digest(kind, entry.blocks, self.hasher) == entry.hash


class FileChecks:
    """The running hashes of one upload's files; thread-safe."""

    def __init__(self, index: list[FileEntry], missing: set[str]) -> None:
        self._lock = threading.Lock()
        self._files = [_File(e, e.spans()) for e in index]
        self._absent = set(missing)  # not stored yet: a file's hash waits for these
        self._waiting: dict[str, list[_File]] = {}
        self._ahead: dict[str, _File] = {}  # files announced block by block, by path
        for file in self._files:
            self._wait_for_next(file)

    def extend(self, path: str, blocks: Sequence[tuple[str, int]], missing: set[str]) -> None:
        """The next blocks (hash, length) of ``path`` in an ahead publish; ``missing`` are
        blocks first asked for now (not stored yet). A file that had hashed all it knew
        waits for the first of them."""
        with self._lock:
            self._absent.update(missing)
            file = self._ahead.setdefault(path, _File(None, []))
            idle = file.done == len(file.spans)
            offset = file.spans[-1][1] + file.spans[-1][2] if file.spans else 0
            for digest, length in blocks:
                file.spans.append((digest, offset, length))
                offset += length
            if idle:
                self._wait_for_next(file)

    def settle(self, index: list[FileEntry], missing: set[str]) -> list[str]:
        """An ahead publish's whole index: each file announced by ``extend`` gets its entry,
        the others (no blocks announced) are checked as at the start of a publish.
        Returns the paths whose announced blocks differ from the index's, which the
        caller refuses; ``missing`` are the index's blocks first asked for now."""
        differ = []
        with self._lock:
            self._absent.update(missing)
            for entry in index:
                file = self._ahead.pop(entry.path, None)
                if file is None:
                    file = _File(entry, entry.spans())
                    self._wait_for_next(file)
                elif [(d, n) for d, _, n in file.spans] != [(d, n) for d, _, n in entry.spans()]:
                    differ.append(entry.path)
                file.entry = entry
                self._files.append(file)
            differ.extend(self._ahead)  # announced, yet not in the index
        return differ

    def stored(self, blocks: Sequence[tuple[str, Data]], store: Store) -> None:
        """Called once ``blocks`` are in the store: advances every file waiting for one."""
        batch = dict(blocks)
        with self._lock:
            self._absent.difference_update(batch)
            queue = [f for d in batch for f in self._waiting.pop(d, [])]

            def ready(block: str) -> Data | None:
                if block in batch:
                    return batch[block]
                return None if block in self._absent else store.read(block)

            def length_of(block: str) -> int | None:
                if block in batch:
                    return len(batch[block])
                return None if block in self._absent else store.size_of(block)

            for file in queue:
                self._wait(file, file.advance(ready, length_of))

    def finish(self, store: Store) -> list[FileEntry]:
        """At commit (every block stored): the entries whose blocks do not add up."""
        with self._lock:
            for file in self._files:
                file.advance(store.read, store.size_of)
            return [f.entry for f in self._files if f.entry is not None and not f.matches()]

    def _wait_for_next(self, file: _File) -> None:
        """Parks ``file`` on the next block it needs, reading nothing."""
        self._wait(file, file.advance(lambda _: None, lambda _: None))

    def _wait(self, file: _File, block: str | None) -> None:
        if block is not None:
            self._waiting.setdefault(block, []).append(file)
