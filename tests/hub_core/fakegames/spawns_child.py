"""Starts a grandchild that sleeps, writes its pid to GAME_CHILD_PID, then serves."""

import os
import subprocess
import sys

import fakelib

child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open(os.environ["GAME_CHILD_PID"], "w", encoding="utf-8") as f:
    f.write(str(child.pid))
fakelib.serve_echo(fakelib.listen())
