"""Checking a zip's entries before anything is written: names, types, flags, claimed sizes.

Every problem found here is reported at once; sizes claimed by the headers are only a
first filter (zips.copy_counted counts the real bytes).
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass

from hub_core.packages._errors import Problems, shown
from hub_core.packages.index import (
    MANIFEST,
    Limits,
    fold_path,
    is_skipped,
    path_set_problems,
    too_big,
)
from hub_core.packages.paths import path_reason
from hub_core.util.units import format_bytes

BOMB_RATIO = 1000
"""More than this many bytes out per byte in, for a file over BOMB_MIN_BYTES, is a bomb."""
BOMB_MIN_BYTES = 1024 * 1024
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ENCRYPTED = 0x1


@dataclass(frozen=True)
class Planned:
    """One entry to unpack: its final path in the package (top folder stripped)."""

    path: str
    is_dir: bool
    info: zipfile.ZipInfo


def bomb(path: str, size: int, compressed: int) -> str:
    """The sentence for an entry that inflates more than BOMB_RATIO:1."""
    return (
        f"The zip entry {shown(path)} unpacks to {size:,} bytes from {compressed:,} "
        f"(more than {BOMB_RATIO}:1); it looks like a zip bomb."
    )


def plan_entries(infos: list[zipfile.ZipInfo], limits: Limits) -> list[Planned]:
    """The entries to unpack, or PackageError listing every unsafe entry and limit passed."""
    problems = Problems()
    planned: list[Planned] = []
    for info in infos:
        for problem in _entry_problems(info):
            problems.add(problem)
        # orig_filename: zipfile cuts .filename at NUL and turns '\\' into '/' on Windows.
        name = info.orig_filename
        planned.append(Planned(name.removesuffix("/"), name.endswith("/"), info))
    problems.raise_if_any()
    kept = _strip_top([p for p in planned if not _skipped(p)])
    _check_set(kept, limits, problems)
    problems.raise_if_any()
    return kept


def _entry_problems(info: zipfile.ZipInfo) -> list[str]:
    name = shown(info.orig_filename)
    found: list[str] = []
    reason = path_reason(info.orig_filename.removesuffix("/"))
    if reason:
        found.append(f"The zip entry {name} {reason}.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        found.append(f"The zip entry {name} is a link; packages may not contain links.")
    elif stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        found.append(f"The zip entry {name} is not a regular file or folder.")
    if info.flag_bits & _ENCRYPTED:
        found.append(f"The zip entry {name} is encrypted; packages may not be encrypted.")
    if info.compress_type not in _METHODS:
        found.append(
            f"The zip entry {name} uses compression method {info.compress_type}, which "
            "GameHub cannot unpack; use deflate."
        )
    return found


def _skipped(item: Planned) -> bool:
    """__MACOSX, __pycache__, *.pyc and .DS_Store are left out, as scan_folder does."""
    parts = item.path.split("/")
    folders = parts if item.is_dir else parts[:-1]
    if any(is_skipped(part, folder=True) for part in folders):
        return True
    return not item.is_dir and is_skipped(parts[-1], folder=False)


def _strip_top(items: list[Planned]) -> list[Planned]:
    """People zip the package folder itself: drop a single top folder holding manifest.json."""
    tops = {item.path.split("/")[0] for item in items}
    if len(tops) != 1:
        return items
    top = tops.pop()
    files = {item.path for item in items if not item.is_dir}
    if f"{top}/{MANIFEST}" not in files or top in files:
        return items
    prefix = len(top) + 1
    return [Planned(i.path[prefix:], i.is_dir, i.info) for i in items if i.path != top]


def _check_set(items: list[Planned], limits: Limits, problems: Problems) -> None:
    files = [item for item in items if not item.is_dir]
    folders = [item.path for item in items if item.is_dir]
    if len(files) > limits.max_files:
        problems.add(f"The package has {len(files):,} files; the limit is {limits.max_files:,}.")
    if len(folders) > limits.max_files:
        problems.add(
            f"The package has {len(folders):,} folders; the limit is {limits.max_files:,}."
        )
    for problem in path_set_problems(item.path for item in files):
        problems.add(problem)
    folded = {fold_path(item.path): item.path for item in files}
    for folder in folders:
        if fold_path(folder) in folded:
            problems.add(f"{shown(folded[fold_path(folder)])} is both a file and a folder.")
    total = 0
    for item in files:
        size, compressed = item.info.file_size, item.info.compress_size
        if size > BOMB_MIN_BYTES and size > BOMB_RATIO * max(compressed, 1):
            problems.add(bomb(item.path, size, compressed))
        elif size > limits.max_file_bytes:
            problems.add(too_big(item.path, size, limits))
        total += size
    if total > limits.max_total_bytes:
        problems.add(
            f"The package would unpack to {total:,} bytes ({format_bytes(total)}); the limit "
            f"is {limits.max_total_bytes:,} bytes ({format_bytes(limits.max_total_bytes)})."
        )
