"""Block transfers a few requests at a time: the window, which the hub may narrow.

Several requests in flight keep the link busy; few enough bound what the hub and this
process hold in memory. For uploads the hub grants the width with every reply
(``Stored.window``), so twenty developers publishing at once share its memory instead
of each keeping the widest window; installs keep the fixed default.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

# Requests in flight at once by default, and the most lanes a transfer ever runs.
WINDOW = 6
END = object()  # the last item of a queue of jobs


class Window:
    """How many jobs may run at once; ``set`` changes it between jobs."""

    def __init__(self, width: int = WINDOW) -> None:
        self.width = max(1, min(width, WINDOW))
        self._busy = 0
        self._changed = asyncio.Condition()

    def set(self, width: int) -> None:
        """A grant from the hub; 0 (a hub that grants nothing) keeps the width."""
        if width > 0:
            self.width = min(width, WINDOW)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._changed:
            await self._changed.wait_for(lambda: self._busy < self.width)
            self._busy += 1
        try:
            yield
        finally:
            async with self._changed:
                self._busy -= 1
                self._changed.notify_all()


async def run_window(
    jobs: list[Any] | asyncio.Queue[Any],
    worker: Callable[[Any], Awaitable[None]],
    window: Window | None = None,
) -> None:
    """Runs ``worker`` over ``jobs``, at most the window's width at once; the first failure
    stops all. Jobs in a queue may come while others run, until ``END`` is put in it."""
    width = window or Window()
    if isinstance(jobs, asyncio.Queue):
        queue, count = jobs, WINDOW
    else:
        queue, count = asyncio.Queue(), min(WINDOW, len(jobs))
        for job in [*jobs, END]:
            queue.put_nowait(job)

    async def lane() -> None:
        # A job is taken only once the lane has its slot, so jobs start in their order
        # (sorted for locality) however the lanes take turns.
        while True:
            async with width.slot():
                job = await queue.get()
                if job is END:
                    queue.put_nowait(END)  # for the other lanes
                    return
                await worker(job)

    lanes = [asyncio.ensure_future(lane()) for _ in range(count)]
    try:
        await asyncio.gather(*lanes)
    finally:
        await cancel_all(lanes)


async def cancel_all(futures: Iterable[asyncio.Future[Any]]) -> None:
    """Cancels requests still in flight after a failure, and waits for them to go."""
    for pending in list(futures):
        pending.cancel()
        with contextlib.suppress(BaseException):
            await pending
