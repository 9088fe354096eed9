"""The schema's ground: the enums both sides share, the file index, and ``Request``."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar, get_args, get_origin

import msgspec

__all__ = [
    "ClientKind",
    "EndReason",
    "EventKind",
    "Feature",
    "GameStatus",
    "MatchEnding",
    "Request",
    "RoomState",
    "WireDeps",
    "WireIndex",
]

R = TypeVar("R")

# A file index on the wire: [[path, size, hash, [block hashes]], ...]. It stays loose here
# because packages.index_from_wire checks it with messages that name the bad entry.
WireIndex = list[list[Any]]
# A version's libraries: [{"requirement": str, "wheels": WireIndex}], checked by
# packages.wheels.deps_from_wire for the same reason.
WireDeps = list[dict[str, Any]]


class RoomState(StrEnum):
    WAITING = "waiting"  # players join and leave, and mark themselves ready
    PROPOSED = "proposed"  # the owner asked to start; guests accept or decline
    IN_GAME = "in_game"  # the game's clients are running
    CLOSED = "closed"  # the room is gone


class GameStatus(StrEnum):
    ACTIVE = "active"  # in the store
    REMOVED = "removed"  # hidden by its developer; files kept, installs keep working


class MatchEnding(StrEnum):
    """How a match ended, as its history records it."""

    FINISHED = "finished"  # the game reported the end (game_finished), kick_all or not
    SERVER_DIED = "server_died"  # the game's server exited or crashed during the match
    PLAYERS_LEFT = "players_left"  # every player left the room during the match
    HUB_STOPPED = "hub_stopped"  # the hub stopped during the match


class EndReason(StrEnum):
    REPLACED = "replaced"  # the same account logged in elsewhere
    LOGOUT = "logout"  # the user logged out


class ClientKind(StrEnum):
    """Which program logged in (Login.client): what a replaced session is told."""

    APP = "app"  # the GameHub window
    CLI = "cli"  # the gamehub command


class Feature(StrEnum):
    """What a hub can do beyond what every hub of this protocol does (SessionInfo.features).

    Sent as text, so an app ignores what it does not know and an older hub simply never
    says a feature; an app asks for one only of a hub that said it.
    """

    # The hub stores and checks BLAKE3 hashes (hub_core.util.digests): the app gives
    # new packages BLAKE3, and says it reads them when it installs (InstallBegin.blake3).
    BLAKE3 = "blake3"


class EventKind(StrEnum):
    SESSION_ENDED = "session_ended"  # session/<role>/<key>: SessionEnded
    ROOM = "room"  # room/<id> and rooms: RoomView
    ROOM_REMOVED = "room_removed"  # rooms: RoomView of a closed room
    CHAT = "chat"  # room/<id>: ChatLine
    GAME_PUBLISHED = "game_published"  # store: Published
    GAME_REMOVED = "game_removed"  # store: GameRemoved
    REVIEW = "review"  # store: ReviewResult
    HUB_STOPPING = "hub_stopping"  # hub: HubStopping
    HUB_MOVED = "hub_moved"  # hub: HubMoved (handed over to another host; follow it)


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
