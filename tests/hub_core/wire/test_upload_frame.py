"""Upload frames laid out around their blocks: byte for byte what msgspec would send."""

from __future__ import annotations

import os

import msgspec
import pytest

from hub_core.wire import protocol
from hub_core.wire.schema import UploadBlocks
from hub_core.wire.upload_frame import UploadFrame, outgoing

TOKEN = "t" * 43


def _blocks(sizes: list[int]) -> list[tuple[str, bytes]]:
    return [(os.urandom(32).hex(), os.urandom(n)) for n in sizes]


def _filled(transfer: str, blocks: list[tuple[str, bytes]], **kw: bytearray) -> UploadFrame:
    frame = UploadFrame(transfer, [(d, len(data)) for d, data in blocks], **kw)
    for hole, (_, data) in zip(frame.holes, blocks, strict=True):
        hole[:] = data
    return frame


def _encoded(transfer: str, blocks: list[tuple[str, bytes]], req_id: int, token: str) -> bytes:
    args = UploadBlocks(transfer=transfer, blocks=[(d, memoryview(b)) for d, b in blocks])
    return protocol.request_frame(req_id, "upload_blocks", args, token)


@pytest.mark.parametrize(
    "sizes",
    [
        [],
        [1],
        [255, 256, 65_535, 65_536, 300_000],
        [10] * 15,
        [10] * 16,  # the list's header grows from one byte to three
        [1_000] * 1_024,
    ],
)
def test_the_frame_is_what_msgspec_encodes(sizes: list[int]) -> None:
    blocks = _blocks(sizes)
    frame = _filled("transfer-id", blocks)
    built = frame.frame(70_000, "upload_blocks", TOKEN)
    assert bytes(built) == _encoded("transfer-id", blocks, 70_000, TOKEN)
    decoded = msgspec.msgpack.decode(protocol.decode_envelope(built).args, type=UploadBlocks)
    assert [(d, bytes(b)) for d, b in decoded.blocks] == blocks


def test_a_reused_buffer_gives_the_same_frame_and_a_small_one_is_replaced() -> None:
    big, small = bytearray(5_000_000), bytearray(10)
    blocks = _blocks([70_000, 3])
    reused = _filled("x", blocks, buffer=big)
    assert reused.buffer is big
    assert bytes(reused.frame(1, "upload_blocks", "")) == _encoded("x", blocks, 1, "")
    assert _filled("x", blocks, buffer=small).buffer is not small


def test_a_retry_gets_a_copy_and_a_long_token_still_fits() -> None:
    blocks = _blocks([1_000])
    frame = _filled("x", blocks)
    first = outgoing(1, "upload_blocks", frame, TOKEN, retry=False)
    sent = bytes(first)  # what ZeroMQ may still be holding when the retry is built
    retry = outgoing(2, "upload_blocks", frame, TOKEN, retry=True)
    assert isinstance(retry, bytes) and retry == _encoded("x", blocks, 2, TOKEN)
    assert isinstance(first, memoryview) and bytes(first) == sent
    long_token = "k" * 1_000
    assert bytes(frame.frame(3, "upload_blocks", long_token)) == _encoded(
        "x", blocks, 3, long_token
    )


def test_the_buffer_of_any_frame_fits_the_largest_next_one() -> None:
    """Senders reuse answered buffers; one sized to a small frame was useless for the next."""
    small = _filled("t", _blocks([10]))
    blocks = _blocks([protocol.BATCH_BYTES // protocol.MAX_BATCH] * protocol.MAX_BATCH)
    full = _filled("t", blocks, buffer=small.buffer)
    assert full.buffer is small.buffer
    assert bytes(full.frame(7, "upload_blocks", TOKEN)) == _encoded("t", blocks, 7, TOKEN)
