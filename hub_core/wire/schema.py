"""Every message's shape, shared by hub, client, CLI and app: requests, replies and events.

A request is a Struct whose class names its ``kind`` and, through ``Request[Reply]``, the
type of its reply: the hub's route table registers the Struct, and ``HubClient.call`` sends
one and decodes the reply into that type. Field names are the wire's map keys, unchanged
since protocol version 1, so frames of older clients still decode.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

import msgspec

from hub_core.wire.protocol import DECODE_ERRORS, Event, Role

log = logging.getLogger(__name__)

R = TypeVar("R")

# A file index on the wire: [[path, size, hash, [block hashes]], ...]. It stays loose here
# because packages.index_from_wire checks it with messages that name the bad entry.
WireIndex = list[list[Any]]


class RoomState(StrEnum):
    WAITING = "waiting"  # players join and leave, and mark themselves ready
    PROPOSED = "proposed"  # the owner asked to start; guests accept or decline
    IN_GAME = "in_game"  # the game's clients are running
    CLOSED = "closed"  # the room is gone


class GameStatus(StrEnum):
    ACTIVE = "active"  # in the store
    REMOVED = "removed"  # hidden by its developer; files kept, installs keep working


class EndReason(StrEnum):
    REPLACED = "replaced"  # the same account logged in elsewhere
    LOGOUT = "logout"  # the user logged out


class EventKind(StrEnum):
    SESSION_ENDED = "session_ended"  # session/<role>/<key>: SessionEnded
    ROOM = "room"  # room/<id> and rooms: RoomView
    ROOM_REMOVED = "room_removed"  # rooms: RoomView of a closed room
    CHAT = "chat"  # room/<id>: ChatLine
    GAME_PUBLISHED = "game_published"  # store: Published
    GAME_REMOVED = "game_removed"  # store: GameRemoved
    REVIEW = "review"  # store: ReviewResult
    HUB_STOPPING = "hub_stopping"  # hub: HubStopping


class Request(msgspec.Struct, Generic[R], frozen=True, forbid_unknown_fields=True):
    """A request's arguments; subclasses set ``kind`` and name their reply as ``Request[Reply]``."""

    kind: ClassVar[str]
    reply: ClassVar[Any]  # the reply's type, taken from Request[...] by __init_subclass__
    idempotent: ClassVar[bool] = True  # safe to send again after a timeout

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            if get_origin(base) is Request:
                cls.reply = get_args(base)[0]


# -- replies and event data ----------------------------------------------------------


class Empty(msgspec.Struct, frozen=True):
    """A reply with nothing to say (an empty map on the wire)."""


class Registered(msgspec.Struct, frozen=True):
    user: str
    role: Role


class SessionInfo(msgspec.Struct, frozen=True):
    """The logged-in user, as the hub confirmed it (the login reply)."""

    token: str
    session_id: str
    user: str
    role: Role
    key: str


class Identity(msgspec.Struct, frozen=True):
    user: str
    role: Role
    session_id: str


class Pong(msgspec.Struct, frozen=True):
    time: float


class SessionEnded(msgspec.Struct, frozen=True):
    session_id: str
    reason: EndReason


class HubStopping(msgspec.Struct, frozen=True):
    name: str


class RoomView(msgspec.Struct, frozen=True):
    """Everything members see of a room; the same shape in events and replies."""

    id: str
    game: str
    version: str
    display_name: str
    type: str
    min_players: int
    max_players: int
    owner: str  # display names from here on
    players: list[str]
    ready: list[str]
    accepted: list[str]
    state: RoomState
    server_port: int
    matches: int
    last_results: Any
    closed_reason: str
    created: float


class RoomReply(msgspec.Struct, frozen=True):
    """A room and the sequence number of its topic, so later events apply in order."""

    room: RoomView
    seq: int
    incarnation: str = ""  # which hub start numbered ``seq`` (empty from older hubs)


class RoomList(msgspec.Struct, frozen=True):
    rooms: list[RoomView]
    seq: int
    incarnation: str = ""  # as in RoomReply


class ChatLine(msgspec.Struct, frozen=True):
    sender: str = msgspec.field(name="from")
    text: str
    time: float


class HeartbeatReply(msgspec.Struct, frozen=True):
    room: str | None  # the room the hub has this player in


class GameSummary(msgspec.Struct, frozen=True):
    """What a store list shows for one game."""

    name: str
    display_name: str
    type: str
    max_players: int
    min_players: int
    description: str
    author: str
    latest: str
    status: GameStatus
    avg_rating: float | None
    review_count: int
    updated: float


class VersionView(msgspec.Struct, frozen=True):
    version: str
    uploaded: float
    manifest: dict[str, Any]  # checked by packages.parse_manifest where it matters
    files: int
    bytes: int


class ReviewView(msgspec.Struct, frozen=True):
    player: str
    key: str
    rating: int
    text: str
    time: float
    version: str


class GameDetails(GameSummary, frozen=True):
    """Everything about a game: every version (newest first) and the reviews (newest first)."""

    versions: list[VersionView]
    reviews: list[ReviewView]


class MyReview(ReviewView, frozen=True):
    """A player's own review, with the game it is about."""

    game: str
    display_name: str


class ReviewResult(msgspec.Struct, frozen=True):
    name: str
    avg_rating: float | None
    review_count: int
    review: ReviewView


class VersionHintReply(msgspec.Struct, frozen=True):
    exists: bool
    latest: str | None
    versions: list[str]
    suggested: str


class PublishOffer(msgspec.Struct, frozen=True):
    """The hub's answer to publish_begin: which blocks it lacks."""

    transfer: str
    name: str
    version: str
    missing: list[str]


class Stored(msgspec.Struct, frozen=True):
    stored: int


class Published(msgspec.Struct, frozen=True):
    name: str
    version: str


class Unpublished(msgspec.Struct, frozen=True):
    name: str
    status: GameStatus


class GameRemoved(msgspec.Struct, frozen=True):
    name: str


class InstallOffer(msgspec.Struct, frozen=True):
    name: str
    version: str
    manifest: dict[str, Any]
    index: WireIndex


class Blocks(msgspec.Struct, frozen=True):
    blocks: list[bytes]


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


class PublishBegin(Request[PublishOffer], frozen=True):
    kind = "publish_begin"
    version: str
    manifest: dict[str, Any]
    index: WireIndex


class UploadBlocks(Request[Stored], frozen=True):
    kind = "upload_blocks"
    transfer: str
    blocks: list[tuple[str, bytes]]


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


class InstallBegin(Request[InstallOffer], frozen=True):
    kind = "install_begin"
    name: str
    version: str | None = None  # a room's version; the latest if not given


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


# -- events ----------------------------------------------------------------------------

EventData = (
    SessionEnded | RoomView | ChatLine | Published | GameRemoved | ReviewResult | HubStopping
)

EVENT_DATA: dict[EventKind, type[EventData]] = {
    EventKind.SESSION_ENDED: SessionEnded,
    EventKind.ROOM: RoomView,
    EventKind.ROOM_REMOVED: RoomView,
    EventKind.CHAT: ChatLine,
    EventKind.GAME_PUBLISHED: Published,
    EventKind.GAME_REMOVED: GameRemoved,
    EventKind.REVIEW: ReviewResult,
    EventKind.HUB_STOPPING: HubStopping,
}


def event_data(event: Event) -> EventData | None:
    """The event's data as its Struct; None (and a log line) for an unknown or bad one."""
    try:
        return msgspec.convert(event.data, EVENT_DATA[EventKind(event.kind)])
    except (ValueError, *DECODE_ERRORS) as exc:  # ValueError: a kind this app does not know
        log.warning("Ignoring a %r event on %s: %s", event.kind, event.topic, exc)
        return None
