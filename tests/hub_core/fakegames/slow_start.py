"""Listens only after half a second."""

import time

import fakelib

time.sleep(0.5)
fakelib.serve_echo(fakelib.listen())
