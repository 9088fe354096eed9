"""Progress of long transfers: a bar with rate and ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from hub_core.util.units import format_bytes

_WIDTH = 30


class ProgressPrinter:
    """Call with (done, total) bytes; ``finish()`` ends the line."""

    def __init__(self, label: str, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty()
        self._start = time.monotonic()
        self._last_draw = 0.0
        self._last_step = -1
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        now = time.monotonic()
        if self.tty:
            if now - self._last_draw >= 0.1 or done >= total:
                self._last_draw = now
                self._draw(done, total, now)
        else:
            step = 100 if total <= 0 else done * 10 // total * 10
            if step > self._last_step:
                self._last_step = step
                print(
                    f"{self.label}: {step}% ({format_bytes(done)} of {format_bytes(total)})",
                    file=self.stream,
                )

    def _draw(self, done: int, total: int, now: float) -> None:
        fraction = 1.0 if total <= 0 else min(1.0, done / total)
        filled = int(fraction * _WIDTH)
        elapsed = max(now - self._start, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        bar = "#" * filled + "." * (_WIDTH - filled)
        text = (
            f"\r{self.label} [{bar}] {fraction:4.0%} {format_bytes(int(rate))}/s ETA {eta:4.0f} s "
        )
        self.stream.write(text)
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
