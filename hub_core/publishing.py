"""Publishing from the developer's side: check locally, send only what the hub lacks, commit.

Everything that can be refused is checked before a byte is sent: the manifest, every
path, the limits. Then the hub says which contents it lacks (resuming half-sent ones),
and those go in 1 MiB chunks with a few in flight, so the link stays busy without the
hub or this process holding more than a window of chunks in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import zipfile
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub_core.client import HubClient
from hub_core.packages import FileEntry, Limits, Manifest, extract_zip, index_to_wire, load_package
from hub_core.uploads import CHUNK_BYTES

# Chunks in flight per file, and files sent at once.
WINDOW = 4
PARALLEL_FILES = 4
CHUNK_TIMEOUT = 30.0

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True)
class PublishResult:
    name: str
    version: str
    total_bytes: int  # the whole package
    sent_bytes: int  # what actually travelled (only missing contents)


def prepare(source: Path, limits: Limits, scratch: Path, progress: Progress | None = None) -> tuple[Path, Manifest, list[FileEntry]]:
    """A checked package from a folder or a zip (unpacked safely into ``scratch``)."""
    folder = source
    if source.is_file() and (source.suffix.lower() == ".zip" or zipfile.is_zipfile(source)):
        folder = scratch / "package"
        extract_zip(source, folder, limits)
    manifest, index = load_package(folder, limits, progress=progress)
    return folder, manifest, index


async def publish(
    client: HubClient,
    source: Path,
    *,
    version: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> PublishResult:
    """Publishes a folder or zip; with no ``version``, the hub's suggested next one."""
    loop = asyncio.get_running_loop()
    with tempfile.TemporaryDirectory(prefix="gamehub-publish-") as scratch:
        folder, manifest, index = await loop.run_in_executor(
            None, prepare, Path(source), limits or Limits(), Path(scratch), None
        )
        if version is None:
            hint = await client.request("version_hint", {"name": manifest.name})
            version = str(hint["suggested"])
        begun = await client.request("publish_begin", {
            "version": version, "manifest": manifest.to_dict(), "index": index_to_wire(index),
        })
        missing = [(str(h), int(size), int(have)) for h, size, have in begun["missing"]]
        sent = await _send_all(client, begun["transfer"], folder, index, missing, progress)
        result = await client.request("publish_commit", {"transfer": begun["transfer"]}, idempotent=False)
    total = sum(e.size for e in index)
    return PublishResult(name=result["name"], version=result["version"], total_bytes=total, sent_bytes=sent)


async def _send_all(
    client: HubClient, transfer: str, folder: Path, index: list[FileEntry],
    missing: list[tuple[str, int, int]], progress: Progress | None,
) -> int:
    path_of = {e.hash: folder / e.path for e in index}
    total = sum(size - have for _, size, have in missing)
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(done[0], total)

    gate = asyncio.Semaphore(PARALLEL_FILES)

    async def one(digest: str, size: int, have: int) -> None:
        async with gate:
            await _send_file(client, transfer, path_of[digest], digest, size, have, advance)

    advance(0)
    await asyncio.gather(*(one(*m) for m in missing))
    return total


async def _send_file(
    client: HubClient, transfer: str, path: Path, digest: str, size: int, have: int,
    advance: Callable[[int], None],
) -> None:
    """Sends one file from byte ``have`` on, keeping up to WINDOW chunks in flight."""
    loop = asyncio.get_running_loop()
    in_flight: deque[tuple[asyncio.Future[Any], int]] = deque()
    try:
        with path.open("rb") as f:
            f.seek(have)
            offset = have
            while offset < size:
                data = await loop.run_in_executor(None, f.read, min(CHUNK_BYTES, size - offset))
                if not data:
                    raise OSError(f"{path} became shorter while it was being sent.")
                args = {"transfer": transfer, "hash": digest, "offset": offset, "data": data}
                request = client.request("upload_chunk", args, timeout=CHUNK_TIMEOUT)
                in_flight.append((asyncio.ensure_future(request), len(data)))
                offset += len(data)
                if len(in_flight) >= WINDOW:
                    await _settle(in_flight, advance)
        while in_flight:
            await _settle(in_flight, advance)
    finally:
        await cancel_all(pending for pending, _ in in_flight)


async def _settle(in_flight: deque[tuple[asyncio.Future[Any], int]], advance: Callable[[int], None]) -> None:
    pending, size = in_flight.popleft()
    await pending
    advance(size)


async def cancel_all(futures: Iterable[asyncio.Future[Any]]) -> None:
    """Cancels requests still in flight after a failure, and waits for them to go."""
    for pending in list(futures):
        pending.cancel()
        with contextlib.suppress(BaseException):
            await pending
