"""Unpacking a zipped package from a stranger without trusting anything in the archive.

Every entry is checked before a byte is written (names, links, encryption, sizes the
headers claim); then the bytes actually inflated are counted while writing, since
headers can lie. Everything goes into a temp folder next to ``dest`` that becomes
``dest`` only when all of it succeeded: on any failure nothing partial is left.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import shutil
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import IO

from hub_core.packages._chunks import ChunkHasher, chunker
from hub_core.packages._errors import PackageError, shown
from hub_core.packages._manifest_json import read_manifest
from hub_core.packages._zipplan import BOMB_MIN_BYTES, BOMB_RATIO, Planned, bomb, plan_entries
from hub_core.packages.index import (
    BLOCK_BYTES,
    FileEntry,
    Limits,
    check_index,
    read_full,
    too_big,
)
from hub_core.packages.manifest import parse_manifest

_UNREADABLE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, ValueError)


def extract_zip(
    zip_path: Path, dest: Path, limits: Limits, *, check_manifest: bool = True
) -> list[FileEntry]:
    """Unpacks a zipped package into ``dest`` (which must not exist) and returns its index.

    A zip of the package folder itself (one top folder holding manifest.json) is
    unpacked without that folder. With ``check_manifest`` the manifest is checked too
    (entries must be in the package), so a bad package never lands in ``dest``.
    """
    dest = Path(dest)
    if dest.exists() or dest.is_symlink():
        raise PackageError(f"The folder {dest} already exists.")
    with _open_zip(Path(zip_path)) as archive:
        plan = plan_entries(archive.infolist(), limits)
        dest.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
        try:
            entries = _extract_all(archive, plan, temp, limits)
            check_index(entries, limits)
            if check_manifest:
                parse_manifest(read_manifest(temp), files={e.path for e in entries})
            _rename(temp, dest)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
    return entries


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageError(f"There is no file {path}.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, IndexError,
            struct.error, NotImplementedError):  # fmt: skip
        raise PackageError("That file is not a zip archive.") from None
    except OSError as exc:
        raise PackageError(f"The zip archive could not be read ({exc.strerror}).") from exc


def _rename(temp: Path, dest: Path) -> None:
    try:
        os.rename(temp, dest)
    except OSError as exc:
        raise PackageError(f"The folder {dest} could not be created ({exc.strerror}).") from exc


def _extract_all(
    archive: zipfile.ZipFile, plan: list[Planned], temp: Path, limits: Limits
) -> list[FileEntry]:
    entries: list[FileEntry] = []
    total = 0
    for item in plan:
        target = temp.joinpath(*item.path.split("/"))
        if item.is_dir:
            target.mkdir(parents=True, exist_ok=True)
            continue
        if len(entries) >= limits.max_files:
            raise PackageError(
                f"The package has more than {limits.max_files:,} files; "
                f"the limit is {limits.max_files:,}."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size, blocks, sizes = _extract_one(
            archive, item, target, limits, limits.max_total_bytes - total
        )
        total += size
        entries.append(FileEntry(item.path, size, digest, blocks, sizes))
    entries.sort(key=lambda e: e.path)
    return entries


def _extract_one(
    archive: zipfile.ZipFile, item: Planned, target: Path, limits: Limits, budget: int
) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
    """Streams one entry to disk; the zipfile errors become one sentence naming the entry."""
    name = shown(item.info.orig_filename)
    try:
        with archive.open(item.info) as src, open(target, "xb") as dst:
            compressed = item.info.compress_size
            copied = copy_counted(
                src, dst, item.path, compressed=compressed, limits=limits, budget=budget
            )
    except NotImplementedError:
        raise PackageError(
            f"The zip entry {name} uses a compression GameHub cannot unpack."
        ) from None
    except PackageError:
        raise
    except OSError as exc:
        if exc.errno is None:  # bz2 reports bad data as a bare OSError
            raise PackageError(
                f"The zip archive is damaged: {name} could not be unpacked."
            ) from None
        raise PackageError(f"Could not write {target} ({exc.strerror}).") from exc
    except _UNREADABLE as exc:
        raise PackageError(
            f"The zip archive is damaged: {name} could not be unpacked ({exc})."
        ) from None
    if copied[1] != item.info.file_size:
        raise PackageError(f"The zip archive is damaged: {name} is not the size its header says.")
    return copied


def copy_counted(
    src: IO[bytes], dst: IO[bytes], path: str, *, compressed: int, limits: Limits, budget: int
) -> tuple[str, int, tuple[str, ...], tuple[int, ...]]:
    """Copies and hashes (whole and per block, cut by content where fastcdc is there),
    stopping at the first chunk past a limit, whatever the headers said."""
    chunks = ChunkHasher() if chunker() is not None else None
    digest = hashlib.sha256()
    blocks: list[str] = []
    size = 0
    while chunk := read_full(src, BLOCK_BYTES):
        size += len(chunk)
        if size > limits.max_file_bytes:
            raise PackageError(too_big(path, size, limits, more="at least "))
        if size > budget:
            raise PackageError(
                f"The package holds more than {limits.max_total_bytes:,} bytes (stopped at "
                f"{shown(path)}); the limit is {limits.max_total_bytes:,} bytes."
            )
        if size > BOMB_MIN_BYTES and size > BOMB_RATIO * max(compressed, 1):
            raise PackageError(bomb(path, size, compressed))
        if chunks is not None:
            chunks.update(chunk)
        else:
            digest.update(chunk)
            blocks.append(hashlib.sha256(chunk).hexdigest())
        dst.write(chunk)
    if chunks is not None:
        return chunks.finish()
    return digest.hexdigest(), size, tuple(blocks), ()
