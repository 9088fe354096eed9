"""Large buffers straight from the system and back to it when freed (glibc).

Why: glibc serves allocations above its mmap threshold with their own mappings, which go
back to the system when freed, but it raises that threshold (up to 32 MiB) every time such
a buffer is freed. After the first few block batches, the hub's 2 MB buffers came from the
heap and its arenas instead, and their pages stayed with the process: in bench/party.py
the hub grew 163–217 MiB with twenty transfers at once, 97–99 MiB with the threshold fixed.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
THRESHOLD = 256 * 1024  # block batches (2 MB) and blocks (up to 1 MiB) stay above it


def return_large_buffers(threshold: int = THRESHOLD) -> bool:
    """Fixes glibc's mmap threshold; False where there is no glibc (nothing to do there)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    done = bool(mallopt(_M_MMAP_THRESHOLD, threshold))
    if not done:
        log.debug("mallopt(M_MMAP_THRESHOLD) was refused; large buffers may stay with the hub")
    return done
