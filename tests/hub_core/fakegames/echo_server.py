"""Listens, prints nothing, and echoes until killed."""

import fakelib

fakelib.dump_env()
fakelib.serve_echo(fakelib.listen())
