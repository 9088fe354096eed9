"""The wire format: msgpack frames, typed with msgspec, shared by hub and client.

A request is one ZeroMQ frame holding an ``Envelope``; its ``args`` are decoded a second
time against the Struct registered for ``kind``. Decoding in two steps lets the hub answer
a malformed request with the request's own id and a message that names the bad field.
Every reply is one frame holding a ``Reply``; every event is two frames, topic and ``Event``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

PROTOCOL_VERSION = 1

# A frame bigger than this is answered with ``too_large``; clients check it before sending.
# Sized for the largest file index a package within the limits can have (50,000 files);
# contents travel in 512 KiB blocks, far below it.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
# ZeroMQ drops the connection of a peer that sends more than this (ZMQ_MAXMSGSIZE), so a
# hostile peer cannot make the hub buffer gigabytes before the check above runs.
HARD_MESSAGE_BYTES = 2 * MAX_MESSAGE_BYTES
# Only the kinds that carry a game's index or blocks may be larger than this, and only from
# a logged-in developer; every other frame above it is refused before it is decoded.
SMALL_MESSAGE_BYTES = 64 * 1024
# The hello socket takes only tiny messages (a client sends b"hello"); ZeroMQ drops a peer
# that sends more, so strangers cannot make the hub hold anything there.
HELLO_MAX_BYTES = 1024

# Topic frames end with this byte, so a subscription to "session/player/bob" cannot also
# match "session/player/bobby".
TOPIC_END = b"\x00"

# The event topics everyone may follow (a room's own topic is "room/<id>").
HUB_TOPIC = "hub"  # the hub itself: players online, shutting down
STORE_TOPIC = "store"  # games published, updated, removed; new reviews
ROOMS_TOPIC = "rooms"  # the lobby's room list

# The two account books; a session belongs to one of them.
Role = Literal["developer", "player"]
ROLES: tuple[Role, ...] = ("developer", "player")

# One request carries at most this many bytes of blocks, and this many blocks: small
# files travel many to a message instead of one request each (both ways).
BATCH_BYTES = 2 * 1024 * 1024
MAX_BATCH = 1024


def room_topic(room_id: str) -> str:
    """A room's own topic: the whole room on every change, and its chat."""
    return f"room/{room_id}"


def session_topic(role: Role, key: str) -> str:
    """The event topic on which a user's sessions are told they ended."""
    return f"session/{role}/{key}"


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Outer shape of every request."""

    v: int
    id: int
    kind: str
    token: str = ""
    args: msgspec.Raw = msgspec.Raw(b"\x80")  # an empty msgpack map


class _OutEnvelope(msgspec.Struct, frozen=True):
    """Envelope as it is sent: the same fields in the same order, so the same bytes, but
    ``args`` encoded in the same pass (as Raw it was encoded, then copied in again)."""

    v: int
    id: int
    kind: str
    token: str
    args: Any


class ErrorInfo(msgspec.Struct, frozen=True):
    """A refused request: ``code`` is stable for programs, ``message`` is for people."""

    code: str
    message: str


class Reply(msgspec.Struct, frozen=True):
    """Answer to one request, matched by ``id``."""

    id: int
    ok: bool
    result: Any = None
    error: ErrorInfo | None = None


class RawReply(msgspec.Struct, frozen=True):
    """A Reply as the app reads it: the result left encoded until the request's own reply
    type decodes it (``decode_result``), so a 2 MB block batch is a view into the frame
    instead of bytes copied once into builtins and checked again by conversion."""

    id: int
    ok: bool
    result: msgspec.Raw = msgspec.Raw(b"\xc0")  # nil
    error: ErrorInfo | None = None


class Event(msgspec.Struct, frozen=True):
    """Something changed on the hub; ``seq`` counts up by one per topic.

    ``incarnation`` is random per hub start: a restarted hub numbers from 1 again, so a
    sequence number means something only together with it. Empty from older hubs.
    """

    topic: str
    seq: int
    kind: str
    data: Any = None
    incarnation: str = ""


class Hello(msgspec.Struct, frozen=True):
    """What a hub tells anyone, unencrypted, so a hub entered by hand can be pinned."""

    protocol: int
    name: str
    host: str
    key: str  # the hub's CURVE public key, z85 text
    req_port: int
    pub_port: int
    online: int = 0  # players logged in now, for hub lists
    incarnation: str = ""  # random per hub start (see Event); empty from older hubs
    # How many times this hub (this key) was handed to another host; 0 from older hubs.
    generation: int = 0


# What decoding a stranger's frame can raise: msgspec's errors, UnicodeDecodeError for a
# string that is not valid UTF-8, and RecursionError for nesting deeper than the
# interpreter's recursion limit. msgspec counts its depth with Py_EnterRecursiveCall, so
# that error comes after at most ~1,000 levels, in microseconds, whatever the frame's size:
# catching it is the depth limit, and costs nothing on frames that are not nested.
DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError)

_encoder = msgspec.msgpack.Encoder()
_envelope_decoder = msgspec.msgpack.Decoder(Envelope)
_reply_decoder = msgspec.msgpack.Decoder(Reply)
_event_decoder = msgspec.msgpack.Decoder(Event)
_raw_reply_decoder = msgspec.msgpack.Decoder(RawReply)
_result_decoders: dict[Any, msgspec.msgpack.Decoder[Any]] = {}


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


def decode_envelope(frame: bytes | memoryview) -> Envelope:
    """Raises ``msgspec.DecodeError`` or ``msgspec.ValidationError`` on a bad frame."""
    return _envelope_decoder.decode(frame)


def decode_reply(frame: bytes) -> Reply:
    return _reply_decoder.decode(frame)


def decode_raw_reply(frame: bytes | memoryview) -> RawReply:
    return _raw_reply_decoder.decode(frame)


def decode_result(raw: msgspec.Raw, reply_type: Any) -> Any:
    """A reply's result as ``reply_type``; raises one of DECODE_ERRORS on the wrong shape."""
    decoder = _result_decoders.get(reply_type)
    if decoder is None:
        decoder = _result_decoders[reply_type] = msgspec.msgpack.Decoder(reply_type)
    return decoder.decode(raw)


def decode_event(frame: bytes) -> Event:
    return _event_decoder.decode(frame)


def topic_frame(topic: str) -> bytes:
    return topic.encode() + TOPIC_END


def request_frame(req_id: int, kind: str, args: Any, token: str = "") -> bytes:
    """Encodes a request; ``args`` is a Struct or a dict."""
    return encode(_OutEnvelope(v=PROTOCOL_VERSION, id=req_id, kind=kind, token=token, args=args))


def envelope_head(req_id: int, kind: str, token: str = "") -> bytes:
    """A request's frame up to its arguments, which the caller puts right after it
    (upload_frame builds block batches around their bytes)."""
    return encode(
        _OutEnvelope(v=PROTOCOL_VERSION, id=req_id, kind=kind, token=token, args=_NO_ARGS)
    )


_NO_ARGS = msgspec.Raw(b"")


def error_reply(req_id: int, code: str, message: str) -> bytes:
    return encode(Reply(id=req_id, ok=False, error=ErrorInfo(code=code, message=message)))


def ok_reply(req_id: int, result: Any) -> bytes:
    return encode(Reply(id=req_id, ok=True, result=result))


def describe_decode_error(exc: Exception) -> str:
    """msgspec's message made into a sentence: 'Expected `str`, got `int` - at `$.user`'."""
    if isinstance(exc, RecursionError):
        return "Malformed request: it is nested too deeply."
    text = str(exc).replace("$.", "").replace("$", "the request")
    return f"Malformed request: {text}."
