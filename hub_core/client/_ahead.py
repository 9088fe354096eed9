"""Publishing while the files are still being cut: blocks travel during the cut.

Cutting and hashing a package (FastCDC and SHA-256, before BLAKE3) took a third of a large publish,
with the hub idle until the whole index was known. Here a thread cuts the files and
tells the loop each run of blocks as soon as their hashes are known; the loop announces
them (``publish_ahead``), the hub answers with those it lacks, and the uploader sends
them while the cutting goes on. The whole index, with each file's hash, comes last
(``publish_index``); the hub checks it against what was announced.

    surveyed → begun (ahead) → announcing, sending → indexed → sent → committed
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
from collections import deque
from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import (
    BlockSource,
    Package,
    Progress,
    Uploader,
    wheel_sources,
)
from hub_core.client.window import cancel_all
from hub_core.errors import GameHubError
from hub_core.packages import FileEntry, index_to_wire
from hub_core.packages.index import index_files
from hub_core.packages.wheels import all_wheels, deps_to_wire
from hub_core.wire.protocol import MAX_BATCH
from hub_core.wire.schema import AheadPiece, Published


class _Stopped(GameHubError):
    """The publish failed elsewhere: the cutting thread stops at its next run of blocks."""


async def publish_ahead(
    client: HubClient, package: Package, progress: Progress | None
) -> tuple[Published, int]:
    """Publishes ``package`` to a hub that takes blocks ahead; returns the hub's answer and
    the bytes sent."""
    begun = await client.publish_begin(
        package.version,
        package.manifest.to_dict(),
        [],
        deps_to_wire(package.wheels.deps),
        ahead=True,
    )
    uploader = Uploader(client, begun, wheel_sources(package.wheels), progress, package.total)
    wheel_bytes = sum(w.size for w in all_wheels(package.wheels.deps))
    uploader.ask(begun.missing)
    uploader.credit(wheel_bytes - sum(uploader.sources[d].length for d in begun.missing))
    sending = asyncio.ensure_future(uploader.run())
    pieces = _Pieces(asyncio.get_running_loop())
    cutting = _cutter().submit(
        functools.partial(
            index_files, package.folder, package.found, package.limits, kind=package.kind
        ),
        on_blocks=pieces.put,
    )
    cutting.add_done_callback(lambda _: pieces.end())
    try:
        index = await _announce(client, begun.transfer, package.folder, pieces, cutting, uploader)
        if sending.done():
            sending.result()  # a refused batch ends the publish with the hub's sentence
        offer = await client.publish_index(begun.transfer, index_to_wire(index))
        uploader.ask(offer.missing)
        uploader.close()
        await sending
        return await client.publish_commit(begun.transfer), uploader.sent
    finally:
        pieces.stop.set()
        await cancel_all([sending])
        if not cutting.done():  # it stops at its next run of blocks
            await asyncio.to_thread(concurrent.futures.wait, [cutting])


async def _announce(
    client: HubClient,
    transfer: str,
    folder: Path,
    pieces: _Pieces,
    cutting: concurrent.futures.Future[list[FileEntry]],
    uploader: Uploader,
) -> list[FileEntry]:
    """Announces blocks as they are cut and queues those the hub lacks; returns the index.

    A few announcements are on their way at once: each one's reply waits behind the
    blocks already sent on the same connection (10-50 ms while a publish runs), and one
    at a time left the uploader without blocks to send between replies. The hub takes
    them in the order they were sent, as a file's blocks must come.
    """
    offsets: dict[str, int] = {}
    flying: set[asyncio.Future[None]] = set()
    try:
        while batch := await pieces.take():
            for path, blocks, sizes in batch:
                offset = offsets.get(path, 0)
                for digest, length in zip(blocks, sizes, strict=True):
                    uploader.sources.setdefault(digest, BlockSource(folder / path, offset, length))
                    offset += length
                offsets[path] = offset
            while len(flying) >= AHEAD_IN_FLIGHT:
                done, flying = await asyncio.wait(flying, return_when=asyncio.FIRST_COMPLETED)
                for announced in done:
                    announced.result()  # the hub's refusal ends the publish
            flying.add(asyncio.ensure_future(_announce_one(client, transfer, batch, uploader)))
        await asyncio.gather(*flying)
    finally:
        await cancel_all(flying)
    return await asyncio.wrap_future(cutting)


async def _announce_one(
    client: HubClient, transfer: str, batch: list[AheadPiece], uploader: Uploader
) -> None:
    """One announcement: the blocks the hub lacks go to the uploader, the rest count as
    done."""
    reply = await client.publish_ahead(transfer, batch)
    uploader.ask(reply.missing)
    announced = sum(n for _, _, sizes in batch for n in sizes)
    uploader.credit(announced - sum(uploader.sources[d].length for d in reply.missing))


# Announcements on their way at once (see _announce). With one, the window of a 100 MB
# publish was short of frames 22% of the time; with three, 15% (publishing ~3% faster,
# within this VM's noise).
AHEAD_IN_FLIGHT = 3


# The cutting thread hands blocks over in runs of about this much (or at the end): one
# hand-over and one announcement per small file kept the loop and the cutter trading the
# GIL, and made a 1,000-file publish of 20 MB take twice as long.
HAND_OVER_BYTES = 4 * 1024 * 1024
HAND_OVER_BLOCKS = 256


class _Pieces:
    """Runs of blocks from the cutting thread, handed to the loop in order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.stop = threading.Event()  # set: the cutting thread gives up
        self._loop = loop
        self._held: list[AheadPiece] = []  # on the cutting thread, not handed over yet
        self._held_bytes = 0
        self._held_blocks = 0
        self._started = False
        self._ready: deque[AheadPiece] = deque()
        self._woken = asyncio.Event()
        self._ended = False

    def put(self, path: str, blocks: list[str], sizes: list[int]) -> None:
        """On the cutting thread: a file's next blocks (split to fit one announcement)."""
        if self.stop.is_set():
            raise _Stopped("The publish stopped.")
        for start in range(0, len(blocks), MAX_BATCH):
            end = start + MAX_BATCH
            self._held.append((path, blocks[start:end], sizes[start:end]))
        self._held_bytes += sum(sizes)
        self._held_blocks += len(blocks)
        if (
            self._held_bytes >= HAND_OVER_BYTES
            or self._held_blocks >= HAND_OVER_BLOCKS
            or not self._started  # the first blocks go at once: sending starts sooner
        ):
            self._started = True
            self._hand_over()

    def end(self) -> None:
        """On the cutting thread, once it is done: no more blocks will come."""
        self._hand_over()
        self._loop.call_soon_threadsafe(self._finish)

    def _hand_over(self) -> None:
        if self._held:
            self._loop.call_soon_threadsafe(self._add, self._held)
            self._held, self._held_bytes, self._held_blocks = [], 0, 0

    async def take(self) -> list[AheadPiece]:
        """The runs cut since the last take, at most MAX_BATCH blocks (at least one run;
        empty once the cutting has ended)."""
        while not self._ready and not self._ended:
            self._woken.clear()
            await self._woken.wait()
        batch: list[AheadPiece] = []
        count = 0
        while self._ready and (not batch or count + len(self._ready[0][1]) <= MAX_BATCH):
            piece = self._ready.popleft()
            batch.append(piece)
            count += len(piece[1])
        return batch

    def _add(self, pieces: list[AheadPiece]) -> None:
        self._ready.extend(pieces)
        self._woken.set()

    def _finish(self) -> None:
        self._ended = True
        self._woken.set()


@functools.cache
def _cutter() -> concurrent.futures.ThreadPoolExecutor:
    """The thread that cuts and hashes a package being published ahead."""
    return concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gamehub-publish-cut")
