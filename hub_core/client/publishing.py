"""Publishing from the developer's side: check locally, send only what the hub lacks, commit.

Everything that can be refused without reading the files is checked before a byte is
sent: the manifest, every path, the limits. Then the hub says which blocks (pieces of
files cut by content, about 170 KB each, by hash) it lacks, and only those go, a few in
flight at once, so the link stays busy without the hub or this process holding more
than a window of blocks in memory. To hubs that take them, blocks are announced and
sent while the files are still being cut (``_ahead``); older hubs get the whole index
first. A publish that was interrupted resumes: the blocks that arrived are already on
the hub.
"""

from __future__ import annotations

import asyncio
import functools
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub_core.client.hub_client import HubClient
from hub_core.client.window import END, WINDOW, Window, run_window
from hub_core.errors import GameHubError, RequestRefused
from hub_core.packages import (
    FileEntry,
    Limits,
    Manifest,
    PackageError,
    check_newer,
    extract_zip,
    index_to_wire,
    parse_manifest,
    read_manifest,
)
from hub_core.packages.index import check_files, index_files, walk_folder
from hub_core.packages.requires import merged
from hub_core.packages.wheels import Resolved, all_wheels, deps_to_wire
from hub_core.util.digests import HashKind
from hub_core.wire.codes import Code
from hub_core.wire.protocol import BATCH_BYTES, MAX_BATCH
from hub_core.wire.schema import Published, PublishOffer, VersionHintReply
from hub_core.wire.upload_frame import UploadFrame

BLOCK_TIMEOUT = 30.0

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True)
class PublishResult:
    name: str
    version: str
    total_bytes: int  # the whole package
    sent_bytes: int  # what actually travelled (only missing contents)


def survey(
    source: Path, limits: Limits, scratch: Path
) -> tuple[Path, Manifest, list[tuple[str, int]]]:
    """Everything about a package that needs no reading of its contents: the folder (a
    zip unpacked safely into ``scratch``), its manifest, and its files' paths and sizes
    within the limits."""
    folder = source
    if source.is_file() and (source.suffix.lower() == ".zip" or zipfile.is_zipfile(source)):
        folder = scratch / "package"
        extract_zip(source, folder, limits)
    found = walk_folder(folder, limits)
    check_files(found, limits)
    manifest = parse_manifest(read_manifest(folder), files={path for path, _ in found})
    return folder, manifest, found


@dataclass(frozen=True)
class Libraries:
    """What the developer adds at publish time: requirements, a wheel folder, platforms."""

    requires: tuple[str, ...] = ()  # added to the manifest's own "requires"
    wheels_dir: Path | None = None  # take wheels from here, with no network (no pip)
    platforms: tuple[str, ...] = ()  # pip --platform tags to fetch wheels for, too


async def publish(
    client: HubClient,
    source: Path,
    *,
    version: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    libraries: Libraries | None = None,
) -> PublishResult:
    """Publishes a folder or zip; with no ``version``, the hub's suggested next one.

    The game's requirements (the manifest's plus ``libraries.requires``) are resolved
    to wheels first, so nothing is sent if one cannot be delivered. To a hub that takes
    blocks ahead, files are sent while they are still being cut (``_ahead``).
    """
    limits = limits or Limits()
    extra = libraries or Libraries()
    with tempfile.TemporaryDirectory(prefix="gamehub-publish-") as scratch:
        folder, manifest, found = await asyncio.to_thread(
            survey, Path(source), limits, Path(scratch)
        )
        requires = merged(manifest.requires, extra.requires)
        kind = client.hash_kind
        wheels = await _resolve(requires, Path(scratch), extra, limits, kind)
        hint = await client.version_hint(manifest.name)
        chosen = preflight(manifest.name, hint, version)
        package = Package(folder, manifest, found, wheels, limits, chosen, kind)
        if hint.ahead:
            from hub_core.client._ahead import publish_ahead

            result, sent = await publish_ahead(client, package, progress)
        else:
            result, sent = await _publish_whole(client, package, progress)
    return PublishResult(
        name=result.name, version=result.version, total_bytes=package.total, sent_bytes=sent
    )


@dataclass(frozen=True)
class Package:
    """A package surveyed and ready to send: what both ways of publishing start from."""

    folder: Path
    manifest: Manifest
    found: list[tuple[str, int]]  # (path, size) of each file
    wheels: Resolved
    limits: Limits
    version: str
    kind: HashKind = HashKind.SHA256  # what its files are hashed with (client.hash_kind)

    @property
    def total(self) -> int:
        """The package's bytes with its wheels."""
        return sum(n for _, n in self.found) + sum(w.size for w in all_wheels(self.wheels.deps))


async def _publish_whole(
    client: HubClient, package: Package, progress: Progress | None
) -> tuple[Published, int]:
    """Cuts and hashes every file, then sends the index and the blocks the hub lacks (for
    hubs that do not take blocks ahead)."""
    index = await asyncio.to_thread(
        index_files, package.folder, package.found, package.limits, kind=package.kind
    )
    begun = await client.publish_begin(
        package.version,
        package.manifest.to_dict(),
        index_to_wire(index),
        deps_to_wire(package.wheels.deps),
    )
    sources = block_sources(package.folder, index) | wheel_sources(package.wheels)
    missing = sorted(
        asked_for(begun.missing, sources), key=lambda d: (str(sources[d].path), sources[d].offset)
    )
    uploader = Uploader(client, begun, sources, progress, sum(sources[d].length for d in missing))
    uploader.ask(missing)
    uploader.close()
    await uploader.run()
    return await client.publish_commit(begun.transfer), uploader.sent


async def _resolve(
    requires: list[str], scratch: Path, extra: Libraries, limits: Limits, kind: HashKind
) -> Resolved:
    """The wheels of the game's requirements; with none, no pip and no ``packaging``
    (their import alone took 40-50 ms of every publish)."""
    if not requires:
        return Resolved()
    from hub_core.packages.resolve import resolve

    return await asyncio.to_thread(
        resolve, requires, scratch, wheels_dir=extra.wheels_dir,
        platforms=extra.platforms, limits=limits, kind=kind,
    )  # fmt: skip


def wheel_sources(found: Resolved) -> dict[str, BlockSource]:
    """Where each block of the wheels is, in the wheel files on this machine."""
    sources: dict[str, BlockSource] = {}
    for wheel in all_wheels(found.deps):
        for digest, offset, length in wheel.spans():
            sources.setdefault(digest, BlockSource(found.files[wheel.path], offset, length))
    return sources


def preflight(name: str, hint: VersionHintReply, version: str | None) -> str:
    """Checks with the hub's answer before anything is sent: whose name it is, and which
    version comes next.

    A name another developer owns, or a version not above the latest, is refused here
    with the same sentence the hub would give after the upload. Returns the version to
    publish (the hub's suggestion when ``version`` is None).
    """
    if not hint.yours:
        raise RequestRefused(Code.NOT_AUTHOR, not_yours_sentence(name, hint.owner))
    if version is None:
        return hint.suggested
    try:
        check_newer(version, hint.latest)
    except PackageError as exc:
        raise RequestRefused(Code.PACKAGE_INVALID, str(exc)) from None
    return version


def not_yours_sentence(name: str, owner: str | None) -> str:
    return (
        f"The game {name!r} belongs to {owner}; only they can update it. To publish yours, "
        'give it another "name" in manifest.json.'
    )


@dataclass(frozen=True)
class BlockSource:
    """Where a block's bytes are in a local package folder."""

    path: Path
    offset: int
    length: int

    def read(self) -> bytes:
        with self.path.open("rb") as f:
            f.seek(self.offset)
            data = f.read(self.length)
        if len(data) != self.length:
            raise self.changed()
        return data

    def changed(self) -> GameHubError:
        """The file ended before this block did: it changed since it was read to publish."""
        return GameHubError(f"{self.path} changed while it was being sent; publish again.")


def read_into(holes: list[memoryview], sources: list[BlockSource]) -> None:
    """Reads each block into its hole of an upload frame; one open per run of blocks of
    the same file (a large file's batch is eight of them)."""
    current: Path | None = None
    f: Any = None
    try:
        for hole, source in zip(holes, sources, strict=True):
            if source.path != current:
                if f is not None:
                    f.close()
                f, current = source.path.open("rb", buffering=0), source.path
            f.seek(source.offset)
            done = 0
            while done < source.length and (got := f.readinto(hole[done:])):
                done += got
            if done != source.length:
                raise source.changed()
    finally:
        if f is not None:
            f.close()


@functools.cache
def _reader() -> ThreadPoolExecutor:
    """The one thread that reads blocks into upload frames: reads from the page cache take
    ~1 ms per frame, and asyncio's shared pool started a thread per frame in flight, each
    one more contender for the GIL with the loop that sends the frames."""
    return ThreadPoolExecutor(1, thread_name_prefix="gamehub-publish-read")


def block_sources(folder: Path, index: list[FileEntry]) -> dict[str, BlockSource]:
    """For each block hash, the first place in the package that holds it."""
    sources: dict[str, BlockSource] = {}
    for entry in index:
        for digest, offset, length in entry.spans():
            sources.setdefault(digest, BlockSource(folder / entry.path, offset, length))
    return sources


class Uploader:
    """Sends blocks as they are asked for, in the window the hub grants; counts what went.

    Blocks asked for a few at a time (small files, announced as they are cut) wait
    until they fill a batch, unless the link would stand idle: the hub stores each
    batch as one pack file, and a request per handful of small blocks cost 40% of a
    1,000-file publish. ``progress`` hears (bytes done, ``total``): blocks sent, and
    those ``credit``-ed (announced, but the hub had them).
    """

    def __init__(
        self,
        client: HubClient,
        offer: PublishOffer,
        sources: dict[str, BlockSource],
        progress: Progress | None,
        total: int,
    ) -> None:
        self.sources = sources  # may grow while blocks are sent
        self.sent = 0
        self._client = client
        self._transfer = offer.transfer
        self._window = Window(offer.window or WINDOW)
        self._jobs: asyncio.Queue[Any] = asyncio.Queue()
        self._spare: list[bytearray] = []  # buffers of batches whose reply came: sent
        self._progress = progress
        self._total = total
        self._done = 0
        self._pending: list[str] = []  # asked for, not a whole batch yet
        self._busy = 0  # batches being sent
        self.credit(0)

    def ask(self, digests: list[str]) -> None:
        """Queues blocks to send, in batches of at most BATCH_BYTES."""
        asked_for(digests, self.sources)
        *whole, self._pending = batches(self._pending + digests, self._length) or [[]]
        for batch in whole:
            self._jobs.put_nowait(batch)
        self._flush_if_idle()

    def close(self) -> None:
        """No more blocks will be asked for: ``run`` ends once the queued ones are sent."""
        self._flush()
        self._jobs.put_nowait(END)

    def _flush_if_idle(self) -> None:
        """A part of a batch goes now if nothing is being sent or waits to be."""
        if self._busy == 0 and self._jobs.empty():
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._jobs.put_nowait(self._pending)
            self._pending = []

    def _length(self, digest: str) -> int:
        return self.sources[digest].length

    def credit(self, count: int) -> None:
        """Counts ``count`` bytes as done without sending them."""
        self._done += count
        if self._progress is not None:
            self._progress(min(self._done, self._total), self._total)

    async def run(self) -> None:
        await run_window(self._jobs, self._send, self._window)

    async def _send(self, batch: list[str]) -> None:
        self._busy += 1
        try:
            await self._upload(batch)
        finally:
            self._busy -= 1
        self._flush_if_idle()

    async def _upload(self, batch: list[str]) -> None:
        where = [self.sources[d] for d in batch]
        layout = [(d, s.length) for d, s in zip(batch, where, strict=True)]
        frame = UploadFrame(self._transfer, layout, self._spare.pop() if self._spare else None)
        await asyncio.get_running_loop().run_in_executor(_reader(), read_into, frame.holes, where)
        stored = await self._client.upload_frame(frame, timeout=BLOCK_TIMEOUT)
        self._spare.append(frame.buffer)
        self._window.set(stored.window)
        size = sum(s.length for s in where)
        self.sent += size
        self.credit(size)


def asked_for(digests: list[str], sources: dict[str, BlockSource]) -> list[str]:
    """``digests`` if the package has every one: a hub is a stranger, and may ask for
    others."""
    for digest in digests:
        if digest not in sources:
            raise GameHubError(
                f"The hub asked for a block this package does not have ({digest[:12]}…); "
                "nothing was published. Try again, or publish to another hub."
            )
    return digests


def batches(digests: list[str], size_of: Callable[[str], int]) -> list[list[str]]:
    """Groups blocks into requests of at most BATCH_BYTES (small files travel together)."""
    groups: list[list[str]] = []
    room = 0
    for digest in digests:
        size = size_of(digest)
        if not groups or size > room or len(groups[-1]) >= MAX_BATCH:
            groups.append([])
            room = BATCH_BYTES
        groups[-1].append(digest)
        room -= size
    return groups
