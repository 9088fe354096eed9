"""Events: which Struct each event kind's data decodes into."""

from __future__ import annotations

import logging

import msgspec

from hub_core.wire.protocol import DECODE_ERRORS, Event
from hub_core.wire.schema._base import EventKind
from hub_core.wire.schema._handoff import HubMoved
from hub_core.wire.schema._replies import (
    ChatLine,
    GameRemoved,
    HubStopping,
    Published,
    ReviewResult,
    RoomView,
    SessionEnded,
)

log = logging.getLogger("hub_core.wire.schema")

__all__ = [
    "EventData",
    "event_data",
]

# -- events ----------------------------------------------------------------------------

EventData = (
    SessionEnded
    | RoomView
    | ChatLine
    | Published
    | GameRemoved
    | ReviewResult
    | HubStopping
    | HubMoved
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
    EventKind.HUB_MOVED: HubMoved,
}


def event_data(event: Event) -> EventData | None:
    """The event's data as its Struct; None (and a log line) for an unknown or bad one."""
    try:
        return msgspec.convert(event.data, EVENT_DATA[EventKind(event.kind)])
    except (ValueError, *DECODE_ERRORS) as exc:  # ValueError: a kind this app does not know
        log.warning("Ignoring a %r event on %s: %s", event.kind, event.topic, exc)
        return None
