"""With the mmap threshold fixed, 2 MB buffers freed by a thread go back to the system."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# Frees 60 buffers of 2 MB made in a thread (as the hub's block pool makes them) and
# prints how many MiB of them the process still holds.
_CHILD = """
import sys, threading
from hub_core.util.malloc import return_large_buffers
if sys.argv[1] == "fixed":
    assert return_large_buffers()
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 // 2**20
first = bytes(2_000_000); del first  # glibc raises its threshold here, unless fixed
keep = []
start = rss()
def work():
    big = []
    for n in range(60):
        big.append(bytes(2_000_000) + b"x")
        keep.append(bytearray(200))  # small and long-lived, between the big ones
    peak = rss()  # (reading it allocates too, as the hub's work between batches does)
    big.clear()
    print(rss() - start)
t = threading.Thread(target=work); t.start(); t.join()
"""


def held_mib(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="only glibc raises its threshold")
def test_freed_block_buffers_leave_the_process() -> None:
    assert held_mib("fixed") < 30  # of 120 MB made and freed
    assert held_mib("unfixed") > 40  # what the hub held before (the test's own check)
