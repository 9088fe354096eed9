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

from hub_core import protocol
from hub_core._ratelog import RateLimitedLog

log = logging.getLogger(__name__)

OnEvent = Callable[[protocol.Event], None]
OnGap = Callable[[str, int, int], None]  # topic, last seq seen, seq received


@dataclass
class Subscription:
    """One topic's handlers and the last sequence number applied."""

    topic: str
    on_event: OnEvent
    on_gap: OnGap | None = None
    last_seq: int | None = None

    def expect(self, snapshot_seq: int) -> None:
        """Events up to ``snapshot_seq`` are already in a snapshot; apply only later ones."""
        self.last_seq = snapshot_seq

    def deliver(self, event: protocol.Event) -> None:
        last = self.last_seq
        if last is not None and event.seq <= last:
            return  # already applied (or part of the snapshot)
        if last is not None and event.seq != last + 1 and self.on_gap is not None:
            self.on_gap(self.topic, last, event.seq)
        self.last_seq = event.seq
        self.on_event(event)


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
            sub = self._subs.get(event.topic)
            if sub is None:
                continue
            try:
                sub.deliver(event)
            except Exception:
                log.exception("Event handler for %s failed", event.topic)
