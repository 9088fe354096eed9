"""Ignores SIGTERM and serves; only SIGKILL stops it."""

import signal

import fakelib

signal.signal(signal.SIGTERM, signal.SIG_IGN)
fakelib.serve_echo(fakelib.listen())
