"""mDNS discovery: announce, browse, update, remove, malformed records, liveness, discover().

Every test that starts zeroconf is marked ``mdns`` and binds to 127.0.0.1 only; scripts/test
runs them inside a private network namespace (GAMEHUB_NETNS=1).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import pytest
import zmq
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from hub_core import discovery
from hub_core.discovery import (
    SERVICE_TYPE,
    Announcer,
    Browser,
    HubAnnouncement,
    HubInfo,
    default_interfaces,
    discover,
    local_addresses,
)
from hub_core.discovery._records import parse_txt
from hub_core.errors import DiscoveryError

LO = ["127.0.0.1"]
WAIT = 5.0  # upper bound for anything to show up; it normally takes milliseconds

mdns = pytest.mark.mdns
MakeAnnouncer = Callable[[HubAnnouncement], Announcer]


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Zeroconf must run on the test's loop and leave no thread behind."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not extra, f"threads left running: {extra}"


def new_key() -> str:
    return zmq.curve_keypair()[0].decode()


def announcement(
    name: str = "Test hub", req_port: int = 40001, **changes: object
) -> HubAnnouncement:
    ann = HubAnnouncement(
        name=name,
        host="alice@test-box",
        address="127.0.0.1",
        req_port=req_port,
        pub_port=req_port + 1,
        key=new_key(),
        protocol=1,
    )
    return dataclasses.replace(ann, **changes)  # type: ignore[arg-type]


class Events:
    """Records browser callbacks and lets a test wait for a condition on them."""

    def __init__(self) -> None:
        self.log: list[tuple[str, HubInfo]] = []
        self._changed = asyncio.Condition()

    def _record(self, kind: str) -> Callable[[HubInfo], None]:
        def record(info: HubInfo) -> None:
            self.log.append((kind, info))
            asyncio.get_running_loop().create_task(self._notify())

        return record

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def browser(self, **kwargs: object) -> Browser:
        kwargs.setdefault("interfaces", LO)
        return Browser(
            on_added=self._record("added"),
            on_updated=self._record("updated"),
            on_removed=self._record("removed"),
            **kwargs,  # type: ignore[arg-type]
        )

    def of(self, kind: str, service_name: str | None = None) -> list[HubInfo]:
        return [
            info
            for k, info in self.log
            if k == kind and (service_name is None or info.service_name == service_name)
        ]

    async def wait(self, kind: str, service_name: str | None = None, count: int = 1) -> HubInfo:
        """The ``count``-th event of this kind (for this hub), waiting up to WAIT seconds."""
        async with asyncio.timeout(WAIT), self._changed:
            await self._changed.wait_for(lambda: len(self.of(kind, service_name)) >= count)
        return self.of(kind, service_name)[count - 1]


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
async def announcers() -> AsyncIterator[MakeAnnouncer]:
    """Makes announcers that are all stopped at the end of the test."""
    made: list[Announcer] = []

    def make(ann: HubAnnouncement) -> Announcer:
        announcer = Announcer(ann, interfaces=LO)
        made.append(announcer)
        return announcer

    yield make
    for announcer in made:
        await announcer.stop()


@pytest.fixture
async def browser(events: Events) -> AsyncIterator[Browser]:
    b = events.browser()
    await b.start()
    yield b
    await b.stop()


def raw_service(name: str, server: str, props: Mapping[str, str | None]) -> AsyncServiceInfo:
    """A hub record written by hand (not by our announcer), so its TXT can be anything."""
    return AsyncServiceInfo(
        SERVICE_TYPE,
        f"{name}.{SERVICE_TYPE}",
        port=40001,
        properties=dict(props),
        server=server,
        parsed_addresses=["127.0.0.1"],
    )


def assert_matches(info: HubInfo, ann: HubAnnouncement) -> None:
    assert info.name == ann.name
    assert info.host == ann.host
    assert info.addresses == (ann.address,)
    assert info.req_port == ann.req_port
    assert info.pub_port == ann.pub_port
    assert info.key == ann.key
    assert info.protocol == ann.protocol
    assert info.endpoint == f"{ann.address}:{ann.req_port}"


# -- announce and browse ---------------------------------------------------------------------


@mdns
async def test_browser_sees_announced_hub(
    events: Events, browser: Browser, announcers: MakeAnnouncer
) -> None:
    ann = announcement()
    announcer = announcers(ann)
    await announcer.start()
    info = await events.wait("added")
    assert_matches(info, ann)
    assert info.alive is True
    assert info.service_name == announcer.service_name
    assert browser.hubs == {info.service_name: info}


@mdns
async def test_browser_started_later_finds_running_hub(
    events: Events, announcers: MakeAnnouncer
) -> None:
    ann = announcement()
    await announcers(ann).start()
    b = events.browser()
    await b.start()
    try:
        assert_matches(await events.wait("added"), ann)
    finally:
        await b.stop()


@mdns
async def test_stop_reports_removed(
    events: Events, browser: Browser, announcers: MakeAnnouncer
) -> None:
    announcer = announcers(announcement())
    await announcer.start()
    added = await events.wait("added")
    await announcer.stop()
    removed = await events.wait("removed")
    assert removed.service_name == added.service_name
    assert browser.hubs == {}


@mdns
async def test_update_reports_updated(
    events: Events, browser: Browser, announcers: MakeAnnouncer
) -> None:
    ann = announcement()
    announcer = announcers(ann)
    await announcer.start()
    added = await events.wait("added")
    changed = dataclasses.replace(ann, name="Renamed hub", pub_port=ann.pub_port + 10, protocol=2)
    await announcer.update(changed)
    updated = await events.wait("updated")
    assert_matches(updated, changed)
    assert updated.service_name == added.service_name
    assert browser.hubs[added.service_name] == updated
    assert events.of("removed") == []


@mdns
async def test_address_change_reports_new_endpoint(
    events: Events, browser: Browser, announcers: MakeAnnouncer
) -> None:
    ann = announcement()
    announcer = announcers(ann)
    await announcer.start()
    await events.wait("added")
    await announcer.update(dataclasses.replace(ann, address="127.0.0.2"))
    updated = await events.wait("updated")
    assert updated.addresses[0] == "127.0.0.2"
    assert updated.endpoint == f"127.0.0.2:{ann.req_port}"


@mdns
async def test_start_fails_with_a_sentence_on_a_missing_interface() -> None:
    announcer = Announcer(announcement(), interfaces=["192.0.2.1"])  # TEST-NET: not here
    with pytest.raises(DiscoveryError, match="Could not announce the hub"):
        await announcer.start()
    await announcer.stop()
    events = Events()
    browser = events.browser(interfaces=["192.0.2.1"])
    with pytest.raises(DiscoveryError, match="Could not look for hubs"):
        await browser.start()
    await browser.stop()


@mdns
async def test_two_hubs(events: Events, browser: Browser, announcers: MakeAnnouncer) -> None:
    first, second = announcement("Hub one", 40001), announcement("Hub two", 40011)
    a1, a2 = announcers(first), announcers(second)
    await asyncio.gather(a1.start(), a2.start())
    await events.wait("added", count=2)
    by_name = {info.name: info for info in browser.hubs.values()}
    assert set(by_name) == {"Hub one", "Hub two"}
    assert_matches(by_name["Hub one"], first)
    assert_matches(by_name["Hub two"], second)
    assert by_name["Hub one"].service_name != by_name["Hub two"].service_name

    await a1.stop()
    removed = await events.wait("removed")
    assert removed.name == "Hub one"
    assert [info.name for info in browser.hubs.values()] == ["Hub two"]


@mdns
async def test_same_name_different_hubs_are_distinct(
    events: Events,
    browser: Browser,
    announcers: MakeAnnouncer,
) -> None:
    await announcers(announcement("Twin", 40001)).start()
    await announcers(announcement("Twin", 40011)).start()
    await events.wait("added", count=2)
    assert sorted(info.req_port for info in browser.hubs.values()) == [40001, 40011]


class WarningCatcher(logging.Handler):
    """Collects warnings from hub_core.discovery and wakes a waiting test."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        self.seen.set()


@pytest.fixture
def warnings_caught() -> Iterator[WarningCatcher]:
    catcher = WarningCatcher()
    logger = logging.getLogger("hub_core.discovery")
    logger.addHandler(catcher)
    try:
        yield catcher
    finally:
        logger.removeHandler(catcher)


@mdns
@pytest.mark.parametrize(
    "bad",
    [
        {"req": "not-a-port"},
        {"pub": "70000"},
        {"key": "too-short"},
        {"name": ""},
        {"v": None},
    ],
)
async def test_malformed_txt_is_ignored_with_warning(
    events: Events,
    browser: Browser,
    announcers: MakeAnnouncer,
    warnings_caught: WarningCatcher,
    bad: dict[str, str | None],
) -> None:
    props: dict[str, str | None] = {
        "v": "1",
        "name": "Broken hub",
        "host": "mallory@box",
        "req": "40001",
        "pub": "40002",
        "key": new_key(),
    }
    props.update(bad)
    props = {k: v for k, v in props.items() if v is not None}
    raw = raw_service("Broken hub", "broken-hub.local.", props)
    aiozc = AsyncZeroconf(interfaces=LO)
    try:
        await aiozc.async_register_service(raw, cooperating_responders=True)
        async with asyncio.timeout(WAIT):
            await warnings_caught.seen.wait()
        assert any("Broken hub" in m for m in warnings_caught.messages)
        # The browser is still working: a good hub shows up, the broken one never does.
        ann = announcement()
        await announcers(ann).start()
        assert_matches(await events.wait("added"), ann)
        assert [info.name for info in browser.hubs.values()] == [ann.name]
        assert [info.name for _, info in events.log] == [ann.name]
    finally:
        await aiozc.async_close()


@mdns
async def test_hub_whose_txt_turns_malformed_is_dropped(
    events: Events,
    browser: Browser,
    warnings_caught: WarningCatcher,
) -> None:
    key = new_key()
    props = {"v": "1", "name": "Flaky", "host": "h", "req": "40001", "pub": "40002", "key": key}
    info = raw_service("Flaky", "flaky.local.", props)
    aiozc = AsyncZeroconf(interfaces=LO)
    try:
        await aiozc.async_register_service(info, cooperating_responders=True)
        await events.wait("added")
        broken = raw_service("Flaky", "flaky.local.", {**props, "req": "zero"})
        await aiozc.async_update_service(broken)
        removed = await events.wait("removed")
        assert removed.name == "Flaky"
        assert browser.hubs == {}
        assert warnings_caught.messages
    finally:
        await aiozc.async_close()


# -- liveness --------------------------------------------------------------------------------


class TcpHub:
    """A stand-in for a hub's request socket: a tiny TCP server that can stop and restart."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(
            lambda r, w: w.close(), "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        self.server = None


async def tcp_probe(info: HubInfo) -> bool:
    """A fake of the real hello probe: can we connect to the request port?"""
    try:
        async with asyncio.timeout(0.5):
            _, writer = await asyncio.open_connection(info.addresses[0], info.req_port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


@pytest.fixture
async def tcp_hub() -> AsyncIterator[TcpHub]:
    hub = TcpHub()
    await hub.start()
    yield hub
    if hub.server is not None:
        await hub.stop()


@mdns
async def test_probe_failure_marks_hub_dead_then_alive_again(
    events: Events,
    announcers: MakeAnnouncer,
    tcp_hub: TcpHub,
) -> None:
    b = events.browser(probe=tcp_probe, probe_interval=0.1)
    await b.start()
    try:
        await announcers(announcement(req_port=tcp_hub.port)).start()
        added = await events.wait("added")
        assert added.alive is True

        await tcp_hub.stop()
        down = await events.wait("updated")
        assert down.alive is False
        assert down.service_name == added.service_name
        assert dataclasses.replace(down, alive=True) == added  # only the flag changed
        assert b.hubs[added.service_name].alive is False

        await tcp_hub.start()
        up = await events.wait("updated", count=2)
        assert up.alive is True
        assert events.of("removed") == []
    finally:
        await b.stop()


@mdns
async def test_hub_that_does_not_answer_is_added_as_dead(
    events: Events,
    announcers: MakeAnnouncer,
) -> None:
    answering = False
    probed = 0
    probed_often = asyncio.Event()

    async def probe(info: HubInfo) -> bool:
        nonlocal probed
        probed += 1
        if probed >= 4:
            probed_often.set()
        if not answering:
            raise ConnectionRefusedError("nobody home")  # a failing probe counts as dead
        return True

    b = events.browser(probe=probe, probe_interval=0.05)
    await b.start()
    try:
        await announcers(announcement()).start()
        added = await events.wait("added")
        assert added.alive is False
        async with asyncio.timeout(WAIT):
            await probed_often.wait()  # probed at once, then again and again
        assert events.of("updated") == []  # no flip, no noise
        answering = True
        assert (await events.wait("updated")).alive is True
    finally:
        await b.stop()


@mdns
async def test_slow_probes_run_concurrently(events: Events, announcers: MakeAnnouncer) -> None:
    async def slow_probe(info: HubInfo) -> bool:
        await asyncio.sleep(0.4)
        return True

    b = events.browser(probe=slow_probe, probe_interval=10)
    await b.start()
    try:
        for port in (40001, 40011, 40021):
            await announcers(announcement(f"Hub {port}", port)).start()
        await events.wait("added", count=3)
        started = time.monotonic()
        await b.probe_all()
        assert time.monotonic() - started < 1.0  # three 0.4 s probes at once, not in a row
    finally:
        await b.stop()


# -- discover(), start and stop ----------------------------------------------------------------


@mdns
async def test_discover_returns_hubs_sorted(announcers: MakeAnnouncer) -> None:
    zed, alpha = announcement("zed hub", 40001), announcement("Alpha hub", 40011)
    await announcers(zed).start()
    await announcers(alpha).start()
    hubs = await discover(0.5, interfaces=LO)
    assert [h.name for h in hubs] == ["Alpha hub", "zed hub"]
    assert_matches(hubs[0], alpha)
    assert all(h.alive for h in hubs)


@mdns
async def test_discover_reports_probe_result(announcers: MakeAnnouncer) -> None:
    ann = announcement()
    await announcers(ann).start()

    async def probe(info: HubInfo) -> bool:
        return False

    [hub] = await discover(0.3, probe=probe, interfaces=LO)
    assert hub.alive is False
    assert_matches(hub, ann)


@mdns
async def test_discover_finds_nothing() -> None:
    assert await discover(0.2, interfaces=LO) == []


@mdns
async def test_announcer_stop_is_idempotent(events: Events, browser: Browser) -> None:
    announcer = Announcer(announcement(), interfaces=LO)
    await announcer.stop()  # never started: nothing to do
    await announcer.start()
    await events.wait("added")
    await announcer.stop()
    await announcer.stop()
    await events.wait("removed")
    assert len(events.of("removed")) == 1


@mdns
async def test_browser_stop_is_idempotent_and_quiet(
    events: Events, announcers: MakeAnnouncer
) -> None:
    b = events.browser()
    await b.start()
    announcer = announcers(announcement())
    await announcer.start()
    await events.wait("added")
    await b.stop()
    await b.stop()
    assert b.hubs == {}
    await announcer.stop()
    await asyncio.sleep(0.1)
    assert events.of("removed") == []  # a stopped browser reports nothing


@mdns
async def test_env_var_chooses_interfaces(
    monkeypatch: pytest.MonkeyPatch,
    events: Events,
) -> None:
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", "127.0.0.1")
    announcer = Announcer(announcement())  # interfaces=None: from the environment
    b = events.browser(interfaces=None)
    await b.start()
    try:
        await announcer.start()
        await events.wait("added")
    finally:
        await announcer.stop()
        await b.stop()


# -- no network needed -----------------------------------------------------------------------


def test_default_interfaces_reads_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GAMEHUB_MDNS_INTERFACES", raising=False)
    assert default_interfaces() is None
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", "")
    assert default_interfaces() is None
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", "127.0.0.1")
    assert default_interfaces() == ["127.0.0.1"]
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", " 192.168.1.5, 10.0.0.2 ,")
    assert default_interfaces() == ["192.168.1.5", "10.0.0.2"]
    monkeypatch.setenv("GAMEHUB_MDNS_INTERFACES", "eth0")
    with pytest.raises(DiscoveryError, match="eth0"):
        default_interfaces()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"address": "0.0.0.0"}, "0.0.0.0"),
        ({"address": "::1"}, "IPv4"),
        ({"req_port": 0}, "req"),
        ({"key": "short"}, "key"),
    ],
)
async def test_announcer_refuses_bad_announcement(change: dict[str, object], words: str) -> None:
    announcer = Announcer(announcement(**change), interfaces=LO)  # type: ignore[arg-type]
    with pytest.raises(DiscoveryError, match=words):
        await announcer.start()  # refused before any socket opens
    await announcer.stop()


def test_long_and_odd_names_make_valid_service_names() -> None:
    ann = announcement(name="A.very.long hub name " * 10)
    name = Announcer(ann).service_name
    label = name.removesuffix("." + SERVICE_TYPE)
    assert "." not in label
    assert len(label.encode()) <= 63


def test_parse_txt_accepts_unknown_keys_and_reports_problems() -> None:
    good = {
        b"v": b"1",
        b"name": "Café hub".encode(),
        b"host": b"bob@pc",
        b"req": b"1234",
        b"pub": b"1235",
        b"key": new_key().encode(),
        b"future": b"whatever",
    }
    info = parse_txt(good, ("10.0.0.5",), "x")
    assert (info.name, info.endpoint, info.protocol, info.service_name) == (
        "Café hub",
        "10.0.0.5:1234",
        1,
        "x",
    )
    with pytest.raises(ValueError, match="name"):
        parse_txt({**good, b"name": b"\xff\xfe"}, ("10.0.0.5",), "x")
    with pytest.raises(ValueError, match="IPv4"):
        parse_txt(good, (), "x")


def test_local_addresses_lists_loopback_last() -> None:
    addresses = local_addresses()
    assert "127.0.0.1" in addresses
    assert all(":" not in a for a in addresses)
    loopback = [a.startswith("127.") for a in addresses]
    assert loopback == sorted(loopback)  # no loopback address before a real one


def test_public_names() -> None:
    for name in ("Announcer", "Browser", "HubAnnouncement", "HubInfo", "discover", "Probe"):
        assert hasattr(discovery, name)
