"""Durable folders and the lock that keeps a second process off the same database.

Shard files are written with hub_core.util.fsync.write_atomic (temp file, fsync, rename): a
crash leaves either the old or the new file, never half of one. The folder itself is
fsynced after the rename (once per batch, by the caller), because until then the rename
may live only in memory and a power cut could undo it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import IO

from hub_core.errors import StorageError
from hub_core.util.fsync import fsync_dir

log = logging.getLogger(__name__)

LOCK_NAME = ".lock"


def make_dir(path: Path) -> None:
    """Creates a folder durably: the new entry in the parent is fsynced too."""
    path.mkdir(exist_ok=True)
    fsync_dir(path.parent)


class RootLock:
    """An exclusive lock on ``<root>/.lock`` while a Repository is open.

    Two hubs writing the same shard files would overwrite each other's records, and one
    cleaning temp files at start would break the other's write in flight. The operating
    system drops the lock when the process dies, so a crash never leaves it stuck.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_NAME
        self._file: IO[bytes] | None = open(self.path, "a+b")  # noqa: SIM115 (held until release)
        try:
            _lock(self._file)
        except OSError as exc:
            self._file.close()
            self._file = None
            raise StorageError(
                f"The hub database in {root} is in use by another program ({exc.strerror})."
            ) from exc

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file drops the lock
            self._file = None


if sys.platform == "win32":
    import msvcrt

    def _lock(f: IO[bytes]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(f: IO[bytes]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
