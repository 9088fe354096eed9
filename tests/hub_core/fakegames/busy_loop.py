"""Listens, waits for the hub's probe, then burns CPU; gives up after 60 s (safety net)."""

import time

import fakelib

fakelib.wait_for_hub(fakelib.listen())
end = time.monotonic() + 60
while time.monotonic() < end:
    pass
