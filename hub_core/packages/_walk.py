"""Walking a package folder for scan_folder: links refused, limits enforced as it goes.

A hostile or mistaken folder can hold millions of files; the walk counts files, folders
and bytes while listing and stops at the first limit passed instead of walking to the end.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from hub_core.packages._chunks import OnBlocks, chunker, hash_chunks
from hub_core.packages._errors import PackageError, Problems, shown
from hub_core.packages.index import Limits, fixed_sizes, hash_blocks, is_skipped, too_big
from hub_core.util.digests import HashKind
from hub_core.util.units import format_bytes

_REPARSE_POINT = 0x400  # FILE_ATTRIBUTE_REPARSE_POINT: junctions and symlinks on Windows


def walk(root: Path, limits: Limits) -> list[tuple[str, int]]:
    """(path, size) of every regular file; raises at the first limit passed, never later.

    Links and other odd entries are collected (all are reported at once) and count
    towards the file limit, so a tree of a million links stops early too.
    """
    odd: list[tuple[str, str]] = []
    found: list[tuple[str, int]] = []
    total = folders = others = 0
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        for entry in _listing(root, rel_dir):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            mode = _mode(entry, rel)
            if stat.S_ISDIR(mode):
                if not is_skipped(entry.name, folder=True):
                    folders += 1
                    _check_folders(folders, limits)
                    pending.append(rel)
                continue
            if stat.S_ISREG(mode) and is_skipped(entry.name, folder=False):
                continue
            size = 0
            if stat.S_ISREG(mode):
                size = entry.stat(follow_symlinks=False).st_size
                found.append((rel, size))
                total += size
            else:
                others += 1
                odd.append((rel, _odd_entry(rel, mode)))
            _check_running(rel, size, len(found) + others, total, limits)
    problems = Problems()
    for _, problem in sorted(odd):
        problems.add(problem)
    problems.raise_if_any()
    return found


def _odd_entry(rel: str, mode: int) -> str:
    if stat.S_ISLNK(mode):
        return f"{shown(rel)} is a link; packages may not contain links."
    return (
        f"{shown(rel)} is not a regular file or folder (a device, pipe or socket); "
        "packages may hold only files and folders."
    )


def _check_folders(folders: int, limits: Limits) -> None:
    if folders > limits.max_files:
        raise PackageError(
            f"The folder has more than {limits.max_files:,} folders; "
            f"the limit is {limits.max_files:,}."
        )


def _listing(root: Path, rel_dir: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(root / rel_dir) as listing:
            return sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        raise PackageError(
            f"The folder {shown(rel_dir or '.')} could not be read ({exc.strerror})."
        ) from exc


def _mode(entry: os.DirEntry[str], rel: str) -> int:
    """The entry's file type, with Windows junctions and other reparse points shown as links."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError as exc:
        raise PackageError(f"{shown(rel)} could not be read ({exc.strerror}).") from exc
    if entry.is_symlink() or getattr(info, "st_file_attributes", 0) & _REPARSE_POINT:
        return stat.S_IFLNK
    return info.st_mode


def _check_running(rel: str, size: int, count: int, total: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise PackageError(too_big(rel, size, limits))
    if count > limits.max_files:
        raise PackageError(
            f"The package has more than {limits.max_files:,} files; "
            f"the limit is {limits.max_files:,}."
        )
    if total > limits.max_total_bytes:
        raise PackageError(
            f"The package holds {total:,} bytes so far ({format_bytes(total)}); the limit is "
            f"{limits.max_total_bytes:,} bytes ({format_bytes(limits.max_total_bytes)})."
        )


def hash_regular(
    root: Path,
    rel: str,
    size: int,
    advance: Callable[[int], None],
    on_blocks: OnBlocks | None = None,
    kind: HashKind = HashKind.SHA256,
) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
    """Hash, block hashes and block sizes (empty: fixed blocks), without following a link
    that replaced the file after the walk saw it. ``on_blocks`` hears of the blocks,
    with their sizes, while the file is read (in the fixed layout, at its end)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        with os.fdopen(os.open(root / rel, flags), "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise PackageError(f"{shown(rel)} is not a regular file.")
            if chunker() is not None:
                digest, read, blocks, sizes = hash_chunks(stream, size, advance, on_blocks, kind)
            else:
                (digest, read, blocks), sizes = hash_blocks(stream, size, advance, kind), ()
                if on_blocks is not None and blocks:
                    on_blocks(list(blocks), fixed_sizes(read))
    except OSError as exc:
        raise PackageError(f"{shown(rel)} could not be read ({exc.strerror}).") from exc
    if read != size:
        raise PackageError(f"{shown(rel)} changed while it was being read; try again.")
    return digest, blocks, sizes
