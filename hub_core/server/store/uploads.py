"""Publishing on the hub side: announce → receive only the missing blocks → commit.

    announced  : index and manifest checked; the hub has listed the blocks it lacks
                 (sent ahead: manifest checked; blocks announced a run at a time while
                 the developer's app cuts files, then the index, checked as at begin)
    receiving  : blocks arrive in any order; each is checked against its hash as it lands,
                 and each file's hash advances over its blocks as they come in order
    committed  : every file's hash completed and checked, the version recorded

An upload lives in memory only. If it is interrupted, the developer runs publish again:
the blocks that arrived are in the block store, so only the rest are sent.
"""

from __future__ import annotations

import asyncio
import errno
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub_core.errors import RequestRefused
from hub_core.packages import (
    MAX_BLOCK_BYTES,
    FileEntry,
    Limits,
    Manifest,
    PackageError,
    Version,
    check_blocks,
    check_index,
    index_from_wire,
    parse_manifest,
)
from hub_core.packages.wheels import Dep, all_wheels, check_deps, deps_from_wire
from hub_core.server.sessions import Session
from hub_core.server.store._ahead import AheadLedger, AheadRefused
from hub_core.server.store._filecheck import FileChecks
from hub_core.server.store.blockio import BlockIO
from hub_core.server.store.blocks import BlockError, BlockStore
from hub_core.server.store.catalog import Catalog, refuse_package
from hub_core.server.store.sweep import Swept, sweep
from hub_core.server.store.unpacked import check_stored_wheels
from hub_core.server.store.upload_window import UploadWindow
from hub_core.util.writebehind import WriteBehind
from hub_core.wire.codes import Code
from hub_core.wire.protocol import BATCH_BYTES, MAX_BATCH
from hub_core.wire.schema import AheadPiece, Missing, Published, PublishOffer, Stored

__all__ = ["BATCH_BYTES", "MAX_BATCH", "Upload", "Uploads"]
# Uploads idle this long are forgotten; their blocks stay and count on the next try until
# a sweep finds them unused and at least this old (sweep.py).
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
    needed: set[str]  # block hashes still to receive
    checks: FileChecks  # each file's (and wheel's) hash over the blocks stored so far
    deps: list[Dep] = field(default_factory=list)  # the game's libraries, as wheels
    arrived: list[str] = field(default_factory=list)  # stored, durable only after commit's sync
    touched: float = field(default_factory=time.monotonic)
    known: set[str] = field(default_factory=set)  # every block announced: those it may send
    ahead: AheadLedger | None = None  # sent ahead, until its index has come
    written: set[Path] = field(default_factory=set)  # the packs its blocks went into

    @property
    def files(self) -> list[FileEntry]:
        """The package's files, then its wheels: everything whose blocks travel."""
        return self.index + all_wheels(self.deps)

    def paths_of(self, block: str) -> str:
        names = [e.path for e in self.files if block in e.blocks]
        return ", ".join(repr(n) for n in names[:3]) + (" …" if len(names) > 3 else "")


class Uploads:
    """The hub's uploads in progress; methods run on the hub's loop."""

    def __init__(
        self, blocks: BlockStore, catalog: Catalog, limits: Limits, io: BlockIO | None = None
    ) -> None:
        self._blocks = blocks
        self._io = io or BlockIO()
        self._catalog = catalog
        self._limits = limits
        self._uploads: dict[str, Upload] = {}
        self._pushed_out: set[Path] = set()  # packs of uploads a newer one replaced
        self._window = UploadWindow()
        self._write_behind = WriteBehind(blocks.sync)

    def close(self) -> None:
        """Stops the background flushes (a running one finishes on its thread)."""
        self._write_behind.close()

    async def sweep(self, age: float = IDLE_SECONDS) -> Swept:
        """Removes the blocks of publishes that never finished (``sweep.py``): those
        idle for ``age`` seconds, and at once those a newer upload pushed out."""
        self._forget_idle()
        pushed = set(self._pushed_out)
        swept = await sweep(self._blocks, self._catalog, self._live_blocks, age, pushed)
        if not swept.skipped:
            self._pushed_out -= pushed
        return swept

    def _live_blocks(self) -> set[str]:
        """Every block the uploads in progress announced: what they may count on."""
        return set().union(*(u.known for u in self._uploads.values()))

    async def begin(
        self,
        developer: Session,
        version: str,
        manifest: dict[str, Any],
        index: Any,
        deps: Any = (),
        *,
        ahead: bool = False,
    ) -> PublishOffer:
        """Checks everything that can be checked before any content arrives (sent
        ahead: all but the index, which comes last)."""
        self._forget_idle()
        try:
            entries = [] if ahead else _checked_index(index, self._limits)
            parsed = parse_manifest(manifest, files=None if ahead else {e.path for e in entries})
            libs = deps_from_wire(list(deps))
            check_deps(libs, self._limits, parsed.requires)
        except PackageError as exc:
            raise refuse_package(exc) from None
        checked = self._catalog.check_publish(developer, parsed, version)
        self._check_quota(developer)
        wanted = {b for e in entries + all_wheels(libs) for b in e.blocks}
        missing = await asyncio.to_thread(lambda: sorted(self._blocks.missing(wanted)))
        upload = Upload(
            id=secrets.token_urlsafe(12),
            developer=developer.key,
            manifest=parsed,
            version=checked,
            index=entries,
            needed=set(missing),
            checks=FileChecks(entries + all_wheels(libs), set(missing)),
            deps=libs,
            known=wanted,
            ahead=AheadLedger(self._limits) if ahead else None,
        )
        self._uploads[upload.id] = upload
        return PublishOffer(
            transfer=upload.id,
            name=parsed.name,
            version=str(checked),
            missing=missing,
            window=self._window.grant(upload.id),
        )

    def ahead(self, developer: Session, transfer: str, pieces: list[AheadPiece]) -> Missing:
        """Blocks of files still being cut, in order per file; returns those the hub lacks
        and had not asked for yet."""
        upload = self._upload(developer, transfer)
        if upload.ahead is None:
            raise RequestRefused(Code.TRANSFER, "This upload has its index already.")
        try:
            runs = upload.ahead.check(pieces)
        except AheadRefused as exc:
            raise RequestRefused(Code.PACKAGE_INVALID, str(exc)) from None
        missing = self._ask_for(upload, [d for _, blocks in runs for d, _ in blocks])
        fresh = set(missing)  # those asked for before are absent already, or stored
        for path, blocks in runs:
            upload.checks.extend(path, blocks, fresh)
        upload.touched = time.monotonic()
        return Missing(missing=missing)

    def index(self, developer: Session, transfer: str, index: Any) -> PublishOffer:
        """An ahead publish's whole index: checked as begin checks one, and against the
        blocks announced for each file. Returns the blocks still to send."""
        upload = self._upload(developer, transfer)
        if upload.ahead is None:
            raise RequestRefused(Code.TRANSFER, "This upload has its index already.")
        try:
            entries = _checked_index(index, self._limits)
            parse_manifest(upload.manifest.to_dict(), files={e.path for e in entries})
        except PackageError as exc:
            raise refuse_package(exc) from None
        missing = self._ask_for(upload, [b for e in entries for b in e.blocks])
        differ = upload.checks.settle(entries, set(missing))
        if differ:
            self._forget(upload, abandoned=True)
            raise RequestRefused(
                Code.PACKAGE_INVALID,
                f"The index lists other blocks for {differ[0]!r} than were announced for it.",
            )
        upload.index, upload.ahead = entries, None
        return PublishOffer(
            transfer=upload.id,
            name=upload.manifest.name,
            version=str(upload.version),
            missing=missing,
            window=self._window.grant(upload.id),
        )

    def _ask_for(self, upload: Upload, digests: list[str]) -> list[str]:
        """Of blocks just announced, those neither stored nor asked for before (in order);
        they become needed."""
        fresh = [d for d in dict.fromkeys(digests) if d not in upload.known]
        upload.known.update(fresh)
        missing = self._blocks.missing(fresh)
        upload.needed.update(missing)
        return missing

    async def blocks(
        self,
        developer: Session,
        transfer: str,
        items: list[tuple[str, memoryview]],
        *,
        client: str = "",
    ) -> Stored:
        """Stores a batch of blocks; a block sent twice (a retry) is fine.

        The writes wait for ``client``'s turn among every transfer's block jobs.
        """
        upload = self._upload(developer, transfer)
        if sum(len(data) for _, data in items) > BATCH_BYTES or len(items) > MAX_BATCH:
            raise RequestRefused(
                Code.TRANSFER,
                f"One request may carry at most {MAX_BATCH} blocks and {BATCH_BYTES:,} bytes.",
            )
        for digest, data in items:
            if digest not in upload.known:
                raise RequestRefused(
                    Code.TRANSFER, f"This upload has no block with hash {digest[:12]}…."
                )
            if len(data) > MAX_BLOCK_BYTES:
                raise RequestRefused(
                    Code.TRANSFER, f"A block may hold at most {MAX_BLOCK_BYTES:,} bytes."
                )
        fresh = [(d, data) for d, data in items if d in upload.needed]
        try:
            await self._io.run(client or developer.key, lambda: self._store(upload, fresh))
        except BlockError as exc:
            where = upload.paths_of(exc.digest)
            raise RequestRefused(Code.TRANSFER, f"{exc} (file {where})") from None
        except OSError as exc:
            raise storing_refused(exc) from None
        upload.needed.difference_update(d for d, _ in fresh)
        upload.arrived.extend(d for d, _ in fresh)
        self._write_behind.wrote(sum(len(data) for _, data in fresh), [d for d, _ in fresh])
        upload.touched = time.monotonic()
        return Stored(stored=len(items), window=self._window.grant(transfer))

    async def commit(self, developer: Session, transfer: str) -> Published:
        upload = self._upload(developer, transfer)
        if upload.ahead is not None:
            raise RequestRefused(Code.TRANSFER, "The upload's index has not come yet.")
        if upload.needed:
            example = upload.paths_of(next(iter(upload.needed)))
            raise RequestRefused(
                Code.TRANSFER,
                f"{len(upload.needed):,} block(s) have not arrived yet, e.g. of {example}.",
            )
        await asyncio.to_thread(self._check_files, upload)
        await self._sync(developer.key, upload.arrived)
        try:
            game = await self._catalog.add_version(
                developer, upload.manifest, upload.version, upload.index, upload.deps
            )
        except OSError as exc:
            raise storing_refused(exc) from None
        self._forget(upload)
        return Published(name=game["name"], version=str(upload.version))

    def _forget(self, upload: Upload, *, abandoned: bool = False) -> None:
        """Drops an upload: committed, or ``abandoned`` (its packs go at the next sweep)."""
        self._uploads.pop(upload.id, None)
        self._window.forget(upload.id)
        if abandoned:
            self._pushed_out |= upload.written

    def _store(self, upload: Upload, fresh: list[tuple[str, memoryview]]) -> None:
        pack = self._blocks.put_many(fresh)
        if pack is not None:
            upload.written.add(pack)
        upload.checks.stored(fresh, self._blocks)

    async def _sync(self, client: str, digests: list[str]) -> None:
        try:
            await self._io.run(client, lambda: self._blocks.sync(digests))
        except OSError as exc:
            raise storing_refused(exc) from None

    def _check_files(self, upload: Upload) -> None:
        """Every file's hash and size over its blocks, and the manifest is manifest.json."""
        for entry in upload.checks.finish(self._blocks)[:1]:
            raise RequestRefused(
                Code.TRANSFER,
                f"The blocks sent for {entry.path!r} do not add up to its announced hash.",
            )
        manifest = next(e for e in upload.index if e.path == "manifest.json")
        raw = b"".join(self._blocks.read(b) for b in manifest.blocks)
        try:
            stored = parse_manifest(raw, files={e.path for e in upload.index})
        except PackageError as exc:
            raise refuse_package(exc) from None
        if stored.to_dict() != upload.manifest.to_dict():
            raise RequestRefused(
                Code.PACKAGE_INVALID, "The manifest sent differs from the package's manifest.json."
            )
        try:
            check_stored_wheels(self._blocks, all_wheels(upload.deps), self._limits)
        except PackageError as exc:
            raise refuse_package(exc) from None

    def _upload(self, developer: Session, transfer: str) -> Upload:
        upload = self._uploads.get(transfer)
        if upload is None or upload.developer != developer.key:
            raise RequestRefused(
                Code.TRANSFER,
                "That upload is unknown or has expired; start the publish again (it resumes).",
            )
        return upload

    def _check_quota(self, developer: Session) -> None:
        mine = [u for u in self._uploads.values() if u.developer == developer.key]
        if len(mine) >= MAX_UPLOADS_PER_DEVELOPER:
            self._forget(min(mine, key=lambda u: u.touched), abandoned=True)

    def _forget_idle(self) -> None:
        now = time.monotonic()
        for upload in [u for u in self._uploads.values() if now - u.touched > IDLE_SECONDS]:
            self._forget(upload)  # its packs are as old as that: the sweep's age covers them


def _checked_index(index: Any, limits: Limits) -> list[FileEntry]:
    """A stranger's index, refused with PackageError unless it is safe and adds up."""
    entries = index_from_wire(index)
    check_index(entries, limits)
    check_blocks(entries)
    return entries


def storing_refused(exc: OSError) -> RequestRefused:
    """The sentence for a hub that could not write an upload (a full disk, most often)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = "The hub's disk is full"
    else:
        why = f"The hub could not store the upload ({exc.strerror or exc})"
    return RequestRefused(
        Code.TRANSFER,
        f"{why}; nothing was published. Its host must free some space; then publish again "
        "(the blocks that arrived are kept).",
    )
