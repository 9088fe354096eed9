"""Replies and event data: what the hub answers and publishes."""

from __future__ import annotations

from typing import Any

import msgspec

from hub_core.wire.protocol import Role
from hub_core.wire.schema._base import (
    EndReason,
    GameStatus,
    MatchEnding,
    RoomState,
    WireDeps,
    WireIndex,
)

__all__ = [
    "Blocks",
    "ChatLine",
    "Empty",
    "GameDetails",
    "GameRemoved",
    "GameSummary",
    "HeartbeatReply",
    "HubStopping",
    "Identity",
    "InstallOffer",
    "LeaderRow",
    "LibraryView",
    "MatchHistoryReply",
    "MatchView",
    "Missing",
    "MyReview",
    "Pong",
    "PublishOffer",
    "Published",
    "Registered",
    "ReviewResult",
    "ReviewView",
    "RoomList",
    "RoomReply",
    "RoomView",
    "SessionEnded",
    "SessionInfo",
    "Stored",
    "Unpublished",
    "VersionHintReply",
    "VersionRating",
    "VersionView",
]

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
    # Feature values this hub has; empty from hubs before them (text: a newer hub's
    # features decode too, and are ignored).
    features: list[str] = msgspec.field(default_factory=list)


class Identity(msgspec.Struct, frozen=True):
    user: str
    role: Role
    session_id: str


class Pong(msgspec.Struct, frozen=True):
    time: float


class SessionEnded(msgspec.Struct, frozen=True, omit_defaults=True):
    session_id: str
    reason: EndReason
    # For REPLACED, where the new session came from (empty from older hubs): its
    # ClientKind and the address the hub saw it at.
    by_client: str = ""
    by_address: str = ""


class HubStopping(msgspec.Struct, frozen=True):
    name: str


class RoomView(msgspec.Struct, frozen=True, omit_defaults=True):
    """Everything members see of a room; the same shape in events and replies.

    ``omit_defaults``: fields added since are sent only when set, so a snapshot is the
    same map older hubs sent."""

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
    last_match: MatchView | None = None  # the match that ended last, as the history has it
    # In an event only: the players who just left because their app stopped answering
    # (so members can say so); empty in snapshots and from older hubs.
    dropped: list[str] = msgspec.field(default_factory=list)


class RoomReply(msgspec.Struct, frozen=True):
    """A room and the sequence number of its topic, so later events apply in order."""

    room: RoomView
    seq: int
    incarnation: str = ""  # which hub start numbered ``seq`` (empty from older hubs)
    chat: list[ChatLine] = msgspec.field(default_factory=list)  # recent lines, oldest first


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


class LibraryView(msgspec.Struct, frozen=True):
    """One of a version's libraries: its requirement and the wheel files the hub has for it.

    File names carry the distribution, version and platform tags, which is all a player's
    app needs to tell beforehand whether one fits its machine (packages.wheels.fit).
    """

    requirement: str
    wheels: list[str]


class VersionView(msgspec.Struct, frozen=True, omit_defaults=True):
    version: str
    uploaded: float
    manifest: dict[str, Any]  # checked by packages.parse_manifest where it matters
    files: int
    bytes: int
    # The version's libraries (issue 14); absent from hubs before, and for games without.
    libraries: list[LibraryView] = msgspec.field(default_factory=list)


class ReviewView(msgspec.Struct, frozen=True):
    player: str
    key: str
    rating: int
    text: str
    time: float
    # The version the player last played when writing it; "" for a review the hub stored
    # before it recorded that (the app shows "Earlier version", the CLI "earlier").
    version: str = ""


class VersionRating(msgspec.Struct, frozen=True):
    """The reviews written for one version: their average and count (none: not rated)."""

    version: str  # "" gathers reviews that say no version
    avg_rating: float | None
    review_count: int


class GameDetails(GameSummary, frozen=True):
    """Everything about a game: every version (newest first) and the reviews (newest first).

    ``ratings`` has one row per published version, newest first, then one for reviews
    without a version; empty from hubs older than per-version ratings.
    """

    versions: list[VersionView]
    reviews: list[ReviewView]
    ratings: list[VersionRating] = msgspec.field(default_factory=list)


class MyReview(ReviewView, frozen=True, kw_only=True):
    """A player's own review, with the game it is about."""

    game: str
    display_name: str


class ReviewResult(msgspec.Struct, frozen=True):
    name: str
    avg_rating: float | None
    review_count: int
    review: ReviewView


class VersionHintReply(msgspec.Struct, frozen=True):
    """What a developer needs before publishing ``name``: its versions and who owns it.

    ``owner`` is the owning developer's name (None for a name nobody holds); ``yours``
    is False when that is someone else, whose game the publish would be refused as.
    Hubs before issue 11 sent neither: the defaults say "yours", as they assumed.
    """

    exists: bool
    latest: str | None
    versions: list[str]
    suggested: str
    owner: str | None = None
    yours: bool = True
    removed: bool = False  # in the store's history but removed; publishing re-activates it
    # The hub takes a publish's blocks while the developer's app still cuts its files
    # (publish_begin with ahead, publish_ahead, publish_index); hubs before that never say so.
    ahead: bool = False


class PublishOffer(msgspec.Struct, frozen=True):
    """The hub's answer to publish_begin: which blocks it lacks."""

    transfer: str
    name: str
    version: str
    missing: list[str]
    # Upload batches the developer may keep in flight (the hub's memory bound; 0: not said,
    # from hubs before the grant, and the app keeps its own default).
    window: int = 0


class Missing(msgspec.Struct, frozen=True):
    """The hub's answer to publish_ahead: which of the blocks just announced it lacks."""

    missing: list[str]


class Stored(msgspec.Struct, frozen=True):
    stored: int
    window: int = 0  # as PublishOffer.window, granted anew with every batch


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
    deps: WireDeps = msgspec.field(default_factory=list)  # the version's wheels, if any


class Blocks(msgspec.Struct, frozen=True):
    """Views into the reply's frame, not copies (the wire is msgpack bin either way)."""

    blocks: list[memoryview]


class MatchView(msgspec.Struct, frozen=True):
    """One finished match as the hub recorded it; ``results`` are the game's own words."""

    id: str
    game: str
    display_name: str
    version: str
    room: str
    players: list[str]  # display names, in seat order
    results: Any  # what the game reported (winner, scores...), None if it said nothing
    winner: str | None  # results["winner"] when the game named one of the players
    started: float
    ended: float
    ending: MatchEnding
    closed_room: bool = False  # the game closed the room at the end (kick_all)


class LeaderRow(msgspec.Struct, frozen=True):
    """A player's wins among a game's recorded matches."""

    player: str
    wins: int
    matches: int


class MatchHistoryReply(msgspec.Struct, frozen=True):
    """Recorded matches (newest first), and for one game its leaderboard and versions."""

    matches: list[MatchView]
    leaderboard: list[LeaderRow] = []  # empty unless the game reports winners
    per_version: dict[str, int] = {}  # one game's recorded matches per version
    kept: int = 0  # how many matches per game the hub keeps
