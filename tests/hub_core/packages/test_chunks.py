"""Content-defined blocks: the same cuts however the bytes are fed, and cuts that survive
an insertion."""

from __future__ import annotations

import hashlib
import io
import os
import random
import sys
import threading
import time
from typing import Any

import pytest

from hub_core.packages._chunks import (
    CDC_MAX_BYTES,
    READ_BYTES,
    ChunkHasher,
    chunker,
    hash_chunks,
)

pytestmark = pytest.mark.skipif(chunker() is None, reason="pyfastcdc is not installed")


# The last two go round both buffers of the pipeline (hashing beside the cutting).
@pytest.mark.parametrize(
    "size", [0, 1, 70_000, CDC_MAX_BYTES, READ_BYTES + 3 * CDC_MAX_BYTES, 4 * READ_BYTES + 12_345]
)
def test_blocks_cover_the_file_and_match_their_hashes(size: int) -> None:
    data = os.urandom(size)
    digest, read, blocks, sizes = hash_chunks(io.BytesIO(data))
    assert (digest, read, sum(sizes)) == (hashlib.sha256(data).hexdigest(), size, size)
    assert all(0 < n <= CDC_MAX_BYTES for n in sizes)
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]
    pieces = [data[o : o + n] for o, n in zip(offsets, sizes, strict=True)]
    assert list(blocks) == [hashlib.sha256(p).hexdigest() for p in pieces]


@pytest.mark.parametrize("size", [70_000, 4 * READ_BYTES + 12_345])
def test_blocks_are_told_in_order_while_the_file_is_read(size: int) -> None:
    data = os.urandom(size)
    told: list[tuple[list[str], list[int], int]] = []
    stream = io.BytesIO(data)
    result = hash_chunks(stream, on_blocks=lambda b, s: told.append((b, s, stream.tell())))
    assert [d for b, _, _ in told for d in b] == list(result[2])
    assert [n for _, s, _ in told for n in s] == list(result[3])
    # A large file's first blocks are told before its end is read: by the second hand-over
    # between buffers at the latest (the first buffer's hashing is waited for there). How
    # many times they are told depends on how fast the hashing thread runs.
    if size > READ_BYTES:
        assert len(told) >= 2 and told[0][2] < size


def test_feeding_in_any_pieces_gives_the_same_cuts() -> None:
    data = os.urandom(3 * READ_BYTES // 2)
    hasher = ChunkHasher()
    for start in range(0, len(data), 777_777):
        hasher.update(data[start : start + 777_777])
    assert hasher.finish() == hash_chunks(io.BytesIO(data))


class _Trickle(io.RawIOBase):
    """A stream that gives at most 1.5 MB a read, as a pipe or a slow disk would."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with memoryview(buffer) as view:
            return self._data.readinto(view[:1_500_000])


def test_short_reads_give_the_same_result_as_one_read() -> None:
    data = os.urandom(3 * READ_BYTES)
    assert hash_chunks(_Trickle(data)) == hash_chunks(io.BytesIO(data))


def test_an_insertion_changes_only_the_blocks_around_it() -> None:
    data = os.urandom(8_000_000)
    before = set(hash_chunks(io.BytesIO(data))[2])
    after = hash_chunks(io.BytesIO(data[:100_000] + b"x" * 1000 + data[100_000:]))
    new = [n for b, n in zip(after[2], after[3], strict=True) if b not in before]
    assert sum(new) <= 2 * CDC_MAX_BYTES


def test_reading_stops_soon_after_the_expected_size() -> None:
    assert hash_chunks(io.BytesIO(os.urandom(5000)), max_bytes=100)[1] == 101


def test_the_cuts_are_fastcdc_2020_with_gamehubs_sizes() -> None:
    """Pinned: other cut points (another chunker, other sizes) rename every block of every
    game, and each developer's and player's next transfer of it would be whole again."""
    data = memoryview(random.Random(7).randbytes(8_000_000))
    cut = chunker()
    assert cut is not None
    cuts = [(c.offset, c.length) for c in cut(data)]
    assert len(cuts) == 43
    assert cuts[:4] == [(0, 178375), (178375, 174538), (352913, 167872), (520785, 189813)]


def test_cutting_lets_go_of_the_gil() -> None:
    """The loop that sends a publish's blocks runs while the cutting thread looks for cuts.

    With forced switches between threads put off (a 10 s interval), this thread wakes
    from its short sleeps during the cut only if the chunker releases the GIL.
    """
    data = memoryview(os.urandom(64_000_000))
    cut = chunker()
    assert cut is not None
    wakes = 0
    before = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    try:
        cutting = threading.Thread(target=lambda: list(cut(data)))
        cutting.start()
        while cutting.is_alive():
            time.sleep(0.0005)
            wakes += cutting.is_alive()
        cutting.join()
    finally:
        sys.setswitchinterval(before)
    assert wakes >= 5
