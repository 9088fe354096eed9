"""An upload_blocks request laid out first, then filled with its blocks straight from disk.

Sending a batch the usual way reads each block into a bytes object (fresh pages from
the kernel for every 2 MB batch) and then msgspec copies them all into the encoded
frame: two copies and ~100 MB of page faults per 100 MB published. Here the frame is
built once, in the exact bytes msgspec would produce for ``UploadBlocks``, with a hole
of the right size where each block's bytes go; the caller reads the files into those
holes (``holes``), and the frame goes to ZeroMQ as it is.

    laid out : headers written, holes allocated (``UploadFrame(...)``)
    filled   : the caller read every block into its hole
    sent     : ``frame`` put the envelope in front, without moving the blocks
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from hub_core.wire import protocol
from hub_core.wire._holes import bin_head, lay_out
from hub_core.wire.schema import Stored, UploadBlocks

R = TypeVar("R")

# Room kept in front of the arguments for the envelope (v, id, kind, token), so it can be
# written there instead of copying the arguments behind it; a session token is 43 chars.
_ENVELOPE_ROOM = 256
# A new buffer holds the largest frame (BATCH_BYTES of blocks, MAX_BATCH headers of at
# most 80 bytes, the request's own head), so every answered buffer fits any later frame:
# sized to its first frame, most were too small for the next and 2 MB of fresh pages
# were zeroed per frame (~35 ms of the loop's time per 100 MB published).
_CAPACITY = _ENVELOPE_ROOM + 1024 + protocol.BATCH_BYTES + protocol.MAX_BATCH * 80


class Prebuilt(Generic[R]):
    """A request whose frame is built by the request itself (``frame``), not by msgspec;
    ``HubClient.call`` takes it like a schema.Request."""

    kind: ClassVar[str]
    reply: ClassVar[Any]
    idempotent: ClassVar[bool] = True

    def frame(self, req_id: int, kind: str, token: str) -> memoryview | bytes:
        """The request's frame for the first attempt (it may share the request's buffer)."""
        raise NotImplementedError

    def fresh(self, req_id: int, kind: str, token: str) -> bytes:
        """The request's frame as bytes of its own, leaving the buffer untouched (a retry)."""
        raise NotImplementedError


def outgoing(req_id: int, kind: str, args: Any, token: str, *, retry: bool) -> memoryview | bytes:
    """The frame of one attempt at a request: ``args`` encoded, or a Prebuilt's own (a
    copy on a retry, as ZeroMQ may still hold the earlier attempt's buffer)."""
    if isinstance(args, Prebuilt):
        return args.fresh(req_id, kind, token) if retry else args.frame(req_id, kind, token)
    return protocol.request_frame(req_id, kind, args if args is not None else {}, token)


class UploadFrame(Prebuilt[Stored]):
    """One upload_blocks request for ``blocks`` ((digest, length) pairs) of ``transfer``.

    ``buffer``, when large enough, is used instead of a new one: a sender that reuses
    the buffer of a batch whose reply came (so ZeroMQ has sent it) touches warm pages.
    """

    kind = UploadBlocks.kind
    reply = Stored

    def __init__(
        self, transfer: str, blocks: list[tuple[str, int]], buffer: bytearray | None = None
    ) -> None:
        layout = lay_out(
            protocol.encode(UploadBlocks(transfer=transfer, blocks=[])),
            [(b"\x92" + protocol.encode(digest) + bin_head(n), n) for digest, n in blocks],
        )
        size = _ENVELOPE_ROOM + layout.size
        fits = buffer is not None and len(buffer) >= size
        self.buffer = buffer if buffer is not None and fits else bytearray(max(size, _CAPACITY))
        self._size = size
        self.holes = layout.write(self.buffer, _ENVELOPE_ROOM)

    def frame(self, req_id: int, kind: str, token: str) -> memoryview | bytes:
        """The whole request: the envelope written in front of the arguments.

        Each call overwrites the room in front, so a retry must not reuse the frame of an
        earlier attempt that ZeroMQ may still hold: ``outgoing`` calls ``fresh`` then.
        """
        envelope = protocol.envelope_head(req_id, kind, token)
        start = _ENVELOPE_ROOM - len(envelope)
        if start < 0:  # an unusually long token: copy once rather than fail
            return self._joined(envelope)
        self.buffer[start:_ENVELOPE_ROOM] = envelope
        return memoryview(self.buffer)[start : self._size]

    def fresh(self, req_id: int, kind: str, token: str) -> bytes:
        return self._joined(protocol.envelope_head(req_id, kind, token))

    def _joined(self, envelope: bytes) -> bytes:
        """The envelope and a copy of the arguments, the buffer left as it was."""
        return envelope + memoryview(self.buffer)[_ENVELOPE_ROOM : self._size]
