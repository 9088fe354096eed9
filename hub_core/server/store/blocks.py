"""Package contents on the hub, as blocks of at most 1 MiB named by their SHA-256.

Files are cut into blocks by their content (FastCDC; older packages in fixed 512 KiB
pieces), so a version that changes one file, or a few bytes inside a large file, even
an insertion, adds only the blocks that changed, and identical blocks across
games and versions are stored once. A block is written to a temporary name, fsynced
and renamed, so a reader never sees half of one. This is the package-store seam of
DESIGN §10: an S3-style object store could stand behind the same four methods.

Every method does blocking file I/O: the hub calls them in its thread pool.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from hub_core.errors import GameHubError
from hub_core.util.fsync import fsync_dir, fsync_path, syncfs, write_atomic


class BlockError(GameHubError):
    """A package block could not be stored or read."""

    def __init__(self, message: str, digest: str = "") -> None:
        super().__init__(message)
        self.digest = digest


_FOLDERS = [f"{n:02x}" for n in range(256)]  # a block's folder: its hash's first two digits


def is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class BlockStore:
    """Content-addressed blocks under ``root``; safe to use from several threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        for leftover in root.glob("*/*.tmp"):  # a crash mid-write; the block will be sent again
            leftover.unlink(missing_ok=True)
        # Every folder a block can go in, made once: creating a folder costs ~0.15 ms of
        # the file system's time here, which a hub's first publish paid 256 times.
        existing = set(os.listdir(root))
        for folder in _FOLDERS:
            if folder not in existing:
                (root / folder).mkdir(exist_ok=True)

    def path(self, digest: str) -> Path:
        if not is_digest(digest):
            raise BlockError(f"{digest[:70]!r} is not a SHA-256 content hash.")
        return self.root / digest[:2] / digest[2:]

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def put(self, digest: str, data: bytes) -> None:
        """Stores one block durably, after checking that ``data`` has hash ``digest``."""
        self.put_many([(digest, data)])
        self.sync([digest])

    def put_many(self, items: Sequence[tuple[str, bytes | memoryview]]) -> None:
        """Stores blocks after checking each against its hash; ``sync`` makes them durable.

        Writing without an fsync per block and syncing once before a version is committed
        costs one flush per publish instead of one per block.
        """
        for digest, data in items:
            if hashlib.sha256(data).hexdigest() != digest:
                raise BlockError(
                    f"The content sent for block {digest[:12]}… does not match its announced hash.",
                    digest,
                )
        for digest, data in items:
            target = self.path(digest)
            if target.exists():
                continue
            try:
                write_atomic(target, data, durable=False)
            except FileNotFoundError:  # its folder was removed while the hub ran
                target.parent.mkdir(exist_ok=True)
                write_atomic(target, data, durable=False)

    def sync(self, digests: list[str]) -> None:
        """Makes the named blocks durable (one file-system sync where the OS offers it)."""
        if syncfs(self.root):
            return
        for digest in digests:
            fsync_path(self.path(digest))
        for folder in {self.path(d).parent for d in digests}:
            fsync_dir(folder)

    def read(self, digest: str) -> bytes:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            raise BlockError(f"The hub has no block with hash {digest[:12]}….", digest) from None
