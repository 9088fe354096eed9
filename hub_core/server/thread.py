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
from hub_core.wire.schema import RoomView

log = logging.getLogger(__name__)

T = TypeVar("T")


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
            await asyncio.sleep(0.5)  # the HubMoved event and the last replies leave first
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


class HubThread:
    """A hub on its own thread and event loop; ``start`` blocks until it listens."""

    def __init__(self, config: HubConfig) -> None:
        self.hub = Hub(config)
        self._loop = new_selector_loop()
        self._thread = threading.Thread(target=self._run, name="gamehub-hub", daemon=True)
        self._started = False

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

    def start(self, timeout: float = 15.0) -> HubEndpoints:
        self._thread.start()
        self._started = True
        try:
            return self.call(self.hub.start(), timeout)
        except BaseException:
            self._shutdown_loop()
            raise

    def stop(self, timeout: float = 15.0) -> None:
        """Stops the hub and its thread; safe to call twice."""
        if not self._started:
            return
        self._started = False
        try:
            self.call(self.hub.stop(), timeout)
        finally:
            self._shutdown_loop()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Runs ``coro`` on the hub's loop from another thread and waits for its result."""
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()
        self._loop.close()

    def _shutdown_loop(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
