"""The transfer window: never more jobs at once than its width, a width the hub may change
between jobs, and the first failure stops the rest."""

from __future__ import annotations

import asyncio

import pytest

from hub_core.client.window import END, WINDOW, Window, run_window


class Gauge:
    def __init__(self) -> None:
        self.now = 0
        self.most = 0

    async def job(self, _: int) -> None:
        self.now += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(0.005)
        self.now -= 1


@pytest.mark.parametrize("width", [1, 3, WINDOW])
async def test_at_most_the_width_runs_at_once(width: int) -> None:
    gauge = Gauge()
    await run_window(list(range(40)), gauge.job, Window(width))
    assert gauge.most == width


async def test_a_grant_narrows_the_window_between_jobs() -> None:
    gauge = Gauge()
    window = Window()
    done: list[int] = []

    async def job(n: int) -> None:
        await gauge.job(n)
        window.set(1)  # what a hub with a crowd of uploaders answers
        done.append(n)

    await run_window(list(range(30)), job, window)
    assert len(done) == 30
    started_narrow = gauge.most
    gauge.most = 0
    await run_window(list(range(10)), gauge.job, window)
    assert started_narrow == WINDOW and gauge.most == 1
    window.set(0)  # a hub that grants nothing: the width stays
    assert window.width == 1


async def test_the_first_failure_stops_the_rest() -> None:
    ran: list[int] = []

    async def job(n: int) -> None:
        ran.append(n)
        await asyncio.sleep(0.001)
        if n == 3:
            raise ValueError("no")

    with pytest.raises(ValueError):
        await run_window(list(range(100)), job, Window(2))
    assert ran[:4] == [0, 1, 2, 3]  # in order
    assert len(ran) < 20  # a few start while the failure travels; the rest never do


async def test_jobs_from_a_queue_run_as_they_come_until_the_end() -> None:
    gauge = Gauge()
    queue: asyncio.Queue[object] = asyncio.Queue()
    running = asyncio.ensure_future(run_window(queue, gauge.job, Window(3)))
    for n in range(10):
        queue.put_nowait(n)
        await asyncio.sleep(0.001)
    assert not running.done()  # more may come
    queue.put_nowait(END)
    await asyncio.wait_for(running, 2)
    assert gauge.most <= 3
