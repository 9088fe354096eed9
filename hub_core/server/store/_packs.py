"""Pack files: many blocks in one file, named by the SHA-256 of its list of blocks.

Storing each block in a file of its own made the file system create ~400 files per
100 MB published; on ext4 each new file costs a search for a free inode, which grows with
recent deletions (0.4–0.7 CPU-s per 100 MB measured on the project's machine, more than
hashing and encryption together). A batch of blocks that arrives in one request is
instead written as one pack, as git, restic and borg do.

A pack is self-describing, so no separate index can disagree with it::

    b"GHPACK1\\n" · count (4 bytes, big-endian) · count × (SHA-256 (32 bytes) · length (4))
    · the blocks, back to back, in that order

A pack with a BLAKE3-named block (``digests``, since 2026-12) starts ``GHPACK2`` and gives
each block's hash kind in one byte before its hash (0 SHA-256, 1 BLAKE3). Packs of
SHA-256 blocks only are still written as ``GHPACK1``, which hubs before BLAKE3 read.

It is written to a temporary name and renamed to ``<sha256 of its head>.pack``: the
head lists every block's SHA-256, so the name covers every byte, as a Merkle tree's root
does, without a second pass over the blocks (which the hub has just hashed one by one
to check them); anything that copies packs (a hub handoff) checks one by ``matches``.
"""

from __future__ import annotations

import hashlib
import logging
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from hub_core.util import digests
from hub_core.util.digests import B3_PREFIX
from hub_core.util.fsync import write_atomic

log = logging.getLogger(__name__)

MAGIC = b"GHPACK1\n"  # every block named by its SHA-256
MAGIC_KINDS = b"GHPACK2\n"  # each block's hash kind given: BLAKE3 ones among them
SUFFIX = ".pack"
_COUNT = struct.Struct(">I")
_ENTRY = struct.Struct(">32sI")
_ENTRY_KINDS = struct.Struct(">B32sI")
_BLAKE3 = 1  # the kind byte of a BLAKE3 block in a GHPACK2 head (0: SHA-256)
# A pack holds one request's blocks (protocol.MAX_BATCH): far fewer than this.
MAX_ENTRIES = 65_536

Data = bytes | memoryview


class Where(NamedTuple):
    """Where a block lives: its pack, and its offset and length in it."""

    pack: Path
    offset: int
    length: int


def write_pack(folder: Path, blocks: Sequence[tuple[str, Data]]) -> dict[str, Where]:
    """Writes ``blocks`` (already checked) as one pack in ``folder``; not yet durable."""
    kinds = any(d.startswith(B3_PREFIX) for d, _ in blocks)
    header = [MAGIC_KINDS if kinds else MAGIC, _COUNT.pack(len(blocks))]
    header += [_entry(d, len(data), kinds) for d, data in blocks]
    parts: list[Data] = [b"".join(header), *(data for _, data in blocks)]
    path = folder / f"{hashlib.sha256(parts[0]).hexdigest()}{SUFFIX}"
    write_atomic(path, parts, durable=False)
    return _places(path, len(parts[0]), [(d, len(data)) for d, data in blocks])


def read_index(path: Path) -> dict[str, Where]:
    """The blocks a pack holds, from its head; raises ValueError for a damaged one."""
    with path.open("rb") as f:
        head = _head(f.read(len(MAGIC) + _COUNT.size), f.read)
        size = f.seek(0, 2)
    entries = _entries(head, path.name.removesuffix(SUFFIX), size)
    return _places(path, len(head), entries)


def matches(data: bytes | memoryview, name: str) -> bool:
    """Whether ``data`` is the pack called ``name``: its head hashes to the name and each
    block to the hash its head gives (the check a pack's copy gets instead of a SHA-256
    of the whole file)."""
    view = memoryview(data)
    try:
        start = len(MAGIC) + _COUNT.size
        head = _head(view[:start], lambda n: view[start : start + n])
        entries = _entries(head, name, len(view))
    except ValueError:
        return False
    offset = len(head)
    for digest, length in entries:
        if not digests.matches(view[offset : offset + length], digest):
            return False
        offset += length
    return True


def _head(start: bytes | memoryview, more: Callable[[int], bytes | memoryview]) -> bytes:
    """A pack's head, from its first bytes and ``more`` (which gives the next n bytes)."""
    if len(start) < len(MAGIC) + _COUNT.size or bytes(start[: len(MAGIC)]) not in _LAYOUTS:
        raise ValueError("it does not start like a pack")
    (count,) = _COUNT.unpack_from(start, len(MAGIC))
    if count > MAX_ENTRIES:
        raise ValueError(f"it claims {count:,} blocks")
    entry = _LAYOUTS[bytes(start[: len(MAGIC)])]
    raw = bytes(more(count * entry.size))
    if len(raw) < count * entry.size:
        raise ValueError("its list of blocks is cut short")
    return bytes(start) + raw


def _entries(head: bytes, name: str, size: int) -> list[tuple[str, int]]:
    """(hash, length) of each block, once the head matches the name and the size."""
    if hashlib.sha256(head).hexdigest() != name:
        raise ValueError("its list of blocks does not match its name")
    start = len(MAGIC) + _COUNT.size
    if head.startswith(MAGIC):
        entries = [(d.hex(), n) for d, n in _ENTRY.iter_unpack(head[start:])]
    else:
        entries = [_named(k, d, n) for k, d, n in _ENTRY_KINDS.iter_unpack(head[start:])]
    if len(head) + sum(n for _, n in entries) != size:
        raise ValueError(f"it holds {size:,} bytes, not what its list of blocks adds up to")
    return entries


def load_all(folder: Path) -> dict[str, Where]:
    """Every block in the packs in ``folder``; a damaged pack is logged and left alone."""
    found: dict[str, Where] = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            index = read_index(path)
        except (OSError, ValueError) as exc:
            log.warning("Left out the damaged block pack %s: %s", path.name, exc)
            continue
        for digest, where in index.items():  # a block in two packs: the first one's
            found.setdefault(digest, where)
    return found


def read_block(where: Where) -> bytes:
    """A block's bytes as the disk holds them: the player checks them against its hash."""
    with where.pack.open("rb", buffering=0) as f:
        f.seek(where.offset)
        return f.read(where.length)


_LAYOUTS = {MAGIC: _ENTRY, MAGIC_KINDS: _ENTRY_KINDS}


def _entry(digest: str, length: int, kinds: bool) -> bytes:
    """One block's line in a pack's head (``kinds``: the GHPACK2 layout)."""
    if not kinds:
        return _ENTRY.pack(bytes.fromhex(digest), length)
    blake3 = digest.startswith(B3_PREFIX)
    raw = bytes.fromhex(digest.removeprefix(B3_PREFIX))
    return _ENTRY_KINDS.pack(_BLAKE3 if blake3 else 0, raw, length)


def _named(kind: int, raw: bytes, length: int) -> tuple[str, int]:
    if kind not in (0, _BLAKE3):
        raise ValueError(f"it names a block by an unknown kind of hash ({kind})")
    return (B3_PREFIX + raw.hex() if kind == _BLAKE3 else raw.hex()), length


def _places(path: Path, start: int, entries: list[tuple[str, int]]) -> dict[str, Where]:
    places: dict[str, Where] = {}
    offset = start
    for digest, length in entries:
        places.setdefault(digest, Where(path, offset, length))
        offset += length
    return places
