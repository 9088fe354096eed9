"""Publishing on the hub side: announce → receive only the missing contents → commit.

    announced  : the index and manifest checked; the hub has listed what it lacks
    receiving  : chunks arrive in order per file; each file is hashed as it grows
    committed  : every hash checked, the version recorded; the upload is forgotten

An upload lives in memory only. If it is interrupted, the developer runs publish again:
the finished files are already in the blob store and half-received ones resume at the
byte where they stopped, so nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from hub_core.blobs import BlobError, BlobStore
from hub_core.catalog import Catalog, refuse_package
from hub_core.codes import Code
from hub_core.errors import RequestRefused
from hub_core.packages import FileEntry, Limits, Manifest, PackageError, Version, check_index, parse_manifest
from hub_core.packages.index import index_from_wire
from hub_core.sessions import Session

CHUNK_BYTES = 1024 * 1024
# Uploads idle this long are forgotten (their received bytes stay and can resume).
IDLE_SECONDS = 3600.0
MAX_UPLOADS_PER_DEVELOPER = 4


@dataclass
class Upload:
    """One publish in progress."""

    id: str
    developer: str
    manifest: Manifest
    version: Version
    index: list[FileEntry]
    sizes: dict[str, int]  # hash -> size, for the contents still to receive
    touched: float = field(default_factory=time.monotonic)

    def paths_of(self, digest: str) -> str:
        names = [e.path for e in self.index if e.hash == digest]
        return ", ".join(repr(n) for n in names[:3]) + (" …" if len(names) > 3 else "")


class Uploads:
    """The hub's uploads in progress; methods run on the hub's loop."""

    def __init__(self, blobs: BlobStore, catalog: Catalog, limits: Limits) -> None:
        self._blobs = blobs
        self._catalog = catalog
        self._limits = limits
        self._uploads: dict[str, Upload] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def begin(self, developer: Session, version: str, manifest: dict[str, Any], index: Any) -> dict[str, Any]:
        """Checks everything that can be checked before any content arrives."""
        self._forget_idle()
        try:
            entries = index_from_wire(index)
            check_index(entries, self._limits)
            parsed = parse_manifest(manifest, files={e.path for e in entries})
        except PackageError as exc:
            raise refuse_package(exc) from None
        checked = self._catalog.check_publish(developer, parsed, version)
        self._check_quota(developer)
        missing = await self._run(self._missing, entries)
        upload = Upload(
            id=secrets.token_urlsafe(12), developer=developer.key, manifest=parsed, version=checked,
            index=entries, sizes={digest: size for digest, size, _ in missing},
        )
        self._uploads[upload.id] = upload
        return {"transfer": upload.id, "name": parsed.name, "version": str(checked),
                "missing": [list(m) for m in missing]}

    async def chunk(self, developer: Session, transfer: str, digest: str, offset: int, data: bytes) -> dict[str, Any]:
        upload = self._upload(developer, transfer)
        size = upload.sizes.get(digest)
        if size is None:
            raise RequestRefused(Code.TRANSFER, f"This upload does not include a file with hash {digest[:12]}….")
        if offset < 0 or offset + len(data) > size or len(data) > CHUNK_BYTES:
            raise RequestRefused(Code.TRANSFER, f"A chunk for {upload.paths_of(digest)} lies outside the file.")
        async with self._locks.setdefault(digest, asyncio.Lock()):
            try:
                received = await self._run(self._blobs.append, digest, offset, data)
                if received == size:
                    await self._run(self._blobs.finish, digest, size)
            except BlobError as exc:
                raise RequestRefused(Code.TRANSFER, f"{exc} (file {upload.paths_of(digest)})") from None
        if received == size:
            self._locks.pop(digest, None)
        upload.touched = time.monotonic()
        return {"received": received, "done": received == size}

    async def commit(self, developer: Session, transfer: str) -> dict[str, Any]:
        upload = self._upload(developer, transfer)
        lacking = [d for d in upload.sizes if not await self._run(self._blobs.has, d)]
        if lacking:
            raise RequestRefused(
                Code.TRANSFER, f"{len(lacking)} file(s) have not arrived yet, e.g. {upload.paths_of(lacking[0])}."
            )
        await self._check_manifest_file(upload)
        game = await self._catalog.add_version(developer, upload.manifest, upload.version, upload.index)
        del self._uploads[upload.id]
        return {"name": game["name"], "version": str(upload.version)}

    def _missing(self, entries: list[FileEntry]) -> list[tuple[str, int, int]]:
        """(hash, size, bytes already received) for each distinct content the hub lacks."""
        sizes = {e.hash: e.size for e in entries}
        missing = []
        for digest, size in sorted(sizes.items()):
            if size == 0:
                self._blobs.put_empty()
            elif not self._blobs.has(digest):
                missing.append((digest, size, min(self._blobs.received(digest), size)))
        return missing

    async def _check_manifest_file(self, upload: Upload) -> None:
        """The manifest announced must be the manifest.json that was uploaded."""
        entry = next(e for e in upload.index if e.path == "manifest.json")
        raw = await self._run(self._blobs.read, entry.hash, 0, entry.size)
        try:
            stored = parse_manifest(raw, files={e.path for e in upload.index})
        except PackageError as exc:
            raise refuse_package(exc) from None
        if stored.to_dict() != upload.manifest.to_dict():
            raise RequestRefused(Code.PACKAGE_INVALID, "The manifest sent differs from the package's manifest.json.")

    def _upload(self, developer: Session, transfer: str) -> Upload:
        upload = self._uploads.get(transfer)
        if upload is None or upload.developer != developer.key:
            raise RequestRefused(
                Code.TRANSFER, "That upload is unknown or has expired; start the publish again (it resumes)."
            )
        return upload

    def _check_quota(self, developer: Session) -> None:
        mine = [u for u in self._uploads.values() if u.developer == developer.key]
        if len(mine) >= MAX_UPLOADS_PER_DEVELOPER:
            oldest = min(mine, key=lambda u: u.touched)
            del self._uploads[oldest.id]

    def _forget_idle(self) -> None:
        now = time.monotonic()
        for key in [k for k, u in self._uploads.items() if now - u.touched > IDLE_SECONDS]:
            del self._uploads[key]

    @staticmethod
    async def _run(func: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, func, *args)

