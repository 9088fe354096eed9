"""Listens, waits for the hub's probe, then forks sleepers; 500 at most (safety net)."""

import os
import time

import fakelib

fakelib.wait_for_hub(fakelib.listen())
for _ in range(500):
    try:
        pid = os.fork()
    except OSError:  # RLIMIT_NPROC said no
        print("fork refused", flush=True)
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    time.sleep(0.005)
time.sleep(30)
