"""Making files durable: write one atomically, fsync one path, or flush a whole file system
at once on Linux."""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_atomic(
    path: Path,
    data: bytes | memoryview | Sequence[bytes | memoryview],
    *,
    private: bool = False,
    durable: bool = True,
) -> None:
    """Replaces ``path`` with ``data`` all at once: a crash leaves the old file or the new
    one, never half of one (temp file in the same folder, fsync, rename). ``data`` may
    come in parts, written one after the other (no copy to join them).

    ``private`` makes the file readable by its owner only (0600) from its first byte;
    ``durable=False`` skips the fsync for callers that sync many files at once later.
    The rename itself is durable only once the folder is fsynced (fsync_dir), which
    callers do once per batch. Temp files end in ``.tmp``, for cleanup after a crash.
    """
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        with open(os.open(tmp, flags, 0o600 if private else 0o666), "wb") as f:
            for part in [data] if isinstance(data, bytes | memoryview) else data:
                f.write(part)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def in_folder(folder: Path, make: Callable[[], T]) -> T:
    """Runs ``make``, which creates something in ``folder``; if the folder is missing
    (removed meanwhile, or never made: making it only then saves a pass over every
    folder beforehand), makes it with its parents and runs ``make`` once more."""
    try:
        return make()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        return make()


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


def can_sync_all() -> bool:
    """True where ``syncfs`` flushes a whole file system in one call (Linux)."""
    return sys.platform.startswith("linux")


def sync_tree(folder: Path, files: Iterable[Path]) -> None:
    """Makes ``files`` under ``folder`` durable, with one syncfs where possible."""
    if syncfs(folder):
        return
    for path in files:
        fsync_path(path)
