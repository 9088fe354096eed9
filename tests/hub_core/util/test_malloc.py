"""The hub's allocator settings: freed 2 MB block buffers do not stay with the process,
and a buffer made again reuses warm pages instead of faulting in fresh ones."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from hub_core.wire.schema._handoff import CHUNK_BYTES

ROOT = Path(__file__).resolve().parents[3]

# A block thread holds 30 buffers of 2 MB at once, then frees them (a burst of batches);
# prints how many MiB of them the process still holds.
_CHILD = """
import threading
from hub_core.util.malloc import tune_for_blocks
assert tune_for_blocks()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 // 2**20
first = b"x" * 2_000_000; del first
start = rss()
def work():
    big = [b"x" * 2_000_000 for _ in range(30)]
    big.clear()
    print(rss() - start)
t = threading.Thread(target=work); t.start(); t.join()
"""


# Makes and frees a buffer (argv[2] bytes) 50 times in a thread, as a block batch or a
# handoff's reply does, and prints the page faults that cost (each fresh page is a fault
# and a page of zeroes).
_FAULTS = """
import resource, sys, threading, ctypes
from hub_core.util.malloc import tune_for_blocks
size = int(sys.argv[2])
if sys.argv[1] == "tuned":
    assert tune_for_blocks()
else:  # the former setting: a fixed, low mmap threshold
    assert ctypes.CDLL(None).mallopt(-3, 256 * 1024)
def work():
    b"x" * size
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for n in range(50):
        data = b"x" * size; del data
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
t = threading.Thread(target=work); t.start(); t.join()
"""


def child_figure(code: str, mode: str, *more: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", code, mode, *more],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    return int(done.stdout.split()[-1])


GLIBC = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's own settings")


@GLIBC
def test_freed_block_buffers_leave_the_process() -> None:
    # Of 60 MB: about the trim threshold stays (5-6 MiB here; 57 with a 64 MiB one). How
    # much the hub holds with twenty transfers at once is bench/party.py's figure.
    assert child_figure(_CHILD, "tuned") < 24


# A block batch (2 MB) and a handoff's reply (CHUNK_BYTES of files and their framing).
@GLIBC
@pytest.mark.parametrize("size", [2_000_000, CHUNK_BYTES + 64 * 1024])
def test_block_buffers_reuse_warm_pages(size: int) -> None:
    pages = size // 4096
    assert child_figure(_FAULTS, "tuned", str(size)) < 4 * pages  # of 50 buffers
    assert child_figure(_FAULTS, "fixed-threshold", str(size)) > 40 * pages
