"""Blocks of a new version that the installed files hold under other names.

A block's name is the hash of its bytes, and where its bytes begin and end is decided by
the app that published it. An app of another generation cuts elsewhere (fixed 512 KiB
blocks before FastCDC, FastCDC 2016 before 2020) or names blocks by another hash (SHA-256
before BLAKE3): every block of the update then has a new name, though most are the same
bytes. Looked up by name alone, such an update would download the whole game again.

So for each file of the new version that is still mostly wanted, the installed file at
the same path is read twice at most: first where the new version's blocks lie (bytes
changed in place keep their offsets), then, if most is still missing, cut the way this
app cuts (bytes moved by an insertion). The usual update, whose few new blocks are new
bytes, reads nothing here. Whatever is found is checked again when it is used.
"""

from __future__ import annotations

from pathlib import Path

from hub_core.client.publishing import BlockSource
from hub_core.packages import FileEntry
from hub_core.packages._chunks import chunker, hash_chunks
from hub_core.util import digests

# A file of the new version with more than this share of its bytes still wanted is
# looked for in the installed one.
MOSTLY = 0.5


def found_again(
    folder: Path, index: list[FileEntry], have: dict[str, BlockSource]
) -> dict[str, BlockSource]:
    """Where in the installed ``folder`` the blocks of ``index`` that ``have`` lacks are."""
    found: dict[str, BlockSource] = {}
    for entry in index:
        wanted = {d: n for d, _, n in entry.spans() if d not in have and d not in found}
        path = folder / entry.path
        if not _mostly(wanted, entry.size) or not path.is_file():
            continue
        try:
            found |= _in_place(path, entry, wanted)
            rest = {d: n for d, n in wanted.items() if d not in found}
            if _mostly(rest, entry.size):
                found |= _cut_again(path, rest)
        except OSError:
            pass  # the file is gone or unreadable: its blocks are fetched instead
    return found


def _mostly(wanted: dict[str, int], size: int) -> bool:
    return size > 0 and sum(wanted.values()) > MOSTLY * size


def _in_place(path: Path, entry: FileEntry, wanted: dict[str, int]) -> dict[str, BlockSource]:
    """The wanted blocks whose bytes are at the same offsets in the installed file."""
    found: dict[str, BlockSource] = {}
    with path.open("rb") as f:
        for digest, offset, length in entry.spans():
            if digest in wanted and digest not in found:
                f.seek(offset)
                if digests.matches(f.read(length), digest):
                    found[digest] = BlockSource(path, offset, length)
    return found


def _cut_again(path: Path, wanted: dict[str, int]) -> dict[str, BlockSource]:
    """The wanted blocks among the installed file's blocks as this app cuts them, named
    by each hash the wanted ones use."""
    found: dict[str, BlockSource] = {}
    if chunker() is None:
        return found
    for kind in {k for k in map(digests.kind_of, wanted) if k is not None}:
        with path.open("rb") as f:
            _, _, names, sizes = hash_chunks(f, kind=kind)
        offset = 0
        for name, length in zip(names, sizes, strict=True):
            if wanted.get(name) == length:
                found.setdefault(name, BlockSource(path, offset, length))
            offset += length
    return found
