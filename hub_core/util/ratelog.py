"""Logging for what strangers send: one line per source per interval, never one per frame.

A peer that sends thousands of bad frames must not fill the host's log or cost a
traceback each. The first problem from a source is logged at once; the rest within the
interval are counted and summed up in one line when that source next shows up after it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable

INTERVAL = 10.0  # seconds between lines about the same source
MAX_SOURCES = 512  # beyond this many at once, sources share one entry


class RateLimitedLog:
    """``note(source, text)`` logs at most one line per source per ``interval``."""

    def __init__(
        self,
        logger: logging.Logger,
        what: str,
        *,
        interval: float = INTERVAL,
        level: int = logging.WARNING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger
        self._what = what  # plural noun: "malformed requests"
        self._interval = interval
        self._level = level
        self._clock = clock
        self._sources: dict[Hashable, tuple[float, int]] = {}  # source -> (since, suppressed)

    def note(self, source: Hashable, text: str) -> None:
        """Records one problem from ``source``; logs it only if the source was quiet lately."""
        now = self._clock()
        if source not in self._sources and len(self._sources) >= MAX_SOURCES:
            self._forget_quiet(now)
            if len(self._sources) >= MAX_SOURCES:
                source = "many peers"
        since, suppressed = self._sources.get(source, (-self._interval, 0))
        if now - since < self._interval:
            self._sources[source] = (since, suppressed + 1)
            return
        if suppressed:
            self._log.log(
                self._level,
                "%d more %s from %s in the last %.0f s (not logged one by one)",
                suppressed,
                self._what,
                source,
                now - since,
            )
        self._log.log(self._level, "%s from %s: %s", self._what.capitalize(), source, text)
        self._sources[source] = (now, 0)

    def _forget_quiet(self, now: float) -> None:
        for source, (since, suppressed) in list(self._sources.items()):
            if now - since >= self._interval and not suppressed:
                del self._sources[source]
