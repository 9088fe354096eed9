"""Listens, waits for the hub's probe, then writes 1 MiB at a time to TMPDIR, up to 1 GiB."""

import os
import time

import fakelib

fakelib.wait_for_hub(fakelib.listen())
chunk = b"x" * (1024 * 1024)
with open(os.path.join(os.environ.get("TMPDIR", "."), "filler.bin"), "wb") as f:
    for _ in range(1024):
        f.write(chunk)
        f.flush()
time.sleep(30)
