"""Running a hub: in the foreground until a signal (``gamehub host``), or on its own thread.

The app hosts through ``HubThread`` only: the hub gets its own selector loop on its own
thread, which also works on Windows, where the app's Qt loop is a Proactor that ZeroMQ
cannot watch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from hub_core.server.hub import Hub, HubConfig, HubEndpoints
from hub_core.wire.schema import HandoffProgress, HandoffStarted, RoomView

log = logging.getLogger(__name__)

T = TypeVar("T")

MOVED_GRACE = 0.5  # a handed-over hub's last words (HubMoved, replies) leave before it stops


def new_selector_loop() -> asyncio.AbstractEventLoop:
    """A loop ZeroMQ's file descriptors can be watched on, on every OS."""
    return asyncio.SelectorEventLoop()


async def serve_until_stopped(config: HubConfig, on_ready: Callable[[HubEndpoints], None]) -> None:
    """Runs a hub until SIGINT or SIGTERM, or until it was handed over, then stops it cleanly."""
    await serve_hub(Hub(config), on_ready)


async def serve_hub(
    hub: Hub, on_ready: Callable[[HubEndpoints], None], started: HubEndpoints | None = None
) -> None:
    """``serve_until_stopped`` for a hub already made, or ``started`` (a handoff's receiver)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows has no add_signal_handler; there Ctrl+C raises KeyboardInterrupt instead.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    endpoints = started or await hub.start()
    try:
        on_ready(endpoints)
        stopped = asyncio.ensure_future(stop.wait())
        moved = asyncio.ensure_future(hub.moved.wait())
        await asyncio.wait([stopped, moved], return_when=asyncio.FIRST_COMPLETED)
        for waiter in (stopped, moved):
            waiter.cancel()
        if hub.moved.is_set():
            await asyncio.sleep(MOVED_GRACE)
    finally:
        await hub.stop()


@dataclass(frozen=True)
class HubStatus:
    """What the hosting app shows about its hub (read-only, a copy)."""

    players: list[str]  # online players' names, sorted case-insensitively
    rooms: list[RoomView]  # open rooms' snapshots, oldest first


async def _status(hub: Hub) -> HubStatus:
    """On the hub's loop, where its sessions and lobby live."""
    players = sorted({s.user for s in hub.sessions.online("player")}, key=str.casefold)
    return HubStatus(players, hub.lobby.list().rooms)


async def _willing(hub: Hub) -> list[str]:
    return hub.handoff.willing()


async def _start_handoff(hub: Hub, to: str, wait_matches: float) -> HandoffStarted:
    return hub.handoff.start(hub.handoff.control, to, wait_matches)


async def _handoff_status(hub: Hub) -> HandoffProgress:
    return hub.handoff.status(hub.handoff.control)


class HubThread:
    """A hub on its own thread and event loop; ``start`` blocks until it listens."""

    def __init__(self, config: HubConfig) -> None:
        self.hub = Hub(config)
        self._loop = new_selector_loop()
        self._thread = threading.Thread(target=self._run, name="gamehub-hub", daemon=True)
        self._started = False
        self._mover: asyncio.Future[None] | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    @property
    def endpoints(self) -> HubEndpoints | None:
        """Where the hub listens, once started."""
        return self.hub.endpoints

    async def status(self, timeout: float = 5.0) -> HubStatus:
        """A snapshot taken on the hub's own thread, awaitable from any other loop."""
        future = asyncio.run_coroutine_threadsafe(_status(self.hub), self._loop)
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)

    @property
    def running(self) -> bool:
        """False once stopped, or once handed over (the thread ended by itself)."""
        return self._started and self._thread.is_alive()

    async def willing(self, timeout: float = 5.0) -> list[str]:
        """Players online whose copy would take the hub (see handoff.sender)."""
        return await self._on_hub(_willing(self.hub), timeout)

    async def start_handoff(self, to: str, wait_matches: float) -> HandoffStarted:
        """Hands this hub to ``to``'s copy; the host's own control, as `gamehub handoff`."""
        return await self._on_hub(_start_handoff(self.hub, to, wait_matches), 5.0)

    async def handoff_status(self, timeout: float = 5.0) -> HandoffProgress:
        return await self._on_hub(_handoff_status(self.hub), timeout)

    async def _on_hub(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout)

    def start(self, timeout: float = 15.0) -> HubEndpoints:
        self._thread.start()
        self._started = True
        try:
            endpoints = self.call(self.hub.start(), timeout)
        except BaseException:
            self._shutdown_loop()
            raise
        self._loop.call_soon_threadsafe(self._watch_for_move)
        return endpoints

    def wait_stopped(self, timeout: float | None = None) -> bool:
        """Blocks until the hub's thread ended (after ``stop``, or a handoff); True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self, timeout: float = 15.0) -> None:
        """Stops the hub and its thread; safe to call twice, and after a handoff."""
        if not self._started:
            return
        self._started = False
        if not self._thread.is_alive():  # handed over: it stopped by itself
            return
        try:
            self.call(self._stop_hub(), timeout)
        finally:
            self._shutdown_loop()

    async def _stop_hub(self) -> None:
        if self._mover is not None:
            self._mover.cancel()
        await self.hub.stop()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Runs ``coro`` on the hub's loop from another thread and waits for its result."""
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def _watch_for_move(self) -> None:
        self._mover = asyncio.ensure_future(self._stop_when_moved())

    async def _stop_when_moved(self) -> None:
        """A hub handed over stops like ``serve_hub`` stops it, then ends this thread."""
        await self.hub.moved.wait()
        await asyncio.sleep(MOVED_GRACE)  # the HubMoved event and the last replies leave first
        try:
            await self.hub.stop()
        finally:
            self._loop.stop()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()
        self._loop.close()

    def _shutdown_loop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
