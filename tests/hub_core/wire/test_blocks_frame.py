"""The hub's fetch_blocks reply laid out around its blocks: byte for byte what msgspec
writes, whatever the lengths, the request id and the buffer it reuses."""

from __future__ import annotations

import os

import pytest

from hub_core.wire import blocks_frame, protocol
from hub_core.wire.blocks_frame import CAPACITY, BlocksFrame
from hub_core.wire.schema import Blocks

# msgpack changes its headers at these lengths (bin 8/16/32) and ids (fixint, uint8 … 64).
LENGTHS = [[], [0], [1, 255, 256], [65_535, 65_536], [1024 * 1024], [200_000] * 10]
IDS = [0, 127, 128, 65_536, 2**32 + 1]


def _filled(lengths: list[int]) -> tuple[BlocksFrame, list[bytes]]:
    data = [os.urandom(n) for n in lengths]
    frame = BlocksFrame(lengths)
    for hole, block in zip(frame.holes, data, strict=True):
        hole[:] = block
    return frame, data


def _expected(req_id: int, data: list[bytes]) -> bytes:
    return protocol.ok_reply(req_id, Blocks(blocks=[memoryview(d) for d in data]))


@pytest.mark.parametrize("lengths", LENGTHS, ids=[f"{len(x)}-blocks" for x in LENGTHS])
@pytest.mark.parametrize("req_id", IDS)
def test_the_frame_is_what_msgspec_writes(lengths: list[int], req_id: int) -> None:
    frame, data = _filled(lengths)
    assert bytes(frame.frame(req_id)) == _expected(req_id, data)


def test_a_reused_buffer_shows_nothing_of_the_reply_before() -> None:
    blocks_frame._spare.clear()
    big, _ = _filled([1024 * 1024, 900_000])
    big.frame(7)
    big.release()
    small, data = _filled([10, 20])
    assert small.buffer is big.buffer  # the kept buffer came back
    assert bytes(small.frame(8)) == _expected(8, data)


def test_only_buffers_of_the_common_size_are_kept() -> None:
    blocks_frame._spare.clear()
    huge = BlocksFrame([CAPACITY])  # larger than any reply the hub makes: not kept
    huge.release()
    assert not blocks_frame._spare
    frames = [BlocksFrame([10]) for _ in range(blocks_frame.KEPT + 3)]  # all in flight
    for frame in frames:
        frame.release()
    assert len(blocks_frame._spare) == blocks_frame.KEPT
