"""Listens, waits for the hub's probe, then takes 10 MB at a time up to 1 GiB (safety net)."""

import time

import fakelib

fakelib.wait_for_hub(fakelib.listen())
hoard = []
for _ in range(100):
    hoard.append(bytearray(10 * 1024 * 1024))
time.sleep(30)
