"""Making files durable: fsync one path, or flush a whole file system at once on Linux."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable
from pathlib import Path


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


def sync_tree(folder: Path, files: Iterable[Path]) -> None:
    """Makes ``files`` under ``folder`` durable, with one syncfs where possible."""
    if syncfs(folder):
        return
    for path in files:
        fsync_path(path)
