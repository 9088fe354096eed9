"""Requests: one Struct per kind, naming its reply type."""

from __future__ import annotations

from typing import Any

import msgspec

from hub_core.wire.protocol import Role
from hub_core.wire.schema._base import Request, WireDeps, WireIndex
from hub_core.wire.schema._replies import (
    Blocks,
    ChatLine,
    Empty,
    GameDetails,
    GameSummary,
    HeartbeatReply,
    Identity,
    InstallOffer,
    MatchHistoryReply,
    Missing,
    MyReview,
    Pong,
    Published,
    PublishOffer,
    Registered,
    ReviewResult,
    RoomList,
    RoomReply,
    SessionInfo,
    Stored,
    Unpublished,
    VersionHintReply,
)

__all__ = [
    "AheadPiece",
    "CreateRoom",
    "FetchBlocks",
    "GetGameDetails",
    "Heartbeat",
    "InstallBegin",
    "JoinRoom",
    "LeaveRoom",
    "ListGames",
    "ListRooms",
    "Login",
    "Logout",
    "MatchHistory",
    "MyGames",
    "MyReviews",
    "MyRoom",
    "Ping",
    "Played",
    "ProposeStart",
    "PublishAhead",
    "PublishBegin",
    "PublishCommit",
    "PublishIndex",
    "Register",
    "RespondStart",
    "Review",
    "RoomChat",
    "RoomGet",
    "SetReady",
    "Unpublish",
    "UploadBlocks",
    "VersionHint",
    "WhoAmI",
]

# -- requests: accounts --------------------------------------------------------------


class Register(Request[Registered], frozen=True):
    kind = "register"
    idempotent = False
    role: Role
    user: str
    password: str


class Login(Request[SessionInfo], frozen=True):
    kind = "login"
    role: Role
    user: str
    password: str
    client: str = ""  # a ClientKind; kept as text so a kind a hub does not know still logs in


class Logout(Request[Empty], frozen=True):
    kind = "logout"


class WhoAmI(Request[Identity], frozen=True):
    kind = "whoami"


class Ping(Request[Pong], frozen=True):
    kind = "ping"


# -- requests: the store -------------------------------------------------------------


class VersionHint(Request[VersionHintReply], frozen=True):
    kind = "version_hint"
    name: str


class PublishBegin(Request[PublishOffer], frozen=True, omit_defaults=True):
    kind = "publish_begin"
    version: str
    manifest: dict[str, Any]
    index: WireIndex
    # The game's libraries: [{"requirement": "pygame", "wheels": index of .whl files}];
    # left out when empty, so a game without requires still publishes to an older hub.
    deps: WireDeps = msgspec.field(default_factory=list)
    # True: the files' blocks are announced while they are cut (publish_ahead) and the
    # whole index follows (publish_index); ``index`` is then empty. Only to hubs whose
    # VersionHintReply says ``ahead``.
    ahead: bool = False


# The next blocks of one file, in order: (path, block hashes, block sizes).
AheadPiece = tuple[str, list[str], list[int]]


class PublishAhead(Request[Missing], frozen=True):
    """Blocks of an ``ahead`` publish, announced as the developer's app cuts them."""

    kind = "publish_ahead"
    idempotent = False  # sent twice, a file's blocks would be announced twice
    transfer: str
    pieces: list[AheadPiece]


class PublishIndex(Request[PublishOffer], frozen=True):
    """An ``ahead`` publish's whole index, once every file is cut: the hub checks it as
    publish_begin checks one, and lists the blocks still missing."""

    kind = "publish_index"
    idempotent = False
    transfer: str
    index: WireIndex


class UploadBlocks(Request[Stored], frozen=True):
    """Blocks decode as views into the received frame (msgpack bin, as bytes would): the
    hub hashes and writes them where they arrived instead of copying 2 MB per batch."""

    kind = "upload_blocks"
    transfer: str
    blocks: list[tuple[str, memoryview]]


class PublishCommit(Request[Published], frozen=True):
    kind = "publish_commit"
    idempotent = False
    transfer: str


class Unpublish(Request[Unpublished], frozen=True):
    kind = "unpublish"  # removing twice is harmless
    name: str


class MyGames(Request[list[GameDetails]], frozen=True):
    kind = "my_games"


class ListGames(Request[list[GameSummary]], frozen=True):
    kind = "list_games"


class GetGameDetails(Request[GameDetails], frozen=True):
    kind = "game_details"
    name: str


class InstallBegin(Request[InstallOffer], frozen=True, omit_defaults=True):
    kind = "install_begin"
    name: str
    version: str | None = None  # a room's version; the latest if not given
    # True: this app checks BLAKE3 hashes. Sent only to hubs with Feature.BLAKE3 (older
    # hubs refuse fields they do not know); a hub refuses a BLAKE3 version to apps that
    # do not say so, with a sentence asking to update, instead of hashes they cannot check.
    blake3: bool = False


class FetchBlocks(Request[Blocks], frozen=True):
    kind = "fetch_blocks"
    hashes: list[str]


# -- requests: rooms and reviews -----------------------------------------------------


class ListRooms(Request[RoomList], frozen=True):
    kind = "list_rooms"


class RoomGet(Request[RoomReply], frozen=True):
    kind = "room_get"
    room: str


class MyRoom(Request[RoomReply | None], frozen=True):
    kind = "my_room"


class CreateRoom(Request[RoomReply], frozen=True):
    kind = "create_room"
    idempotent = False
    name: str


class JoinRoom(Request[RoomReply], frozen=True):
    kind = "join_room"
    room: str


class LeaveRoom(Request[Empty], frozen=True):
    kind = "leave_room"
    room: str


class SetReady(Request[RoomReply], frozen=True):
    kind = "set_ready"
    room: str
    ready: bool
    installed: str | None = None  # the version this player has installed


class ProposeStart(Request[RoomReply], frozen=True):
    kind = "propose_start"
    room: str


class RespondStart(Request[RoomReply], frozen=True):
    kind = "respond_start"
    room: str
    accept: bool


class RoomChat(Request[ChatLine], frozen=True):
    kind = "room_chat"
    idempotent = False
    room: str
    text: str


class Heartbeat(Request[HeartbeatReply], frozen=True):
    kind = "heartbeat"


class Review(Request[ReviewResult], frozen=True):
    kind = "review"
    name: str
    rating: int
    text: str = ""


class MyReviews(Request[list[MyReview]], frozen=True):
    kind = "my_reviews"


class Played(Request[dict[str, int]], frozen=True):
    kind = "played"


class MatchHistory(Request[MatchHistoryReply], frozen=True):
    kind = "match_history"
    game: str | None = None  # one game's matches; None: every game's
    mine: bool = False  # only matches the asking player played in
    limit: int = 50  # newest first, at most this many (the hub caps it)
