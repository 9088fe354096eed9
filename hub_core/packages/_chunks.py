"""Cutting files into content-defined blocks (FastCDC), so deltas survive insertions.

Fixed 512 KiB blocks only help when bytes change in place: insert 1 KB near the start of
a file and every later block is new. FastCDC cuts where a rolling hash of the content
says, so after an insertion the cuts fall on the same bytes again within a block or two,
as in restic, borg and casync. The cut points decide only what is shared between
versions, never correctness: the hub and players check each block against its hash and
that a file's block sizes add up to its size, whoever cut them.

The chunker is the ``fastcdc`` package's compiled (Cython) core: 1.8 GB/s here, against
5.7 MB/s for its pure-Python twin, which is used only where no compiled wheel exists
(same cut points, slow). Without the package at all, files are cut in fixed blocks, the
old format, which every hub and player still reads.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any

log = logging.getLogger(__name__)

CDC_MIN_BYTES = 64 * 1024
CDC_AVG_BYTES = 256 * 1024
CDC_MAX_BYTES = 1024 * 1024
# Bytes read at once; more than CDC_MAX_BYTES so a whole block is always in the buffer.
READ_BYTES = 4 * 1024 * 1024

Chunker = Callable[[memoryview, int, int, int, bool, Any], Iterator[Any]]


@functools.cache
def chunker() -> Chunker | None:
    """The FastCDC chunker, imported on first use: ``fastcdc`` imports ``click`` (~0.1 s),
    which the app's start-up should not pay for."""
    try:
        from fastcdc.fastcdc_cy import chunk_generator

        return chunk_generator  # type: ignore[no-any-return]
    except ImportError:
        pass
    try:
        from fastcdc.fastcdc_py import chunk_generator as slow
    except ImportError:
        log.warning("fastcdc is not installed: files are cut in fixed blocks (weaker deltas).")
        return None
    log.warning("fastcdc has no compiled core here: content-defined chunking runs slowly.")
    return slow  # type: ignore[no-any-return]


def cuts(view: memoryview, at_end: bool) -> Iterator[tuple[int, int]]:
    """(offset, length) of the blocks of ``view`` whose end is certain.

    Unless ``at_end``, a block is certain only when at least CDC_MAX_BYTES follow its
    start: the chunker may not cut earlier than the content says just because the
    buffer ends.
    """
    cut = chunker()
    assert cut is not None
    for chunk in cut(view, CDC_MIN_BYTES, CDC_AVG_BYTES, CDC_MAX_BYTES, False, None):
        if not at_end and len(view) - chunk.offset < CDC_MAX_BYTES:
            return
        yield chunk.offset, chunk.length


class ChunkHasher:
    """Fed a file's bytes in order, gives its sha256 and its CDC blocks' hashes and sizes.

    Holds at most one feed plus CDC_MAX_BYTES, so memory stays flat for a 4 GiB file.
    """

    def __init__(self) -> None:
        self.whole = hashlib.sha256()
        self.blocks: list[str] = []
        self.sizes: list[int] = []
        self.size = 0
        self._buffer = bytearray()

    def update(self, data: bytes, *, at_end: bool = False) -> None:
        self.whole.update(data)
        self.size += len(data)
        self._buffer += data
        used = 0
        with memoryview(self._buffer) as view:
            for offset, length in cuts(view, at_end):
                self.blocks.append(hashlib.sha256(view[offset : offset + length]).hexdigest())
                self.sizes.append(length)
                used = offset + length
        del self._buffer[:used]

    def finish(self) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
        self.update(b"", at_end=True)
        return self.whole.hexdigest(), self.size, tuple(self.blocks), tuple(self.sizes)


def hash_chunks(
    stream: IO[bytes],
    max_bytes: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
    """sha256 of the whole stream, its size, and the sha256 and size of each CDC block;
    stops once more than ``max_bytes`` came (the caller reports it).

    Reads into one reused buffer (no copy per feed); the uncertain tail, less than one
    block, moves to its front before the next read. The whole file's hash of each full
    read runs on a second thread while this one cuts and hashes the blocks (hashlib lets
    go of the GIL): two passes over the bytes at once, on two cores.
    """
    limit = READ_BYTES + CDC_MAX_BYTES
    buffer = bytearray(min(limit, max_bytes + 1) if max_bytes is not None else limit)
    whole, blocks, sizes = hashlib.sha256(), [], []
    filled = size = 0
    at_end = False
    with memoryview(buffer) as view:
        while not at_end:
            got = stream.readinto(view[filled:])  # type: ignore[attr-defined]
            at_end = not got or (max_bytes is not None and size + got > max_bytes)
            new = view[filled : filled + got]
            size += got
            filled += got
            if on_chunk is not None and got:
                on_chunk(got)
            if filled < len(buffer) and not at_end:
                whole.update(new)
                continue
            hashing = _beside(whole.update, new) if got >= PARALLEL_BYTES else None
            if hashing is None:
                whole.update(new)
            used = 0
            for offset, length in cuts(view[:filled], at_end):
                blocks.append(hashlib.sha256(view[offset : offset + length]).hexdigest())
                sizes.append(length)
                used = offset + length
            if hashing is not None:
                hashing.result()  # before the buffer's bytes move
            view[: filled - used] = view[used:filled]
            filled -= used
    return whole.hexdigest(), size, tuple(blocks), tuple(sizes)


# Reads at least this large hash the whole file beside the blocks; smaller ones (most
# files of a game) are not worth a hand-over between threads.
PARALLEL_BYTES = 1024 * 1024


def _beside(work: Callable[[memoryview], None], data: memoryview) -> Future[None]:
    """Runs ``work(data)`` on the hashing thread (started on first use, then kept)."""
    return _hashing_thread().submit(work, data)


@functools.cache
def _hashing_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(1, thread_name_prefix="gamehub-hash")
