"""Never listens (stops by itself after a minute, should the hub fail to kill it)."""

import time

import fakelib

fakelib.write_pid()
time.sleep(60)
