"""Block reads and writes for every transfer: a small pool of their own, taken in turns.

Twenty players installing at once must neither starve each other nor the lobby, nor
make the hub hold gigabytes. So block work never runs on the hub's loop or in asyncio's
shared pool (where a password check or a database write would queue behind it), but in
a few threads of its own; each client has its own queue of block jobs, and a free thread
takes the next client's oldest job in turn, so a client asking for six batches at once
gets no more than a client asking for one. A job starts only while the replies already
handed to ZeroMQ but not yet sent (``queued``) stay under a budget: a slow reader makes
the hub wait instead of piling up its blocks in memory.

    waiting : queued behind other clients' jobs, or for the send budget
    running : in a block thread
    done    : its future holds the result; the next job starts
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Threads for block I/O. One: its Python work between the GIL-free parts (hashing, disk,
# ZeroMQ) contends for the GIL with the loop that answers the lobby, and when the OS
# parks a thread holding the GIL on a busy machine the loop waits with it. In
# bench/party.py three threads left the loop 30-50 ms late at its p99 and browsing took
# 64-76 ms (p99); one: 42-48 ms, with installs and publishes as fast as before.
WORKERS = 1
# Bytes of replies waiting in ZeroMQ's queues before new block jobs wait for them to go:
# 16 MiB kept 20 installers at full speed with the hub growing ~126 MiB (bench/party.py).
SEND_BUDGET_BYTES = 16 * 1024 * 1024
# While over the budget, how often to look whether ZeroMQ has sent enough (seconds).
RECHECK_S = 0.002


@dataclass
class _Job:
    run: Callable[[], Any]
    done: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class BlockIO:
    """Runs block jobs in turns per client, within a send budget; use on the hub's loop."""

    def __init__(
        self,
        queued: Callable[[], int] = lambda: 0,
        *,
        workers: int = WORKERS,
        budget: int = SEND_BUDGET_BYTES,
    ) -> None:
        self._queued = queued
        self._workers = workers
        self._budget = budget
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="hub-blocks")
        self._jobs: dict[str, deque[_Job]] = {}
        self._turns: deque[str] = deque()  # clients with waiting jobs, next first
        self._running = 0
        self._recheck: asyncio.TimerHandle | None = None

    async def run(self, client: str, work: Callable[[], T]) -> T:
        """Runs ``work`` in a block thread when it is ``client``'s turn; returns its result."""
        job = _Job(work)
        if client not in self._jobs:
            self._jobs[client] = deque()
            self._turns.append(client)
        self._jobs[client].append(job)
        self._pump()
        result: T = await job.done
        return result

    def close(self) -> None:
        """Stops taking jobs; running ones finish in their threads."""
        if self._recheck is not None:
            self._recheck.cancel()
        for jobs in self._jobs.values():
            for job in jobs:
                job.done.cancel()
        self._jobs.clear()
        self._turns.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def waiting(self) -> int:
        return sum(len(jobs) for jobs in self._jobs.values())

    def _pump(self) -> None:
        """Starts jobs in turn while threads are free and the send budget allows."""
        while self._turns and self._running < self._workers:
            if self._queued() >= self._budget:
                self._wait_for_sends()
                return
            job = self._next()
            if job is None:
                continue
            self._start(job)

    def _next(self) -> _Job | None:
        """The oldest job of the client whose turn it is (None if it was cancelled)."""
        client = self._turns.popleft()
        jobs = self._jobs[client]
        job = jobs.popleft()
        if jobs:
            self._turns.append(client)
        else:
            del self._jobs[client]
        return None if job.done.cancelled() else job

    def _start(self, job: _Job) -> None:
        self._running += 1
        loop = asyncio.get_running_loop()
        started = loop.run_in_executor(self._pool, job.run)
        started.add_done_callback(lambda f: self._finished(job, f))

    def _finished(self, job: _Job, future: asyncio.Future[Any]) -> None:
        self._running -= 1
        if not job.done.cancelled():
            if future.cancelled():
                job.done.cancel()
            elif (error := future.exception()) is not None:
                job.done.set_exception(error)
            else:
                job.done.set_result(future.result())
        self._pump()

    def _wait_for_sends(self) -> None:
        """ZeroMQ tells no one when a message has gone, so look again shortly."""
        if self._recheck is None:
            self._recheck = asyncio.get_running_loop().call_later(RECHECK_S, self._again)

    def _again(self) -> None:
        self._recheck = None
        self._pump()
