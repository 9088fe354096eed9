"""Starts a grandchild that sleeps, prints ``CHILD <its pid>``, then serves."""

import subprocess
import sys

import fakelib

child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(f"CHILD {child.pid}", flush=True)
fakelib.serve_echo(fakelib.listen())
