"""The file index of a package (path, size, hash) and the limits every package must fit.

The transfer layer sends the index first and then only the contents the other side
lacks, so the index is checked on its own: before any byte of content is accepted.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from hub_core.packages._errors import PackageError, Problems, shown
from hub_core.packages.paths import path_problem
from hub_core.util import digests
from hub_core.util.digests import HashKind
from hub_core.util.units import format_bytes

HASH_CHUNK = 1024 * 1024
MANIFEST = "manifest.json"
SKIPPED_FOLDERS = frozenset(
    {"__pycache__", "__MACOSX", ".git", ".hg", ".svn"}
    | {".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
"""Build and OS clutter that is never part of a package: left out of scans and unzips."""
SKIPPED_FILES = frozenset({".DS_Store", "Thumbs.db"})

Progress = Callable[[int, int], None]
# Told a file's blocks while it is read: (path, block hashes, block sizes), in file order.
OnFileBlocks = Callable[[str, list[str], list[int]], None]


@dataclass(frozen=True)
class FileEntry:
    """One file of a package; ``hash`` is the digest of its content (``digests``: SHA-256
    in packages before 2026-12, BLAKE3 since).

    ``blocks`` are the digests of its consecutive pieces, of the same kind: transfers move blocks,
    so a change inside a large file costs only the blocks it touched. ``sizes`` are
    their lengths when they were cut by content (FastCDC, at most MAX_BLOCK_BYTES each);
    empty for the older layout of fixed BLOCK_BYTES pieces, which stays readable.
    """

    path: str
    size: int
    hash: str
    blocks: tuple[str, ...] = ()
    sizes: tuple[int, ...] = ()

    def spans(self) -> list[tuple[str, int, int]]:
        """(digest, offset, length) of each block, in file order."""
        lengths = self.sizes or fixed_sizes(self.size)
        spans, offset = [], 0
        for digest, length in zip(self.blocks, lengths, strict=False):
            spans.append((digest, offset, length))
            offset += length
        return spans


BLOCK_BYTES = 512 * 1024
# The largest block of either layout (content-defined blocks reach 1 MiB).
MAX_BLOCK_BYTES = 1024 * 1024


def block_count(size: int) -> int:
    return -(-size // BLOCK_BYTES)


def fixed_sizes(size: int) -> list[int]:
    """Block lengths of the fixed layout: BLOCK_BYTES each, the last one shorter."""
    return [min(BLOCK_BYTES, size - start) for start in range(0, size, BLOCK_BYTES)]


def check_blocks(entries: list[FileEntry]) -> None:
    """Every entry's block list must add up to its size (a hub's offer or a publish)."""
    problems = Problems()
    for entry in entries:
        problem = block_problem(entry)
        if problem:
            problems.add(problem)
    problems.raise_if_any()


def block_problem(entry: FileEntry) -> str | None:
    """Why an entry's block list cannot be right for its size, or None."""
    problem = _sizes_problem(entry) if entry.sizes else _count_problem(entry)
    if problem:
        return problem
    kinds = {digests.kind_of(b) for b in entry.blocks}
    if None in kinds:
        return (
            f"{shown(entry.path)} has a block hash that is not 64 lowercase hex digits "
            "(SHA-256), nor b3- and 64 of them (BLAKE3)."
        )
    named = digests.kind_of(entry.hash)  # None while a publish sent ahead has not named it
    if named is not None:
        kinds.add(named)  # one kind per file: its blocks are hashed as the file is
    if len(kinds) > 1:
        return (
            f"{shown(entry.path)} mixes SHA-256 and BLAKE3 hashes; a file's blocks are "
            "hashed as the file is."
        )
    return None


def _count_problem(entry: FileEntry) -> str | None:
    """Fixed-size blocks (the older layout, no sizes listed): their count follows the size."""
    if len(entry.blocks) != block_count(entry.size):
        return (
            f"{shown(entry.path)} lists {len(entry.blocks):,} blocks; a file of "
            f"{entry.size:,} bytes has {block_count(entry.size):,}."
        )
    return None


def _sizes_problem(entry: FileEntry) -> str | None:
    if len(entry.sizes) != len(entry.blocks):
        return (
            f"{shown(entry.path)} lists {len(entry.blocks):,} blocks "
            f"but {len(entry.sizes):,} sizes."
        )
    if not all(type(n) is int and 0 < n <= MAX_BLOCK_BYTES for n in entry.sizes):
        return f"{shown(entry.path)} has a block size outside 1 to {MAX_BLOCK_BYTES:,} bytes."
    if sum(entry.sizes) != entry.size:
        return (
            f"{shown(entry.path)} has blocks of {sum(entry.sizes):,} bytes in all; "
            f"the file has {entry.size:,}."
        )
    return None


@dataclass(frozen=True)
class Limits:
    """How big a package may be; hubs and clients refuse anything larger."""

    max_files: int = 50_000
    max_total_bytes: int = 4 * 1024**3
    max_file_bytes: int = 4 * 1024**3
    max_deps_bytes: int = 1024**3  # the game's wheels (manifest "requires"), all together


def is_skipped(name: str, *, folder: bool) -> bool:
    """True for cache and version-control folders and *.pyc, .DS_Store, Thumbs.db files."""
    if folder:
        return name in SKIPPED_FOLDERS
    return name in SKIPPED_FILES or name.endswith(".pyc")


def hash_stream(
    stream: BinaryIO, max_bytes: int | None = None, on_chunk: Callable[[int], None] | None = None
) -> tuple[str, int]:
    """SHA-256 and size of a stream read in chunks; stops once more than ``max_bytes``
    came. (A BLAKE3 file's hash is over its blocks', not its bytes: ``file_matches``.)"""
    digest = digests.new(HashKind.SHA256)
    size = 0
    while chunk := stream.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
        if max_bytes is not None and size > max_bytes:
            break
    return digests.spell(digest, HashKind.SHA256), size


def hash_blocks(
    stream: BinaryIO,
    max_bytes: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
    kind: HashKind = HashKind.SHA256,
) -> tuple[str, int, tuple[str, ...]]:
    """The file's digest (``digests.file_digest``), its size, and the digest of every
    BLOCK_BYTES piece."""
    whole = digests.whole_hasher(kind)
    blocks: list[str] = []
    size = 0
    while block := read_full(stream, BLOCK_BYTES):
        if whole is not None:
            whole.update(block)
        blocks.append(digests.digest(block, kind))
        size += len(block)
        if on_chunk is not None:
            on_chunk(len(block))
        if max_bytes is not None and size > max_bytes:
            break
    return digests.file_digest(kind, blocks, whole), size, tuple(blocks)


def read_full(stream: IO[bytes], count: int) -> bytes:
    """Reads ``count`` bytes unless the stream ends first (pipes may return less per read)."""
    data = stream.read(count)
    while data and len(data) < count:
        more = stream.read(count - len(data))
        if not more:
            break
        data += more
    return data


def hash_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks so a 4 GiB file needs no 4 GiB of memory."""
    with open(path, "rb") as stream:
        return hash_stream(stream)[0]


def file_matches(path: Path, entry: FileEntry) -> bool:
    """Whether the file at ``path`` is ``entry``'s: by its bytes' hash (SHA-256), or block
    by block and by its hash over them (BLAKE3)."""
    kind = digests.kind_of(entry.hash)
    if kind is None:
        return False
    if not digests.over_blocks(kind):
        return hash_file(path) == entry.hash
    spans = entry.spans()
    if digests.of_blocks(entry.blocks) != entry.hash or sum(n for *_, n in spans) != entry.size:
        return False
    with open(path, "rb") as stream:
        for digest, _, length in spans:
            if not digests.matches(read_full(stream, length), digest):
                return False
        return stream.read(1) == b""


def fold_path(path: str) -> str:
    """The key under which Windows and macOS would store a path (case and form ignored)."""
    return unicodedata.normalize("NFC", path).lower()


def path_set_problems(paths: Iterable[str]) -> list[str]:
    """Duplicates, case-only twins and file/folder clashes: paths that cannot coexist on disk."""
    problems: list[str] = []
    files: dict[str, str] = {}
    for path in paths:
        other = files.get(fold_path(path))
        if other is None:
            files[fold_path(path)] = path
        elif other == path:
            problems.append(f"{shown(path)} is listed twice.")
        else:
            problems.append(
                f"{shown(other)} and {shown(path)} differ only in case; Windows and macOS "
                "would store them as one file."
            )
    folders: dict[str, str] = {}
    for path in files.values():
        parts = path.split("/")
        for i in range(1, len(parts)):
            folders.setdefault(fold_path("/".join(parts[:i])), path)
    for key, inside in folders.items():
        if key in files:
            problems.append(
                f"{shown(files[key])} is both a file and a folder ({shown(inside)} is inside it)."
            )
    return problems


def check_index(entries: Sequence[FileEntry], limits: Limits) -> None:
    """Refuses an index that is unsafe or too big, listing every problem in one PackageError."""
    problems = Problems()
    for problem in _files_problems([(e.path, e.size) for e in entries], limits):
        problems.add(problem)
    for entry in entries:
        if not digests.is_digest(entry.hash):
            problems.add(
                f"{shown(entry.path)} has a bad hash; a hash is 64 lowercase hex digits "
                "(SHA-256), or b3- and 64 of them (BLAKE3)."
            )
    problems.raise_if_any()


def check_files(found: Sequence[tuple[str, int]], limits: Limits) -> None:
    """check_index for what is known before any file is read: paths and sizes."""
    problems = Problems()
    for problem in _files_problems(found, limits):
        problems.add(problem)
    problems.raise_if_any()


def _files_problems(found: Sequence[tuple[str, int]], limits: Limits) -> list[str]:
    problems: list[str] = []
    if len(found) > limits.max_files:
        problems.append(f"The package has {len(found):,} files; the limit is {limits.max_files:,}.")
    total = 0
    for path, size in found:
        problems += _entry_problems(path, size, limits)
        if type(size) is int and size > 0:
            total += size
    if total > limits.max_total_bytes:
        problems.append(
            f"The package holds {total:,} bytes ({format_bytes(total)}); the limit is "
            f"{limits.max_total_bytes:,} bytes ({format_bytes(limits.max_total_bytes)})."
        )
    paths = [path for path, _ in found]
    problems += path_set_problems(paths)
    if MANIFEST not in paths:
        problems.append("The package has no manifest.json at its root.")
    return problems


def _entry_problems(path: str, size: int, limits: Limits) -> list[str]:
    """Problems of one file on its own (index_from_wire has already checked the types)."""
    found = [p for p in [path_problem(path)] if p]
    if type(size) is not int or size < 0:
        found.append(f"{shown(path)} has a bad size ({size!r}); sizes are whole numbers from 0.")
    elif size > limits.max_file_bytes:
        found.append(too_big(path, size, limits))
    return found


def too_big(path: str, size: int, limits: Limits, *, more: str = "") -> str:
    """The sentence for one file over the per-file limit."""
    return (
        f"{shown(path)} is {more}{size:,} bytes; the limit for one file is "
        f"{limits.max_file_bytes:,} bytes ({format_bytes(limits.max_file_bytes)})."
    )


def index_to_wire(entries: Iterable[FileEntry]) -> list[list[Any]]:
    """The index as plain lists, [[path, size, hash, [block hashes], [block sizes]], ...],
    for msgspec/JSON; entries of the fixed layout leave the sizes out (as before)."""
    return [_entry_to_wire(e) for e in entries]


def _entry_to_wire(e: FileEntry) -> list[Any]:
    if e.sizes:
        return [e.path, e.size, e.hash, list(e.blocks), list(e.sizes)]
    return [e.path, e.size, e.hash, list(e.blocks)]


def index_from_wire(data: Any) -> list[FileEntry]:
    """Reads an index sent by a stranger, checking shapes and types (not limits: check_index)."""
    if not isinstance(data, list):
        raise PackageError("The file index must be a list of [path, size, hash] entries.")
    problems = Problems()
    entries: list[FileEntry] = []
    for number, item in enumerate(data, 1):
        if (
            isinstance(item, list | tuple)
            and len(item) in (3, 4, 5)
            and isinstance(item[0], str)
            and type(item[1]) is int
            and isinstance(item[2], str)
            and (len(item) == 3 or _str_list(item[3]))
            and (len(item) < 5 or _int_list(item[4]))
        ):
            blocks = tuple(item[3]) if len(item) >= 4 else ()
            sizes = tuple(item[4]) if len(item) == 5 else ()
            entries.append(FileEntry(item[0], item[1], item[2], blocks, sizes))
        else:
            problems.add(
                f"Entry {number:,} of the file index must be [path, size, hash, blocks] or "
                f"[path, size, hash, blocks, sizes] "
                f"(got {shown(repr(item))})."
            )
    problems.raise_if_any()
    return entries


def _str_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


def _int_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(type(v) is int for v in value)


def scan_folder(
    folder: Path,
    limits: Limits,
    *,
    progress: Progress | None = None,
    kind: HashKind = HashKind.SHA256,
) -> list[FileEntry]:
    """Indexes a package folder, refusing links and stopping as soon as a limit is passed.

    Skipped, never part of a package: cache and version-control folders
    (SKIPPED_FOLDERS), ``*.pyc``, ``.DS_Store`` and ``Thumbs.db`` files. Empty folders
    are not in the index (it lists files only). The result is sorted by path;
    ``progress(done_bytes, total_bytes)`` is called as files are hashed, with ``kind``.
    """
    root = Path(folder)
    return index_files(root, walk_folder(root, limits), limits, progress=progress, kind=kind)


def walk_folder(folder: Path, limits: Limits) -> list[tuple[str, int]]:
    """(path, size) of each file scan_folder would index, limits checked; nothing is read."""
    root = Path(folder)
    if not root.is_dir():
        raise PackageError(f"{root} is not a folder.")
    from hub_core.packages._walk import walk

    return walk(root, limits)


def index_files(
    root: Path,
    found: list[tuple[str, int]],
    limits: Limits,
    *,
    progress: Progress | None = None,
    on_blocks: OnFileBlocks | None = None,
    kind: HashKind = HashKind.SHA256,
) -> list[FileEntry]:
    """The index of the files ``walk_folder`` found, sorted by path and checked, hashed
    with ``kind`` (BLAKE3 where the hub reads it).

    ``on_blocks(path, hashes, sizes)`` hears of each file's blocks, in order, while the
    files are still being read: a publish sends them meanwhile.
    """
    from hub_core.packages._walk import hash_regular

    total = sum(size for _, size in found)
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(min(done[0], total), total)

    def told(rel: str) -> Callable[[list[str], list[int]], None] | None:
        if on_blocks is None:
            return None
        return lambda blocks, sizes: on_blocks(rel, blocks, sizes)

    entries = [
        FileEntry(rel, size, *hash_regular(root, rel, size, advance, told(rel), kind))
        for rel, size in found
    ]
    entries.sort(key=lambda e: e.path)
    check_index(entries, limits)
    return entries
