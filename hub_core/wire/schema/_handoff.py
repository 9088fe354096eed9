"""Handing a hub over to another host: the requests, their replies, and the state that moves.

The receiver pulls everything over its own encrypted request connection (a ROUTER can
only answer, never push): it offers to host, waits for a handoff (a long poll), reads the
manifest, then asks for each file in bounded chunks and finally says it serves.
"""

from __future__ import annotations

from typing import Any

import msgspec

from hub_core.util import digests
from hub_core.wire.protocol import Role
from hub_core.wire.schema._base import Request
from hub_core.wire.schema._replies import ChatLine, Empty

__all__ = [
    "STORE_FORMATS",
    "AwaitHandoff",
    "HandoffAbort",
    "HandoffChunk",
    "HandoffData",
    "HandoffDone",
    "HandoffFile",
    "HandoffManifest",
    "HandoffManifestReply",
    "HandoffOffer",
    "HandoffPieces",
    "HandoffPiecesData",
    "HandoffProgress",
    "HandoffStarted",
    "HandoffStatus",
    "HubMoved",
    "ListWilling",
    "MovedRoom",
    "MovedSession",
    "MovedState",
    "OfferToHost",
    "StartHandoff",
]

# How this version's hub stores package blocks ("packs": pack files, since 2026-12;
# "blake3": blocks named by BLAKE3 too, in GHPACK2 packs). A copy offers to host with the
# formats it reads, and a hub is only handed to one that reads its own: an older copy
# would start the hub without its games' contents.
STORE_FORMATS = ("packs", "blake3") if digests.blake3_available() else ("packs",)

# One chunk of a file per reply: small enough to keep the hub's send queue bounded, large
# enough that the per-request cost stays small next to CURVE's per-byte cost. A
# ``handoff_pieces`` reply holds at most this much too, made of many small files' pieces.
CHUNK_BYTES = 4 * 1024 * 1024
PIECES_MAX = 1000  # pieces in one handoff_pieces request (its frame stays small)


# -- what moves besides the files ------------------------------------------------------


class MovedSession(msgspec.Struct, frozen=True):
    """A live login, so nobody logs in again on the new host."""

    token: str
    session_id: str
    role: Role
    user: str
    key: str
    address: str = ""
    client: str = ""


class MovedRoom(msgspec.Struct, frozen=True):
    """A waiting room: its members in seat order, who is ready, and its recent chat."""

    id: str
    game: str
    version: str
    owner: str
    players: list[str]
    names: dict[str, str]
    ready: list[str]
    matches: int
    last_results: Any
    created: float
    chat: list[ChatLine] = msgspec.field(default_factory=list)


class MovedState(msgspec.Struct, frozen=True):
    """The hub's identity and in-memory state; its key pair travels as a file."""

    name: str
    generation: int  # the new host's generation (the old one's plus one)
    sessions: list[MovedSession]
    rooms: list[MovedRoom]


class HandoffFile(msgspec.Struct, frozen=True):
    path: str  # relative to the data folder, with "/" separators
    size: int
    sha256: str


# -- replies --------------------------------------------------------------------------


class HandoffOffer(msgspec.Struct, frozen=True):
    """A handoff for the waiting receiver; ``handoff`` is empty when none came in time."""

    handoff: str = ""
    name: str = ""
    files: int = 0
    bytes: int = 0


class HandoffManifestReply(msgspec.Struct, frozen=True):
    files: list[HandoffFile]
    state: bytes  # a MovedState, msgpack
    state_sha256: str


class HandoffData(msgspec.Struct, frozen=True):
    data: bytes


class HandoffPiecesData(msgspec.Struct, frozen=True):
    """The pieces asked for, in the order asked: read as views into the reply's frame (the
    receiver writes them to disk from there; copying 200 MB into fresh bytes cost more)."""

    data: list[memoryview]


class HandoffStarted(msgspec.Struct, frozen=True):
    handoff: str
    to: str


class HandoffProgress(msgspec.Struct, frozen=True):
    """Where a handoff stands, for the host who started it."""

    state: str  # a HandoffState
    message: str
    sent: int = 0
    total: int = 0


class HubMoved(msgspec.Struct, frozen=True):
    """On the hub topic: the hub now runs elsewhere; clients follow it by its key."""

    name: str
    address: str
    req_port: int
    pub_port: int
    key: str
    generation: int
    host: str = ""


# -- requests -------------------------------------------------------------------------


class OfferToHost(Request[Empty], frozen=True):
    """A player's copy says it would take the hub (or, with ``willing`` false, no longer)."""

    kind = "offer_to_host"
    willing: bool = True
    host: str = ""  # who would host, as shown in lists: "bob@bob-laptop"
    reads: list[str] = msgspec.field(default_factory=list)  # STORE_FORMATS of that copy


class ListWilling(Request[list[str]], frozen=True):
    kind = "list_willing"


class StartHandoff(Request[HandoffStarted], frozen=True):
    """From the host's own machine: ``control`` is the token in the hub's data folder."""

    kind = "start_handoff"
    idempotent = False
    control: str
    to: str
    wait_matches: float = 0.0


class HandoffStatus(Request[HandoffProgress], frozen=True):
    kind = "handoff_status"
    control: str


class AwaitHandoff(Request[HandoffOffer], frozen=True):
    kind = "await_handoff"
    wait: float = 10.0


class HandoffManifest(Request[HandoffManifestReply], frozen=True):
    kind = "handoff_manifest"
    handoff: str


class HandoffChunk(Request[HandoffData], frozen=True):
    kind = "handoff_chunk"
    handoff: str
    file: int
    offset: int


class HandoffPieces(Request[HandoffPiecesData], frozen=True):
    """Several pieces at once, CHUNK_BYTES in all at most: a hub's package blocks are a
    thousand small files, and one request each cost more than their bytes."""

    kind = "handoff_pieces"
    handoff: str
    pieces: list[tuple[int, int]]  # (file index, offset): up to CHUNK_BYTES of that file


class HandoffDone(Request[Empty], frozen=True):
    """The receiver verified everything and its hub serves at ``req_port``."""

    kind = "handoff_done"
    handoff: str
    address: str  # "" : where the hub saw the receiver's requests come from
    req_port: int
    pub_port: int


class HandoffAbort(Request[Empty], frozen=True):
    kind = "handoff_abort"
    handoff: str
    reason: str
