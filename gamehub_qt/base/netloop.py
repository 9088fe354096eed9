"""The app's network thread: one selector event loop that all hub I/O runs on.

The Qt thread runs Qt's own loop and no asyncio at all; ZeroMQ cannot watch sockets from
Windows' Proactor loop, so a thread of its own with a selector loop works on every OS,
and a busy window never delays a heartbeat.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from hub_core.server.thread import new_selector_loop

T = TypeVar("T")

WIND_DOWN_S = 8.0  # enough for a game client to be asked to stop, then killed (3 s + wait)


class NetLoop:
    """Runs coroutines on the network thread; results come back as futures."""

    def __init__(self) -> None:
        self.loop = new_selector_loop()
        self._stopping = False
        self._lock = threading.Lock()  # a submit lands before stop's cancelling, or not at all
        self._thread = threading.Thread(target=self._run, name="gamehub-net", daemon=True)
        self._thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Runs ``coro`` on the network thread. Once ``stop`` began (a late slot while the
        window closes), the work is dropped: its future is cancelled and the coroutine
        closed, where it would otherwise wait for a loop that never runs it again."""
        with self._lock:
            if not self._stopping:
                return asyncio.run_coroutine_threadsafe(coro, self.loop)
        coro.close()
        dropped: concurrent.futures.Future[T] = concurrent.futures.Future()
        dropped.cancel()
        return dropped

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = 30) -> T:
        """Runs ``coro`` and waits for it (for shutdown and tests, never from a slot)."""
        return self.submit(coro).result(timeout)

    def stop(self) -> None:
        """Cancels what still runs and lets it clean up, then ends the thread.

        Cancelled work runs its ``finally`` blocks: a game client still running is
        stopped rather than left behind, subprocess transports are closed on their loop.
        """
        with self._lock:
            self._stopping = True
        if self.loop.is_running():
            winding = asyncio.run_coroutine_threadsafe(_cancel_others(), self.loop)
            with contextlib.suppress(concurrent.futures.TimeoutError, RuntimeError):
                winding.result(WIND_DOWN_S)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()


async def _cancel_others() -> None:
    """Cancels every other task on this loop and waits for them to finish."""
    tasks = asyncio.all_tasks() - {asyncio.current_task()}
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=WIND_DOWN_S - 1)
