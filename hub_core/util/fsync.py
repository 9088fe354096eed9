"""Making files durable: write one atomically, fsync one path, or flush a whole file system
at once on Linux."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import secrets
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

_SYNC_FILE_RANGE_WRITE = 2  # start writing the dirty pages out; wait for nothing


def write_atomic(
    path: Path, data: bytes | memoryview, *, private: bool = False, durable: bool = True
) -> None:
    """Replaces ``path`` with ``data`` all at once: a crash leaves the old file or the new
    one, never half of one (temp file in the same folder, fsync, rename).

    ``private`` makes the file readable by its owner only (0600) from its first byte;
    ``durable=False`` skips the fsync for callers that sync many files at once later.
    The rename itself is durable only once the folder is fsynced (fsync_dir), which
    callers do once per batch. Temp files end in ``.tmp``, for cleanup after a crash.
    """
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        with open(os.open(tmp, flags, 0o600 if private else 0o666), "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Makes renames and new entries in ``path`` durable.

    Windows cannot open a folder for fsync; NTFS journals renames itself, so it is skipped.
    """
    if os.name != "nt":
        fsync_path(path)


def syncfs(folder: Path) -> bool:
    """Linux's syncfs(2): flushes the whole file system holding ``folder`` in one call.

    Returns False where it is not available; callers then fsync file by file.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY)
    except (OSError, AttributeError):
        return False
    try:
        return bool(libc.syncfs(fd) == 0)
    finally:
        os.close(fd)


def start_writeback(fd: int, offset: int, length: int) -> bool:
    """Asks the disk to start writing ``length`` bytes at ``offset`` of ``fd`` now, without
    waiting (Linux's sync_file_range(2) with SYNC_FILE_RANGE_WRITE; nothing elsewhere).

    Durability still comes from a later fsync or syncfs; this only means that sync finds the
    data written already. Without it the kernel holds a fast transfer's pages in memory
    (its own writeback starts after 30 s), and the final sync had all of them to write:
    for 200 MB arriving in 1.2 s, with a background syncfs every 16 MB, the final syncfs
    took 0.41 s without it and 0.045 s with it (medians of six runs).

    Returns whether the writing started; if not, the later sync does it all, as before.
    """
    call = _sync_file_range()
    return call is not None and call(fd, offset, length, _SYNC_FILE_RANGE_WRITE) == 0


@functools.cache
def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):  # a libc without it (old musl)
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def can_sync_all() -> bool:
    """True where ``syncfs`` flushes a whole file system in one call (Linux)."""
    return sys.platform.startswith("linux")


def sync_tree(folder: Path, files: Iterable[Path]) -> None:
    """Makes ``files`` under ``folder`` durable, with one syncfs where possible."""
    if syncfs(folder):
        return
    for path in files:
        fsync_path(path)
