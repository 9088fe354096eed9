"""Package contents, stored once per distinct content and named by its SHA-256.

A version that changes one file adds one blob; identical files across games and
versions share one. Incoming blobs grow in ``incoming/<hash>.part`` and move into
``objects/`` only once their hash checks out, so a reader never sees half a file and
an interrupted upload resumes from the bytes already there. This is the package-store
seam of DESIGN §10: an S3-style object store could stand behind the same methods.

Every method does blocking file I/O: the hub calls them in its thread pool.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

from hub_core.errors import GameHubError

log = logging.getLogger(__name__)


class BlobError(GameHubError):
    """A package file could not be stored or read."""


def _is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class BlobStore:
    """Content-addressed files under ``root``; safe for several threads (one writer per blob)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._objects = root / "objects"
        self._incoming = root / "incoming"
        self._objects.mkdir(parents=True, exist_ok=True)
        self._incoming.mkdir(parents=True, exist_ok=True)
        self._hashers: dict[str, tuple[int, hashlib._Hash]] = {}
        self._lock = threading.Lock()

    def path(self, digest: str) -> Path:
        if not _is_digest(digest):
            raise BlobError(f"{digest!r} is not a SHA-256 content hash.")
        return self._objects / digest[:2] / digest[2:]

    def has(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def received(self, digest: str) -> int:
        """Bytes of an unfinished upload already on disk (0 if none)."""
        self.path(digest)
        try:
            return (self._incoming / f"{digest}.part").stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, digest: str, offset: int, data: bytes) -> int:
        """Adds ``data`` at ``offset`` of an incoming blob; returns the bytes now received.

        Chunks must come in order; a repeated chunk (a retry) is accepted and ignored.
        """
        part = self._incoming / f"{digest}.part"
        have = self.received(digest)
        if offset + len(data) <= have:
            return have
        if offset != have:
            raise BlobError(
                f"A chunk of {digest[:12]}… came out of order (at byte {offset:,}; expected {have:,})."
            )
        hasher = self._hasher(digest, part, have)
        with part.open("ab") as f:
            f.write(data)
        hasher.update(data)
        with self._lock:
            self._hashers[digest] = (have + len(data), hasher)
        return have + len(data)

    def finish(self, digest: str, size: int) -> None:
        """Checks the complete upload against its hash and moves it into the store."""
        part = self._incoming / f"{digest}.part"
        have = self.received(digest)
        if have != size:
            raise BlobError(f"{digest[:12]}… is incomplete ({have:,} of {size:,} bytes).")
        actual = self._hasher(digest, part, have).hexdigest()
        with self._lock:
            self._hashers.pop(digest, None)
        if actual != digest:
            part.unlink(missing_ok=True)
            raise BlobError(f"The content sent for {digest[:12]}… does not match its announced hash.")
        with part.open("rb") as f:
            os.fsync(f.fileno())
        target = self.path(digest)
        target.parent.mkdir(exist_ok=True)
        os.replace(part, target)

    def put_empty(self) -> str:
        """The empty file needs no upload; it is stored directly."""
        digest = hashlib.sha256(b"").hexdigest()
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(exist_ok=True)
            target.touch()
        return digest

    def read(self, digest: str, offset: int, length: int) -> bytes:
        try:
            with self.path(digest).open("rb") as f:
                f.seek(offset)
                return f.read(length)
        except FileNotFoundError:
            raise BlobError(f"The hub has no file with hash {digest[:12]}….") from None

    def _hasher(self, digest: str, part: Path, have: int) -> hashlib._Hash:
        """The running hash of an upload; rebuilt from disk after a restart."""
        with self._lock:
            known = self._hashers.get(digest)
        if known is not None and known[0] == have:
            return known[1]
        hasher = hashlib.sha256()
        if have:
            with part.open("rb") as f:
                while chunk := f.read(1024 * 1024):
                    hasher.update(chunk)
        return hasher
