"""Background flushes of upload blocks: one at a time, kicks merged, failures only logged."""

from __future__ import annotations

import threading
import time

import pytest

from hub_core.util.writebehind import FLUSH_EVERY_BYTES, WriteBehind


def wait_for(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.005)


def test_kicks_during_a_flush_go_into_the_next_one() -> None:
    release = threading.Event()
    flushes: list[list[str]] = []
    running = [0]

    def sync(digests: list[str]) -> None:
        running[0] += 1
        assert running[0] == 1  # never two at once
        flushes.append(list(digests))
        if len(flushes) == 1:
            release.wait(10)
        running[0] -= 1

    behind = WriteBehind(sync)
    try:
        behind.kick(["a"])
        wait_for(lambda: flushes)
        behind.kick(["b"])
        behind.kick(["c"])
        release.set()
        wait_for(lambda: len(flushes) == 2)
        assert flushes == [["a"], ["b", "c"]]
        behind.kick(["d"])
        wait_for(lambda: len(flushes) == 3)
        assert flushes[2] == ["d"]
    finally:
        behind.close()


def test_a_failed_flush_is_logged_and_later_ones_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    done: list[list[str]] = []

    def sync(digests: list[str]) -> None:
        if digests == ["bad"]:
            raise OSError(5, "Input/output error")
        done.append(digests)

    behind = WriteBehind(sync)
    try:
        with caplog.at_level("INFO", logger="hub_core.util.writebehind"):
            behind.kick(["bad"])
            wait_for(lambda: "background flush failed" in caplog.text)
        behind.kick(["good"])
        wait_for(lambda: done == [["good"]])
    finally:
        behind.close()


def test_a_flush_starts_once_enough_was_written() -> None:
    flushes: list[list[str]] = []
    behind = WriteBehind(flushes.append)
    try:
        half = FLUSH_EVERY_BYTES // 2
        behind.wrote(half, ["a"])
        behind.wrote(half - 1, ["b"])
        time.sleep(0.05)
        assert flushes == []
        behind.wrote(1, ["c"])
        wait_for(lambda: flushes == [["a", "b", "c"]])
        off = WriteBehind(flushes.append, enabled=False)  # no syncfs here: nothing to start
        off.wrote(2 * FLUSH_EVERY_BYTES, ["d"])
        time.sleep(0.05)
        assert flushes == [["a", "b", "c"]]
        off.close()
    finally:
        behind.close()


def test_kicks_without_names_flush_too() -> None:
    """A syncfs flushes the whole file system, so the handoff's receiver names no files:
    its kicks must still flush (they once never did), and keep doing so."""
    flushes: list[list[str]] = []
    behind = WriteBehind(flushes.append)
    try:
        behind.wrote(FLUSH_EVERY_BYTES)
        wait_for(lambda: flushes == [[]])
        behind.wrote(FLUSH_EVERY_BYTES)
        behind.kick([])
        wait_for(lambda: len(flushes) >= 2)
        assert set(map(tuple, flushes)) == {()}
    finally:
        behind.close()
