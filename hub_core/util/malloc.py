"""How the hub's C allocator (glibc) handles block buffers: reused, within a bound.

Every block batch makes a few 2 MB buffers (read from disk, the encoded reply, ZeroMQ's
encrypted copy) that live for milliseconds. glibc's defaults let its mmap threshold rise
each time such a buffer is freed, after which the buffers came from per-thread arenas
whose pages the process kept: in bench/party.py the hub grew 163–217 MiB with twenty
transfers at once. A threshold fixed at 256 KiB cured that but gave every buffer fresh
pages from the kernel: 95,000 page faults and ~0.35 s of the hub's CPU per 100 MB
installed, more than half of its work. So buffers up to 6 MiB (a batch, or a handoff's
4 MiB reply) come from at most two arenas, which give memory back once more than 8 MiB
at their top is free: batches reuse warm pages, and what the hub keeps stays bounded.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

# From glibc's malloc.h.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

# Above a handoff's replies too (4 MiB of files and their framing): at 4 MiB each of them
# came from the kernel as fresh pages, 0.3-0.4 of the old hub's 0.9-1.0 CPU-s per 200 MB
# handed over (the receiving copy tunes itself the same way).
MMAP_THRESHOLD = 6 * 1024 * 1024
TRIM_THRESHOLD = 8 * 1024 * 1024  # a few batches' worth of free pages kept warm
ARENA_MAX = 2  # every thread shares these: pages kept per arena do not multiply


def tune_for_blocks() -> bool:
    """Sets the three limits above; False where there is no glibc (nothing to do there)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    settings = (
        (_M_ARENA_MAX, ARENA_MAX),
        (_M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        (_M_TRIM_THRESHOLD, TRIM_THRESHOLD),
    )
    done = all([bool(mallopt(option, value)) for option, value in settings])
    if not done:
        log.debug("mallopt refused a setting; block buffers may cost more memory or CPU")
    return done
