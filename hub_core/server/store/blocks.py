"""Package contents on the hub, as blocks of at most 1 MiB named by their hash (SHA-256 or BLAKE3).

Files are cut into blocks by their content (FastCDC; older packages in fixed 512 KiB
pieces), so a version that changes one file, or a few bytes inside a large file, even
an insertion, adds only the blocks that changed, and identical blocks across
games and versions are stored once. Each batch of new blocks is written as one pack file
(``_packs``: one file instead of one per block), to a temporary name and renamed, so a
reader never sees half of one. Blocks stored one file each (``ab/cdef…``) by hubs before
packs are still read, and still arrive that way from such a hub in a handoff. This is
the package-store seam of DESIGN §10: an S3-style object store could stand behind the
same methods.

Every method does blocking file I/O: the hub calls them in its thread pool.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from hub_core.errors import GameHubError
from hub_core.server.store import _packs
from hub_core.util import digests
from hub_core.util.fsync import fsync_dir, fsync_path, in_folder, syncfs

PACKS = "packs"  # the folder of pack files, beside the loose blocks' 256 folders


class BlockError(GameHubError):
    """A package block could not be stored or read."""

    def __init__(self, message: str, digest: str = "") -> None:
        super().__init__(message)
        self.digest = digest


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_sha256(text: str) -> bool:
    """Whether ``text`` is a SHA-256 in hex: the names of packs and of loose blocks (which
    only hubs before packs wrote, when every block was named by its SHA-256)."""
    return _SHA256.fullmatch(text) is not None


def named_digest(parts: Sequence[str]) -> str:
    """The SHA-256 a stored file's path under the store spells (``ab/cdef…`` for a block,
    ``packs/<hash>.pack`` for a pack), or "" for any other path: both are named by their
    content, so a copy can be checked without hashing the original first (a block's by
    its SHA-256, a pack's by ``pack_matches``)."""
    if len(parts) != 2:
        return ""
    if is_pack(parts):
        name = parts[1].removesuffix(_packs.SUFFIX)
        return name if _is_sha256(name) else ""
    return parts[0] + parts[1] if _is_sha256(parts[0] + parts[1]) else ""


def is_pack(parts: Sequence[str]) -> bool:
    """Whether a path under the store (as its parts) is a pack's."""
    return len(parts) == 2 and parts[0] == PACKS and parts[1].endswith(_packs.SUFFIX)


pack_matches = _packs.matches


class Held(NamedTuple):
    """A file of the store (a pack, or a loose block) and the blocks it holds."""

    path: Path
    blocks: list[str]
    size: int


class BlockStore:
    """Content-addressed blocks under ``root``; safe to use from several threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.packs = root / PACKS
        self.packs.mkdir(parents=True, exist_ok=True)
        for leftover in [*root.glob("*/*.tmp")]:  # a crash mid-write; sent again if needed
            leftover.unlink(missing_ok=True)
        self._lock = threading.Lock()
        self._packed = _packs.load_all(self.packs)
        # When a publish last found blocks of a file already stored (monotonic time): a
        # sweep keeps such a file a while, as that publish counts on it (``missing``).
        self._used: dict[Path, float] = {}
        self._loose = {
            folder.name + name
            for folder in root.iterdir()
            if len(folder.name) == 2 and folder.is_dir()
            for name in os.listdir(folder)
            if _is_sha256(folder.name + name)
        }

    def has(self, digest: str) -> bool:
        _check(digest)
        return digest in self._packed or digest in self._loose

    def missing(self, digests: Iterable[str]) -> list[str]:
        """Of ``digests``, those not stored, in order. The files holding the others count
        as just used, so a sweep that runs before the caller has noted its claim on them
        keeps them (``forget``)."""
        now = time.monotonic()
        absent: list[str] = []
        with self._lock:
            for digest in digests:
                _check(digest)
                where = self._packed.get(digest)
                if where is not None:
                    self._used[where.pack] = now
                elif digest in self._loose:
                    self._used[self._loose_path(digest)] = now
                else:
                    absent.append(digest)
        return absent

    def put(self, digest: str, data: bytes) -> None:
        """Stores one block durably, after checking that ``data`` has hash ``digest``."""
        self.put_many([(digest, data)])
        self.sync([digest])

    def put_many(self, items: Sequence[tuple[str, bytes | memoryview]]) -> Path | None:
        """Stores blocks, as one pack, after checking each against its hash; returns the
        pack (None if every block was stored already). ``sync`` makes them durable.

        Writing without an fsync and syncing once before a version is committed costs one
        flush per publish instead of one per request.
        """
        for digest, data in items:
            if not digests.matches(data, digest):
                raise BlockError(
                    f"The content sent for block {digest[:12]}… does not match its announced hash.",
                    digest,
                )
        fresh = {d: data for d, data in items if not self.has(d)}
        if not fresh:
            return None
        blocks = list(fresh.items())
        places = in_folder(self.packs, lambda: _packs.write_pack(self.packs, blocks))
        with self._lock:  # a block two requests stored at once stays in the first pack
            for digest, where in places.items():
                self._packed.setdefault(digest, where)
        return next(iter(places.values())).pack

    def sync(self, digests: list[str]) -> None:
        """Makes the named blocks durable (one file-system sync where the OS offers it)."""
        if syncfs(self.root):
            return
        packed = self._packed
        for pack in {packed[d].pack for d in digests if d in packed}:
            fsync_path(pack)
        fsync_dir(self.packs)

    def read(self, digest: str) -> bytes:
        _check(digest)
        where = self._packed.get(digest)
        try:
            if where is not None:
                return _packs.read_block(where)
            if digest in self._loose:
                return self._loose_path(digest).read_bytes()
        except FileNotFoundError:
            pass
        raise _no_block(digest)

    def size_of(self, digest: str) -> int:
        """A stored block's length (BlockError if the store has no such block)."""
        _check(digest)
        where = self._packed.get(digest)
        if where is not None:
            return where.length
        try:
            if digest in self._loose:
                return self._loose_path(digest).stat().st_size
        except FileNotFoundError:
            pass
        raise _no_block(digest)

    def read_into(self, digest: str, target: memoryview) -> None:
        """Reads a block into ``target``, which is ``size_of(digest)`` long (a reply's hole)."""
        where = self._packed.get(digest)
        path, offset = (where.pack, where.offset) if where else (self._loose_path(digest), 0)
        try:
            with path.open("rb", buffering=0) as f:
                got = os.preadv(f.fileno(), [target], offset) if len(target) else 0
        except FileNotFoundError:
            got = -1
        if got != len(target):
            raise BlockError(f"The hub could not read block {digest[:12]}… whole.", digest)

    def _loose_path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:]

    # -- sweeping (see sweep.py) -------------------------------------------------------

    def files_older_than(self, seconds: float, also: Iterable[Path] = ()) -> list[Held]:
        """Packs and loose blocks last written more than ``seconds`` ago, and the packs in
        ``also`` whatever their age, with the blocks each holds (blocking: a stat each).

        A pack's blocks are those the store reads from it: a block also in an earlier
        pack is read from that one, so this pack can go without it."""
        cutoff = time.time() - seconds
        wanted = set(also)
        with self._lock:
            held: dict[Path, list[str]] = {}
            for digest, where in self._packed.items():
                held.setdefault(where.pack, []).append(digest)
            loose = [(self._loose_path(d), [d]) for d in self._loose]
        packs = [(p, held.get(p, [])) for p in sorted(self.packs.glob(f"*{_packs.SUFFIX}"))]
        found: list[Held] = []
        for path, blocks in packs + loose:
            try:
                stat = path.stat()
            except OSError:
                continue  # gone meanwhile
            if stat.st_mtime < cutoff or path in wanted:
                found.append(Held(path, blocks, stat.st_size))
        return found

    def forget(
        self, files: Sequence[Held], keep: Callable[[str], bool], grace: float
    ) -> list[Held]:
        """Of ``files``, forgets those that hold no block ``keep`` wants and in which no
        publish found a block in the last ``grace`` seconds; returns them, for ``delete``.
        From here on ``has`` says no for their blocks, so a publish sends them again."""
        now = time.monotonic()
        gone: list[Held] = []
        with self._lock:
            for held in files:
                used = self._used.get(held.path)
                if (used is not None and now - used < grace) or any(map(keep, held.blocks)):
                    continue
                gone.append(held)
                for digest in held.blocks:
                    where = self._packed.get(digest)
                    if where is not None and where.pack == held.path:
                        del self._packed[digest]
                    elif self._loose_path(digest) == held.path:
                        self._loose.discard(digest)
            self._used = {p: t for p, t in self._used.items() if now - t < grace}
        return gone

    @staticmethod
    def delete(files: Iterable[Held]) -> None:
        """Removes forgotten files (blocking). A crash before this only leaves them to the
        next sweep: at start every pack is read again."""
        for held in files:
            held.path.unlink(missing_ok=True)


def _no_block(digest: str) -> BlockError:
    return BlockError(f"The hub has no block with hash {digest[:12]}….", digest)


def _check(digest: str) -> None:
    if not digests.is_digest(digest):
        raise BlockError(f"{digest[:70]!r} is not a content hash (SHA-256 or BLAKE3).")
