"""The receiving side: a player's copy that takes a hub over from its host.

    offering  : logged in and offered to host; waiting for the host to choose this copy
    receiving : pulling every file, in bounded chunks, into a staging folder
    verifying : every file's size and SHA-256 checked against the manifest
    installing: the staging folder moved into place (one rename), then put on disk while
                the hub starts here; the old hub is not told yet
    serving   : the files are on disk, the same hub (name, key, data, sessions) serves here
                and the old host knows
    failed    : nothing was installed; the staging folder is gone; the old hub serves on

The old hub keeps serving until ``serving``; a failure at any earlier step leaves this
data folder as it was, so a later attempt starts clean.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import os
import shutil
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import NoReturn

import msgspec

from hub_core.client.hub_client import HubClient
from hub_core.client.window import Window, run_window
from hub_core.errors import GameHubError
from hub_core.server.handoff import files
from hub_core.util.fsync import can_sync_all, fsync_dir, in_folder, sync_tree, syncfs
from hub_core.util.paths import AppPaths
from hub_core.util.writebehind import WriteBehind
from hub_core.wire.keys import KEY_FILE
from hub_core.wire.schema import HandoffFile, HandoffOffer, MovedState
from hub_core.wire.schema._handoff import CHUNK_BYTES, PIECES_MAX

log = logging.getLogger(__name__)

PARALLEL = 6  # requests in flight: keeps the hub's send queue busy, and bounded
_TOP = frozenset({"hub", "logs"})


class ReceiveState(StrEnum):
    OFFERING = "offering"  # offered to host; waiting to be chosen
    RECEIVING = "receiving"  # pulling files into the staging folder
    VERIFYING = "verifying"  # checking every file's size and SHA-256
    INSTALLING = "installing"  # moving the staging folder into place
    SERVING = "serving"  # the hub serves here; the old host was told
    FAILED = "failed"  # nothing installed; the old hub serves on


class HandoffFailed(GameHubError):
    """A handoff to this copy failed; the message says why, and that nothing changed."""


Report = Callable[[ReceiveState, str, int, int], None]  # state, message, done, total
Piece = tuple[int, int, int]  # file index, offset, length
Flush = Callable[[Path], None]  # puts a whole file system on disk, or raises OSError


class Receiver:
    """Takes one hub over through ``client`` (logged in as a player) into ``paths``."""

    def __init__(
        self,
        client: HubClient,
        paths: AppPaths,
        report: Report,
        rate: float = 0,
        flush: Flush | None = None,
    ) -> None:
        self.client = client
        self.paths = paths
        self.report = report
        self.rate = rate  # bytes per second at most (0: as fast as it goes)
        self.staging = paths.data / files.STAGING
        # syncfs where there is one (Linux); elsewhere make_durable syncs file by file.
        self._flush = flush or (_flush_all if can_sync_all() else None)
        self._done = 0
        self._total = 0
        self._installed: list[Path] = []

    def check_empty(self) -> None:
        """Refuses a data folder that holds a hub already, and clears a failed attempt's staging."""
        if (self.paths.hub / "db").exists() or (self.paths.hub / files.MARKER_FILE).exists():
            raise HandoffFailed(
                f"The data folder {self.paths.data} already holds a hub; receive a hub "
                "into an empty data folder (--data DIR)."
            )
        shutil.rmtree(self.staging, ignore_errors=True)

    async def wait_for_offer(self, *, host: str, poll: float = 10.0) -> HandoffOffer:
        await self.client.offer_to_host(True, host)
        self.report(ReceiveState.OFFERING, "Waiting for the host to hand the hub over.", 0, 0)
        while True:
            offer = await self.client.await_handoff(poll)
            if offer.handoff:
                return offer

    async def receive(self, offer: HandoffOffer) -> MovedState:
        """Pulls, verifies and installs the hub's files; raises HandoffFailed (after telling
        the old hub and removing the staging folder) if anything goes wrong."""
        try:
            return await self._receive(offer)
        except (GameHubError, OSError, ValueError, msgspec.DecodeError) as exc:
            await asyncio.to_thread(shutil.rmtree, self.staging, True)
            reason = _why(exc)
            self.report(ReceiveState.FAILED, reason, self._done, self._total)
            # If the old hub cannot be told, it notices the silence and carries on all the same.
            with contextlib.suppress(GameHubError):
                await self.client.handoff_abort(offer.handoff, reason)
            raise HandoffFailed(f"The handoff failed: {reason} Nothing changed here.") from exc

    async def _receive(self, offer: HandoffOffer) -> MovedState:
        manifest = await self.client.handoff_manifest(offer.handoff)
        if files.sha256_bytes(manifest.state) != manifest.state_sha256:
            raise HandoffFailed("the hub's state arrived damaged.")
        state = msgspec.msgpack.decode(manifest.state, type=MovedState)
        targets = [self._target(f) for f in manifest.files]
        self._total = sum(f.size for f in manifest.files)
        self.report(ReceiveState.RECEIVING, f"Receiving {offer.name!r}.", 0, self._total)
        await self._pull(offer.handoff, manifest.files, targets)
        await asyncio.to_thread(_create_empty, manifest.files, targets)
        self.report(ReceiveState.VERIFYING, "Checking every file.", self._done, self._total)
        await asyncio.to_thread(_verify_all, manifest.files, targets)
        self.report(ReceiveState.INSTALLING, "Installing the hub.", self._done, self._total)
        identity = {"generation": state.generation}
        # Not synced on its own, nor the renames: an fsync may wait for data the disk has not
        # written yet (ext4 commits metadata after the data written before it: 5 ms to
        # 0.28 s here) and hold the hub's start back; make_durable syncs them with the rest.
        identity_file = self.staging / "hub" / files.IDENTITY_FILE
        await asyncio.to_thread(files.write_json, identity_file, identity, durable=False)
        self._installed = await asyncio.to_thread(self._install, [*targets, identity_file])
        return state

    async def make_durable(self) -> None:
        """Puts every installed file and the renames on disk (one syncfs on Linux; elsewhere
        every file, then the data folder); the new hub starts meanwhile, and the old hub is
        told it may stop only once this is done. Raises OSError if the disk refused.

        It starts after the install, not as the last piece lands: the install's renames
        then waited behind the sync (0.37 s once) instead of running beside it."""
        await asyncio.to_thread(self._sync_all)

    def _sync_all(self) -> None:
        if self._flush is not None:
            self._flush(self.paths.data)
            return
        sync_tree(self.paths.data, self._installed)
        fsync_dir(self.paths.data)

    def _target(self, entry: HandoffFile) -> Path:
        """Where a file goes in staging; refuses paths that would leave it (a hostile hub)."""
        rel = PurePosixPath(entry.path)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.parts[0] not in _TOP:
            raise HandoffFailed(f"the hub sent a file with an unsafe path ({entry.path!r}).")
        return self.staging.joinpath(*rel.parts)

    async def _pull(self, handoff: str, entries: list[HandoffFile], targets: list[Path]) -> None:
        """Pulls every piece, a few requests in flight, each request many small files'
        pieces; each piece is written (and a whole file's hash checked) off the loop."""
        loop = asyncio.get_running_loop()
        started, asked = loop.time(), 0
        # The disk writes what arrived while more arrives, so the flush that make_durable
        # waits for has little left: 0.4-0.5 s before, about 0.1 s after, for 200 MB in 450
        # files here. (Written past the page cache with O_DIRECT instead, the files cost
        # the receiver 0.2 CPU-s less but took no less time, so they are not.)
        behind = self._write_behind()
        writers = ThreadPoolExecutor(PARALLEL, thread_name_prefix="handoff-write")

        async def fetch(batch: list[Piece]) -> None:
            nonlocal asked
            size = sum(length for _, _, length in batch)
            due, asked = asked / self.rate if self.rate else 0.0, asked + size  # before waiting:
            await asyncio.sleep(max(0.0, due - (loop.time() - started)))  # the others count it
            data = await self.client.handoff_pieces(handoff, [(i, at) for i, at, _ in batch])
            await loop.run_in_executor(writers, _store, entries, targets, batch, data)
            behind.wrote(size)
            self._done += size
            self.report(ReceiveState.RECEIVING, "", self._done, self._total)

        # Rate-limited, a request holds about a quarter second's worth: an even flow, not
        # bursts of CHUNK_BYTES with long pauses between them.
        limit = min(CHUNK_BYTES, max(64 * 1024, int(self.rate / 4))) if self.rate else CHUNK_BYTES
        try:
            await run_window(plan_batches(entries, limit), fetch, Window(PARALLEL))
        finally:
            behind.close()
            # A failure cancels the requests, not a piece being written on its thread,
            # which would make the staging folder again after ``receive`` removed it.
            stop = functools.partial(writers.shutdown, wait=True, cancel_futures=True)
            await asyncio.to_thread(stop)

    def _write_behind(self) -> WriteBehind:
        """Flushes while the files arrive, with ``flush`` (none where there is no syncfs)."""
        flush, folder = self._flush, self.paths.data
        return WriteBehind(lambda _: flush(folder) if flush else None, enabled=flush is not None)

    def _install(self, targets: list[Path]) -> list[Path]:
        """Moves staging into place: hub/ in one rename, then the room logs; returns where
        the files are now (make_durable puts the renames on disk)."""
        self.paths.hub.parent.mkdir(parents=True, exist_ok=True)
        if self.paths.hub.exists():  # an empty leftover (say, only known-hub pins elsewhere)
            self.paths.hub.rmdir()
        os.replace(self.staging / "hub", self.paths.hub)
        logs = self.staging / "logs"
        if logs.is_dir():
            for path in logs.rglob("*"):
                if path.is_file():
                    target = self.paths.data / path.relative_to(self.staging)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)
        shutil.rmtree(self.staging, ignore_errors=True)
        return [self.paths.data / target.relative_to(self.staging) for target in targets]


async def confirm_serving(
    client: HubClient,
    handoff: str,
    paths: AppPaths,
    bind: str,
    ports: tuple[int, int],
    stop: Callable[[], Awaitable[None]],
    durable: Awaitable[None],
) -> None:
    """Once the received files are on disk (``durable``), tells the old hub this copy
    serves at ``ports`` (request, events). If either fails, stops the new hub (``stop``)
    and puts the received copy aside, so the old hub alone carries on (told at once when
    it can be) and this data folder is free for a later attempt."""
    address = "" if bind in ("", "0.0.0.0", "*") else bind
    try:
        await durable
    except OSError as exc:
        with contextlib.suppress(GameHubError):
            await client.handoff_abort(handoff, _why(exc))
        await _put_aside(paths, stop, f"its files could not be saved here ({_why(exc)})", exc)
    try:
        await client.handoff_done(handoff, address, ports[0], ports[1])
    except GameHubError as exc:
        await _put_aside(paths, stop, f"the old hub did not confirm the handoff ({exc})", exc)


async def _put_aside(
    paths: AppPaths, stop: Callable[[], Awaitable[None]], why: str, exc: Exception
) -> NoReturn:
    await stop()
    aside = paths.data / "hub.not-taken-over"
    paths.hub.rename(aside)
    raise HandoffFailed(
        f"The handoff did not complete: {why}; the old hub carries on, and the copy received "
        f"here was put aside in {aside}."
    ) from exc


def plan_batches(entries: list[HandoffFile], limit: int = CHUNK_BYTES) -> list[list[Piece]]:
    """Every file's pieces (CHUNK_BYTES at most), grouped into requests of at most ``limit``
    bytes (or one larger piece) and PIECES_MAX pieces, in the manifest's order (folder by
    folder)."""
    batches: list[list[Piece]] = []
    room = 0
    for index, entry in enumerate(entries):
        for offset in range(0, entry.size, CHUNK_BYTES):
            size = min(CHUNK_BYTES, entry.size - offset)
            if not batches or size > room or len(batches[-1]) >= PIECES_MAX:
                batches.append([])
                room = limit
            batches[-1].append((index, offset, size))
            room -= size
    return batches


def _create_empty(entries: list[HandoffFile], targets: list[Path]) -> None:
    """The empty files, which no piece creates."""
    for entry, target in zip(entries, targets, strict=True):
        if entry.size == 0:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch()


def _open_new(target: Path, mode: int) -> int:
    """Opens ``target`` for writing, creating it and, on its first file, its folder: the
    folders come as pieces arrive, in the writing threads, not in a pass before the first
    request (~250 of them for 30 games: 35-100 ms)."""
    return in_folder(target.parent, lambda: os.open(target, os.O_WRONLY | os.O_CREAT, mode))


def _store(
    entries: list[HandoffFile], targets: list[Path], batch: list[Piece], data: list[memoryview]
) -> None:
    """Writes a reply's pieces in place (blocking); a file that came whole is checked now,
    so it is never read back (its SHA-256 is its name for a block: one hash in all)."""
    if len(data) != len(batch):
        raise HandoffFailed("the hub answered with the wrong number of pieces.")
    for (index, offset, size), piece in zip(batch, data, strict=True):
        entry = entries[index]
        if len(piece) != size:
            raise HandoffFailed(f"a piece of {entry.path} came back short.")
        if size == entry.size and not files.matches(entry, piece):
            raise HandoffFailed(f"{entry.path} arrived damaged (hash differs).")
        # The hub's key pair stays readable by its owner only, as on the old host.
        mode = 0o600 if targets[index].name == KEY_FILE else 0o666
        fd = _open_new(targets[index], mode)
        try:
            os.pwrite(fd, piece, offset)
        finally:
            os.close(fd)


def _verify_all(entries: list[HandoffFile], targets: list[Path]) -> None:
    """Checks sizes, and the hashes of files that came in several chunks (single-chunk files
    were checked as they arrived); ``make_durable`` puts them on disk later."""
    for entry, target in zip(entries, targets, strict=True):
        if target.stat().st_size != entry.size:
            raise HandoffFailed(f"{entry.path} arrived damaged (its size differs).")
        if entry.size > CHUNK_BYTES and not files.file_matches(entry, target):
            raise HandoffFailed(f"{entry.path} arrived damaged (its hash differs).")


def _flush_all(folder: Path) -> None:
    """syncfs(2) of the file system holding ``folder``; raises OSError if it failed."""
    if not syncfs(folder):
        raise OSError(errno.EIO, "the disk did not confirm it wrote the files")


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno in (28, 27):  # ENOSPC, EFBIG
        return f"this computer has no room left for the hub's data ({exc.strerror})."
    if isinstance(exc, OSError) and exc.strerror:  # not "[Errno 5] ...": say what failed
        where = f" ({exc.filename})" if exc.filename else ""
        return f"this computer could not save the hub's data: {exc.strerror}{where}."
    text = str(exc)
    return text if text.endswith(".") else text + "."
