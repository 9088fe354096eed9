"""The hub browser: follows `_gamehub._tcp` services and checks that each hub is alive.

Private to hub_core.discovery, which re-exports Browser.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from collections.abc import Awaitable, Callable

from zeroconf import DNSQuestionType, IPVersion, ServiceStateChange, Zeroconf
from zeroconf import Error as ZeroconfError
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from hub_core.discovery._records import (
    SERVICE_TYPE,
    HubInfo,
    default_interfaces,
    log,
    parse_txt,
)
from hub_core.errors import DiscoveryError

Probe = Callable[[HubInfo], Awaitable[bool]]
HubCallback = Callable[[HubInfo], None]

RESOLVE_TIMEOUT_MS = 3000  # answers usually come with the announcement; this is for stragglers


class _Failed(enum.Enum):
    UNRESOLVED = "unresolved"  # no SRV/TXT/A answer in time: keep what we knew
    MALFORMED = "malformed"  # answers that are not a GameHub hub: forget it


def _same_target(a: HubInfo, b: HubInfo) -> bool:
    """Whether a probe of ``a`` says anything about ``b``."""
    return (a.addresses, a.req_port, a.key) == (b.addresses, b.req_port, b.key)


async def open_zeroconf(interfaces: list[str] | None, doing: str) -> AsyncZeroconf:
    """A started AsyncZeroconf on the running loop; DiscoveryError with a sentence on failure."""
    chosen = interfaces if interfaces is not None else default_interfaces()
    try:
        aiozc = AsyncZeroconf(interfaces=chosen) if chosen else AsyncZeroconf()
    except (OSError, ValueError, RuntimeError, ZeroconfError) as exc:  # Runtime: no interface up
        raise DiscoveryError(
            f"Could not {doing}: multicast DNS could not open its sockets ({exc})."
        ) from exc
    try:
        await aiozc.zeroconf.async_wait_for_start()
    except (OSError, ZeroconfError, TimeoutError) as exc:
        await aiozc.async_close()
        raise DiscoveryError(f"Could not {doing}: multicast DNS did not start ({exc}).") from exc
    return aiozc


class Browser:
    """Reports hubs as they appear, change, stop answering and leave; runs on the asyncio loop.

    With a ``probe``, a new hub is probed before it is reported, so ``on_added`` already
    carries the right ``alive`` flag (a crashed hub's record lingers for many minutes).
    Every ``probe_interval`` seconds all known hubs are probed again, concurrently; a flip
    of ``alive`` is reported through ``on_updated``. Without a probe, ``alive`` is True.
    """

    def __init__(
        self,
        *,
        on_added: HubCallback,
        on_updated: HubCallback,
        on_removed: HubCallback,
        probe: Probe | None = None,
        interfaces: list[str] | None = None,
        probe_interval: float = 3.0,
    ) -> None:
        self._on_added = on_added
        self._on_updated = on_updated
        self._on_removed = on_removed
        self._probe = probe
        self._interfaces = interfaces
        self._probe_interval = probe_interval
        # A safety net only: a probe is expected to time out by itself, well before this.
        self._probe_guard = max(5.0, 2 * probe_interval)
        self._hubs: dict[str, HubInfo] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self._aiozc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._prober: asyncio.Task[None] | None = None

    @property
    def hubs(self) -> dict[str, HubInfo]:
        """The current view, by service name (a copy)."""
        return dict(self._hubs)

    async def start(self) -> None:
        """Starts browsing; raises DiscoveryError if multicast DNS cannot start."""
        if self._aiozc is not None:
            return
        aiozc = await open_zeroconf(self._interfaces, "look for hubs on the network")
        self._aiozc = aiozc
        # QM (multicast answers) from the first query on: zeroconf asks its first query QU,
        # and a unicast answer to port 5353 reaches only one of the sockets sharing that port
        # on this computer (often another copy's, or the hub's own), so a hub already running
        # showed up only with the second query, a second or more later.
        self._browser = AsyncServiceBrowser(
            aiozc.zeroconf, SERVICE_TYPE, handlers=[self._changed], question_type=DNSQuestionType.QM
        )
        if self._probe is not None:
            self._prober = asyncio.create_task(self._probe_loop(), name="gamehub-hub-prober")
        log.debug("Browsing for %s", SERVICE_TYPE)

    async def stop(self) -> None:
        """Stops browsing and closes the sockets; reports nothing more. Safe to call twice."""
        aiozc, self._aiozc = self._aiozc, None
        if aiozc is None:
            return
        browser, self._browser = self._browser, None
        prober, self._prober = self._prober, None
        try:
            if browser is not None:
                await browser.async_cancel()
            tasks = [t for t in (*self._tasks.values(), prober) if t is not None]
            tasks = [t for t in tasks if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self._tasks.clear()
            self._dirty.clear()
            self._hubs.clear()
            await aiozc.async_close()

    async def settle(self, timeout: float) -> None:
        """Waits up to ``timeout`` s for hubs still being resolved or probed for the first time."""
        pending = [t for t in self._tasks.values() if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    async def probe_all(self) -> None:
        """Probes every known hub now, concurrently, and reports the ones whose state flipped."""
        if self._probe is None:
            return
        snapshot = list(self._hubs.items())
        results = await asyncio.gather(*(self._check(info) for _, info in snapshot))
        for (name, probed), alive in zip(snapshot, results, strict=True):
            current = self._hubs.get(name)
            if current is not None and _same_target(current, probed) and current.alive != alive:
                self._report(name, dataclasses.replace(current, alive=alive))

    # -- zeroconf side -------------------------------------------------------------------

    def _changed(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        """Called by zeroconf on the loop: never raises, never blocks."""
        if self._aiozc is None:
            return
        if state_change is ServiceStateChange.Removed:
            self._forget(name)
            return
        task = self._tasks.get(name)
        if task is not None and not task.done():
            self._dirty.add(name)  # the running task looks again when it is done
            return
        task = asyncio.create_task(self._refresh(name), name=f"gamehub-resolve {name}")
        self._tasks[name] = task
        task.add_done_callback(lambda t: self._task_done(name, t))

    def _task_done(self, name: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(name) is task:
            del self._tasks[name]
        if not task.cancelled() and task.exception() is not None:
            log.error("Following hub %s failed", name, exc_info=task.exception())

    def _forget(self, name: str) -> None:
        task = self._tasks.pop(name, None)
        if task is not None:
            task.cancel()
        self._dirty.discard(name)
        info = self._hubs.pop(name, None)
        if info is not None:
            log.info("Hub %r at %s left", info.name, info.endpoint)
            self._call(self._on_removed, info)

    async def _refresh(self, name: str) -> None:
        while True:
            self._dirty.discard(name)
            found = await self._resolve(name)
            if found is _Failed.MALFORMED:
                self._forget(name)
            elif isinstance(found, HubInfo):
                current = self._hubs.get(name)
                if self._probe is None:
                    alive = True
                elif current is not None and _same_target(current, found):
                    alive = current.alive  # unchanged target: the probe loop keeps it current
                else:
                    alive = await self._check(found)
                self._report(name, dataclasses.replace(found, alive=alive))
            if name not in self._dirty:
                return

    async def _resolve(self, name: str) -> HubInfo | _Failed:
        aiozc = self._aiozc
        if aiozc is None:
            return _Failed.UNRESOLVED
        service = AsyncServiceInfo(SERVICE_TYPE, name)
        if not await service.async_request(aiozc.zeroconf, RESOLVE_TIMEOUT_MS):
            log.debug("No answer for service %s; ignoring it for now", name)
            return _Failed.UNRESOLVED
        addresses = tuple(service.parsed_addresses(IPVersion.V4Only))
        try:
            return parse_txt(service.properties, addresses, name)
        except ValueError as exc:
            log.warning("Ignoring the mDNS service %r: %s.", name, exc)
            return _Failed.MALFORMED

    # -- liveness ------------------------------------------------------------------------

    async def _probe_loop(self) -> None:
        while True:
            await asyncio.sleep(self._probe_interval)
            await self.probe_all()

    async def _check(self, info: HubInfo) -> bool:
        """The probe's answer; an error or a hang counts as not answering."""
        assert self._probe is not None
        try:
            async with asyncio.timeout(self._probe_guard):
                return bool(await self._probe(info))
        except Exception as exc:
            log.debug("Probe of hub %r at %s failed: %r", info.name, info.endpoint, exc)
            return False

    # -- reporting -----------------------------------------------------------------------

    def _report(self, name: str, info: HubInfo) -> None:
        old = self._hubs.get(name)
        if old == info or self._aiozc is None:
            return
        self._hubs[name] = info
        if old is None:
            log.info("Found hub %r at %s (alive: %s)", info.name, info.endpoint, info.alive)
            self._call(self._on_added, info)
        else:
            if old.alive != info.alive:
                state = "answers again" if info.alive else "does not answer"
                log.info("Hub %r at %s %s", info.name, info.endpoint, state)
            self._call(self._on_updated, info)

    @staticmethod
    def _call(callback: HubCallback, info: HubInfo) -> None:
        try:
            callback(info)
        except Exception:
            log.exception("A hub discovery callback failed for %r", info.name)
