"""A fetch_blocks reply laid out first, then filled with its blocks straight from disk.

The hub used to read each block into a bytes object and let msgspec encode the reply:
msgspec grows its output as it goes, so every 2 MB reply was copied once into the
encoder and again at each growth, on fresh pages; in a 20-player rush that was 60% of
the hub's page faults. Here the reply is built once, in the exact bytes msgspec would
produce for ``Reply(result=Blocks(...))``, with a hole of the right size for each block;
the hub reads the packs into those holes (``holes``), and the frame goes to ZeroMQ as
it is. The client reads it as any other reply: the wire does not change.

    laid out : headers written, holes allocated (``BlocksFrame(lengths)``)
    filled   : the hub read every block into its hole
    sent     : ``frame`` put the reply's head in front, without moving the blocks
    released : ZeroMQ let go of it; its buffer serves a later reply (``release``)

Buffers are kept for reuse, a few at most: each new one is zeroed and faulted in page
by page, which cost the hub more than reading the blocks.

The client's side of the same idea is ``upload_frame``.
"""

from __future__ import annotations

from collections import deque

import msgspec

from hub_core.wire import protocol
from hub_core.wire._holes import bin_head, lay_out
from hub_core.wire.schema import Blocks

# Room in front of the result for the reply's head: a map header, "id" and the id (at most
# 9 bytes), "ok" and true, and the "result" key.
_HEAD_ROOM = 64
_RESULT_KEY = protocol.encode("result")
# Every kept buffer holds the largest reply (BATCH_BYTES of blocks, or one block of at
# most 1 MiB, with MAX_BATCH headers of 5 bytes), so any of them fits any later reply.
CAPACITY = _HEAD_ROOM + 16 + protocol.BATCH_BYTES + protocol.MAX_BATCH * 5 + 16
KEPT = 4  # buffers kept for reuse: ~8.4 MB, a few replies in flight at once
_spare: deque[bytearray] = deque(maxlen=KEPT)  # deque: taken and given back on any thread


class BlocksFrame:
    """The reply to one fetch_blocks for blocks of ``lengths`` bytes, in that order."""

    def __init__(self, lengths: list[int]) -> None:
        layout = lay_out(protocol.encode(Blocks(blocks=[])), [(bin_head(n), n) for n in lengths])
        self._end = _HEAD_ROOM + layout.size
        self._size = self._end + _TAIL_BYTES
        self.buffer = _buffer(self._size)
        self.holes = layout.write(self.buffer, _HEAD_ROOM)

    def frame(self, req_id: int) -> memoryview:
        """The whole reply, for ``req_id``: its head written in front of the result."""
        head, tail = _reply_parts(req_id)
        start = _HEAD_ROOM - len(head)
        self.buffer[start:_HEAD_ROOM] = head
        self.buffer[self._end : self._size] = tail
        return memoryview(self.buffer)[start : self._size]

    def release(self) -> None:
        """ZeroMQ is done with the frame: its buffer may serve the next reply. Called
        once, and never while a view of the frame is still being sent."""
        if len(self.buffer) == CAPACITY:
            _spare.append(self.buffer)


def _buffer(size: int) -> bytearray:
    """A kept buffer if one is free and ``size`` fits, else a new one."""
    if size <= CAPACITY:
        try:
            return _spare.pop()
        except IndexError:
            return bytearray(CAPACITY)
    return bytearray(size)


def _reply_parts(req_id: int) -> tuple[bytes, bytes]:
    """What msgspec writes for an ok reply before its result, and after it."""
    whole = protocol.encode(protocol.Reply(id=req_id, ok=True, result=msgspec.Raw(b"")))
    cut = whole.index(_RESULT_KEY) + len(_RESULT_KEY)
    if len(whole[:cut]) > _HEAD_ROOM:
        raise AssertionError("A reply's head outgrew the room kept for it")
    return whole[:cut], whole[cut:]


_TAIL_BYTES = len(_reply_parts(0)[1])  # what follows the result: the same for every id
