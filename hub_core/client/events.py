"""Event subscriptions on the client: a SUB socket, per-topic sequence checks, gap reports.

Events can be missed (a late subscription, a dropped message, a reconnect). Each topic's
``seq`` counts up by one, so a jump tells the subscriber to fetch a fresh snapshot; a
snapshot's ``seq`` (``Subscription.expect``) tells which later events still apply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

import zmq
import zmq.asyncio

from hub_core.util.ratelog import RateLimitedLog
from hub_core.wire import protocol

log = logging.getLogger(__name__)

OnEvent = Callable[[protocol.Event], None]
# topic, last seq seen, seq received; last is 0 when the hub restarted (a new incarnation)
OnGap = Callable[[str, int, int], None]


@dataclass
class Subscription:
    """One topic's handlers, the last sequence number applied and the hub start it came from.

    A restarted hub numbers its events from 1 again, so a sequence number is compared only
    within one ``incarnation``; an event from a new one is applied and reported as a gap,
    never dropped as "already applied".
    """

    topic: str
    on_event: OnEvent
    on_gap: OnGap | None = None
    last_seq: int | None = None
    incarnation: str | None = None  # None: not known yet (nothing seen, or an older hub)

    def expect(self, snapshot_seq: int, incarnation: str = "") -> None:
        """Events up to ``snapshot_seq`` are already in a snapshot; apply only later ones."""
        self.last_seq = snapshot_seq
        if incarnation:
            self.incarnation = incarnation

    def is_current(self, snapshot_seq: int, incarnation: str = "") -> bool:
        """Whether a snapshot is at least as new as the events already applied.

        Replies and events travel on different sockets, so an event can overtake the
        snapshot it follows; a snapshot from another hub start is always taken.
        """
        if self.last_seq is None or self._restarted(incarnation):
            return True
        return self.last_seq <= snapshot_seq

    def deliver(self, event: protocol.Event) -> None:
        last = self.last_seq
        if self._restarted(event.incarnation):
            log.info("The hub restarted; %s events are numbered afresh", self.topic)
            self.incarnation, self.last_seq = event.incarnation, event.seq
            self._gap(0, event.seq)
            self.on_event(event)
            return
        if event.incarnation:
            self.incarnation = event.incarnation
        if last is not None and event.seq <= last:
            return  # already applied (or part of the snapshot)
        if last is not None and event.seq != last + 1:
            self._gap(last, event.seq)
        self.last_seq = event.seq
        self.on_event(event)

    def _restarted(self, incarnation: str) -> bool:
        return bool(incarnation and self.incarnation and incarnation != self.incarnation)

    def _gap(self, last: int, got: int) -> None:
        if self.on_gap is not None:
            self.on_gap(self.topic, last, got)


class EventStream:
    """A CURVE SUB socket to one hub, delivering events to subscriptions on the loop."""

    def __init__(self, ctx: zmq.asyncio.Context, address: str, curve: dict[int, bytes]) -> None:
        self._sock = ctx.socket(zmq.SUB)
        self._sock.setsockopt(zmq.LINGER, 0)
        self._sock.setsockopt(zmq.MAXMSGSIZE, protocol.HARD_MESSAGE_BYTES)
        for option, value in curve.items():
            self._sock.setsockopt(option, value)
        self._sock.connect(address)
        self._address = address
        self._bad_events = RateLimitedLog(log, "malformed events")
        self._subs: dict[str, Subscription] = {}
        self._muted = False
        self._task = asyncio.ensure_future(self._receive())

    def subscribe(self, topic: str, on_event: OnEvent, on_gap: OnGap | None = None) -> Subscription:
        sub = Subscription(topic, on_event, on_gap)
        if topic not in self._subs:
            self._sock.setsockopt(zmq.SUBSCRIBE, protocol.topic_frame(topic))
        self._subs[topic] = sub
        return sub

    def unsubscribe(self, topic: str) -> None:
        if self._subs.pop(topic, None) is not None:
            self._sock.setsockopt(zmq.UNSUBSCRIBE, protocol.topic_frame(topic))

    def mute(self) -> None:
        """Delivers nothing more: the hub moved, and what its old host still sends is stale."""
        self._muted = True

    def detach(self) -> list[Subscription]:
        """Stops delivering (the hub moved) and hands the subscriptions over for a new stream."""
        subs, self._subs = list(self._subs.values()), {}
        return subs

    def adopt(self, subs: list[Subscription]) -> None:
        """Takes over subscriptions (with their sequence state) from a detached stream."""
        for sub in subs:
            self._sock.setsockopt(zmq.SUBSCRIBE, protocol.topic_frame(sub.topic))
            self._subs[sub.topic] = sub

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._sock.close(linger=0)

    async def _receive(self) -> None:
        while True:
            frames = await self._sock.recv_multipart()
            if len(frames) != 2:
                continue
            try:
                event = protocol.decode_event(frames[1])
            except protocol.DECODE_ERRORS as exc:  # a hostile hub must not crash or spam us
                self._bad_events.note(self._address, f"ignored ({exc})")
                continue
            sub = None if self._muted else self._subs.get(event.topic)
            if sub is None:
                continue
            try:
                sub.deliver(event)
            except Exception:
                log.exception("Event handler for %s failed", event.topic)
