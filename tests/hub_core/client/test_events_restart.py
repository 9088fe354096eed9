"""Events across hub restarts: a sequence number counts only within one hub start.

Transition tests feed recorded events to a Subscription (no network); one test restarts
a real hub on the same port and data folder under a subscribed client.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from hub_core.client.events import Subscription
from hub_core.client.hub_client import HubClient
from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from hub_core.wire.keys import KnownHubs
from tests.hub_core.conftest import hub_config


def event(seq: int, incarnation: str) -> protocol.Event:
    return protocol.Event(topic="t", seq=seq, kind="k", data=seq, incarnation=incarnation)


class Recorder:
    """A subscription's owner: what it was given, and when it was told to resync."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.gaps: list[tuple[int, int]] = []
        self.sub = Subscription("t", self.on_event, self.on_gap)

    def on_event(self, e: protocol.Event) -> None:
        self.seen.append((e.incarnation, e.seq))

    def on_gap(self, _topic: str, last: int, got: int) -> None:
        self.gaps.append((last, got))

    def feed(self, *events: protocol.Event) -> None:
        for e in events:
            self.sub.deliver(e)


def test_new_incarnation_is_applied_and_reported_not_dropped() -> None:
    r = Recorder()
    r.feed(event(1, "a"), event(2, "a"), event(3, "a"))
    r.feed(event(1, "b"), event(2, "b"), event(3, "b"), event(4, "b"))
    assert r.seen == [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2), ("b", 3), ("b", 4)]
    assert r.gaps == [(0, 1)]  # one resync, at the restart


def test_snapshot_then_restart() -> None:
    r = Recorder()
    r.sub.expect(7, "a")  # a snapshot of the first hub start, up to event 7
    r.feed(event(7, "a"), event(8, "a"))
    r.feed(event(2, "b"))  # the new hub's event 1 was lost: still a restart, still applied
    assert r.seen == [("a", 8), ("b", 2)]
    assert r.gaps == [(0, 2)]
    assert r.sub.incarnation == "b" and r.sub.last_seq == 2


def test_snapshot_from_a_new_hub_start_is_always_current() -> None:
    r = Recorder()
    r.sub.expect(9, "a")
    assert not r.sub.is_current(5, "a")  # an older snapshot of the same hub start
    assert r.sub.is_current(1, "b")  # the restarted hub's first snapshot
    r.sub.expect(1, "b")
    r.feed(event(1, "b"), event(2, "b"))
    assert r.seen == [("b", 2)]
    assert r.gaps == []


def test_events_of_older_hubs_without_incarnation_behave_as_before() -> None:
    r = Recorder()
    r.sub.expect(3)
    r.feed(event(3, ""), event(4, ""), event(6, ""))
    assert r.seen == [("", 4), ("", 6)]
    assert r.gaps == [(4, 6)]


def test_every_event_and_snapshot_names_the_hub_start(hub: HubThread) -> None:
    wire = hub.hub.wire
    assert len(wire.incarnation) >= 16
    assert hub.hub.lobby.list().incarnation == wire.incarnation
    assert hub.hub._hello(wire.ports).incarnation == wire.incarnation


async def test_restarted_hub_events_reach_a_subscriber(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    first = HubThread(hub_config(data_dir))
    port = first.start().ports.req
    client = await HubClient.connect(f"127.0.0.1:{port}", known_hubs=known_hubs, timeout=2.0)
    got: asyncio.Queue[protocol.Event] = asyncio.Queue()
    gaps: list[tuple[int, int]] = []
    client.subscribe("test/topic", got.put_nowait, lambda _t, a, b: gaps.append((a, b)))
    second: HubThread | None = None
    try:
        await asyncio.sleep(0.3)  # let the subscription reach the hub (ZeroMQ slow joiner)
        for n in range(3):
            first.loop.call_soon_threadsafe(first.hub.wire.publish, "test/topic", "old", n)
        old = [await asyncio.wait_for(got.get(), 5) for _ in range(3)]
        first.stop()
        second = HubThread(hub_config(data_dir, port=port))
        second.start()
        wire = second.hub.wire
        new: list[protocol.Event] = []
        for n in range(100):  # the SUB socket reconnects by itself; publish until it hears
            second.loop.call_soon_threadsafe(wire.publish, "test/topic", "new", n)
            try:
                new.append(await asyncio.wait_for(got.get(), 0.2))
                break
            except TimeoutError:
                continue
        for _ in range(3):  # then three more, which must all arrive
            second.loop.call_soon_threadsafe(wire.publish, "test/topic", "new", -1)
        new += [await asyncio.wait_for(got.get(), 5) for _ in range(3)]
    finally:
        await client.close()
        if second is not None:
            second.stop()
    assert [e.seq for e in old] == [1, 2, 3]
    assert {e.incarnation for e in old} == {first.hub.wire.incarnation}
    assert all(e.kind == "new" and e.incarnation == wire.incarnation for e in new)
    assert [e.seq for e in new[1:]] == [new[0].seq + 1, new[0].seq + 2, new[0].seq + 3]
    assert gaps == [(0, new[0].seq)]
