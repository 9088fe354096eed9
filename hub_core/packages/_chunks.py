"""Cutting files into content-defined blocks (FastCDC), so deltas survive insertions.

Fixed 512 KiB blocks only help when bytes change in place: insert 1 KB near the start of
a file and every later block is new. FastCDC cuts where a rolling hash of the content
says, so after an insertion the cuts fall on the same bytes again within a block or two,
as in restic, borg and casync. The cut points decide only what is shared between
versions, never correctness: the hub and players check each block against its hash and
that a file's block sizes add up to its size, whoever cut them.

The chunker is ``pyfastcdc``'s compiled (Cython) core, FastCDC 2020 as fastcdc-rs cuts:
2.0-2.2 GB/s here, and it lets go of the GIL while it looks for a cut, so the loop that
sends blocks runs beside it. (The ``fastcdc`` package, used before, cut the 2016 way at
1.2-1.3 GB/s and held the GIL: a tenth of a publish's CPU, with the loop waiting.) Where
pyfastcdc has no compiled wheel it falls back to pure Python (same cuts, slow); without
the package at all, files are cut in fixed blocks, the old format, which every hub and
player still reads.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

from hub_core.util import digests
from hub_core.util.digests import Hasher, HashKind

log = logging.getLogger(__name__)

CDC_MIN_BYTES = 64 * 1024
CDC_AVG_BYTES = 128 * 1024  # a 1 MB change then sends 1.2-1.6 MB (256 KiB: 1.6-2.3)
CDC_MAX_BYTES = 1024 * 1024
# Bytes read at once; more than CDC_MAX_BYTES so a whole block is always in the buffer.
READ_BYTES = 4 * 1024 * 1024

Chunker = Callable[[memoryview], Iterator[Any]]  # (offset, length) pairs, as .offset and .length
# Told each run of blocks as soon as their hashes are known: (hashes, sizes), in order.
OnBlocks = Callable[[list[str], list[int]], None]


@functools.cache
def chunker() -> Chunker | None:
    """The FastCDC chunker with GameHub's block sizes, made on first use; None without
    ``pyfastcdc`` (then files are cut in fixed blocks)."""
    try:
        from pyfastcdc import FastCDC
    except ImportError:
        log.warning("pyfastcdc is not installed: files are cut in fixed blocks (weaker deltas).")
        return None
    cdc = FastCDC(CDC_AVG_BYTES, min_size=CDC_MIN_BYTES, max_size=CDC_MAX_BYTES)
    if not type(cdc).__module__.startswith("pyfastcdc.cy"):
        log.warning("pyfastcdc has no compiled core here: content-defined chunking runs slowly.")
    return cdc.cut_buf


def cuts(view: memoryview, at_end: bool) -> Iterator[tuple[int, int]]:
    """(offset, length) of the blocks of ``view`` whose end is certain.

    Unless ``at_end``, a block is certain only when at least CDC_MAX_BYTES follow its
    start: the chunker may not cut earlier than the content says just because the
    buffer ends.
    """
    cut = chunker()
    assert cut is not None
    for chunk in cut(view):
        if not at_end and len(view) - chunk.offset < CDC_MAX_BYTES:
            return
        yield chunk.offset, chunk.length


class ChunkHasher:
    """Fed a file's bytes in order, gives its digest and its CDC blocks' digests and sizes.

    Holds at most one feed plus CDC_MAX_BYTES, so memory stays flat for a 4 GiB file.
    """

    def __init__(self, kind: HashKind = HashKind.SHA256) -> None:
        self.kind = kind
        self.whole = digests.whole_hasher(kind)
        self.blocks: list[str] = []
        self.sizes: list[int] = []
        self.size = 0
        self._buffer = bytearray()

    def update(self, data: bytes, *, at_end: bool = False) -> None:
        if self.whole is not None:
            self.whole.update(data)
        self.size += len(data)
        self._buffer += data
        used = 0
        with memoryview(self._buffer) as view:
            for offset, length in cuts(view, at_end):
                self.blocks.append(digests.digest(view[offset : offset + length], self.kind))
                self.sizes.append(length)
                used = offset + length
        del self._buffer[:used]

    def finish(self) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
        self.update(b"", at_end=True)
        whole = digests.file_digest(self.kind, self.blocks, self.whole)
        return whole, self.size, tuple(self.blocks), tuple(self.sizes)


def hash_chunks(
    stream: IO[bytes],
    max_bytes: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
    on_blocks: OnBlocks | None = None,
    kind: HashKind = HashKind.SHA256,
) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
    """The stream's file digest (``digests.file_digest``), its size, and the digest and
    size of each CDC block; stops once more than ``max_bytes`` came (the caller reports
    it). ``on_blocks`` hears of blocks while the file is still being cut (a buffer at a
    time), so a publish can send them meanwhile.

    A large file goes through its stages at once, on two buffers: this thread reads and
    cuts one buffer while the blocks of the buffer before it are hashed on one thread
    and, for SHA-256, the whole file's hash advances on another (hashlib and blake3 let
    go of the GIL; a BLAKE3 file's hash is over its blocks' hashes, made at the end).
    The uncertain tail after the last cut, less than one block, is copied to the front
    of the other buffer before the next read. A file that fits one read is cut and
    hashed here, as a hand-over between threads would cost more than it saves.
    """
    limit = READ_BYTES + CDC_MAX_BYTES
    size = limit if max_bytes is None else min(limit, max_bytes + 1)
    second = bytearray(size) if size == limit else None
    pipeline = _Pipeline(bytearray(size), second, on_blocks, kind)
    try:
        return pipeline.run(stream, max_bytes, on_chunk)
    finally:
        pipeline.drain()


# Reads at least this large hash beside the cutting; smaller ones (most files of a game)
# are not worth a hand-over between threads.
PARALLEL_BYTES = 1024 * 1024


class _Pipeline:
    """hash_chunks' state: two buffers, each with the hashing still reading it."""

    def __init__(
        self,
        first: bytearray,
        second: bytearray | None,
        on_blocks: OnBlocks | None = None,
        kind: HashKind = HashKind.SHA256,
    ) -> None:
        self.buffers = [first] if second is None else [first, second]
        self.busy: list[list[Future[Any]]] = [[] for _ in self.buffers]
        self.kind = kind
        self.whole: Hasher | None = digests.whole_hasher(kind)  # None: over the blocks
        self.blocks: list[str] = []  # hashed so far, in order
        self.hashing: list[Future[list[str]]] = []  # each buffer's blocks, in order
        self.sizes: list[int] = []
        self.threaded = False  # hashing runs on the two threads (from a large buffer on)
        self.on_blocks = on_blocks
        self.told = 0  # blocks given to on_blocks so far

    def run(
        self,
        stream: IO[bytes],
        max_bytes: int | None,
        on_chunk: Callable[[int], None] | None,
    ) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
        current, filled, size, at_end = 0, 0, 0, False
        while not at_end:
            view = memoryview(self.buffers[current])
            got = stream.readinto(view[filled:])  # type: ignore[attr-defined]
            at_end = not got or (max_bytes is not None and size + got > max_bytes)
            size += got
            if on_chunk is not None and got:
                on_chunk(got)
            new = view[filled : filled + got]
            filled += got
            if filled < len(view) and not at_end:
                self._whole(current, new)  # a short read: fill the buffer before cutting
                continue
            used = self._cut(current, view[:filled], new, at_end)
            if at_end:
                break
            current, filled = self._carry(current, view[used:filled])
        self.drain()
        self._collect(wait=True)
        hashes = tuple(self.blocks)
        whole = digests.file_digest(self.kind, hashes, self.whole)
        return whole, size, hashes, tuple(self.sizes)

    def _collect(self, *, wait: bool = False) -> None:
        """Takes the blocks of each buffer whose hashing is done (of all, if ``wait``), in
        order, and tells on_blocks of them."""
        while self.hashing and (wait or self.hashing[0].done()):
            self.blocks += self.hashing.pop(0).result()
        if self.on_blocks is not None and len(self.blocks) > self.told:
            end = len(self.blocks)
            self.on_blocks(self.blocks[self.told :], self.sizes[self.told : end])
            self.told = end

    def _cut(self, current: int, view: memoryview, new: memoryview, at_end: bool) -> int:
        """Cuts the blocks whose end is certain and starts hashing them; returns the
        bytes used."""
        if len(self.buffers) > 1 and len(view) >= PARALLEL_BYTES:
            self.threaded = True
        self._whole(current, new)
        spans = list(cuts(view, at_end))
        blocks = [view[o : o + n] for o, n in spans]
        self.sizes.extend(n for _, n in spans)
        if not self.threaded:
            self.blocks += _hashed(blocks, self.kind)
        else:  # one job per buffer: a job per block cost more than hashing it
            job = _thread("blocks").submit(_hashed, blocks, self.kind)
            self.busy[current].append(job)
            self.hashing.append(job)
        return spans[-1][0] + spans[-1][1] if spans else 0

    def _whole(self, current: int, new: memoryview) -> None:
        """The whole file's hash over ``new``: in order, so on its thread once it has one
        (nothing for a BLAKE3 file, whose hash is over its blocks')."""
        if self.whole is None:
            return
        if self.threaded:
            self.busy[current].append(_thread("whole").submit(self.whole.update, new))
        else:
            self.whole.update(new)

    def _carry(self, current: int, tail: memoryview) -> tuple[int, int]:
        """The tail to the front of the next buffer, once its hashing is done."""
        following = (current + 1) % len(self.buffers)
        self._wait(following)
        self._collect()
        with memoryview(self.buffers[following]) as target:
            target[: len(tail)] = tail  # memoryview copies overlapping bytes safely
        return following, len(tail)

    def _wait(self, buffer: int) -> None:
        for job in self.busy[buffer]:
            job.result()
        self.busy[buffer].clear()

    def drain(self) -> None:
        """Waits for every hashing job (also after a failed read: they use the buffers)."""
        for buffer in range(len(self.buffers)):
            self._wait(buffer)


def _hashed(blocks: list[memoryview], kind: HashKind) -> list[str]:
    return [digests.digest(block, kind) for block in blocks]


def _thread(role: str) -> ThreadPoolExecutor:
    """The two hashing threads (started on first use, then kept): one thread each, so
    the whole file's hash advances in order and the blocks' hashes come in order."""
    return _hashing_threads()[role]


@functools.cache
def _hashing_threads() -> dict[str, ThreadPoolExecutor]:
    return {
        role: ThreadPoolExecutor(1, thread_name_prefix=f"gamehub-hash-{role}")
        for role in ("whole", "blocks")
    }
