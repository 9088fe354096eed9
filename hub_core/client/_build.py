"""Building a version's files from blocks: intact local ones first, the rest from the hub.

Shared by installs (a game's files) and libs (its wheels): every block is checked
against its hash and length as it is placed, so nothing unverified is ever used.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import (
    BLOCK_TIMEOUT,
    BlockSource,
    Progress,
    batches,
)
from hub_core.client.window import run_window
from hub_core.errors import GameHubError
from hub_core.packages import FileEntry
from hub_core.util import digests
from hub_core.util.fsync import sync_tree
from hub_core.util.writebehind import WriteBehind


@dataclass(frozen=True)
class _Spot:
    """A place in the tree being built where one block belongs."""

    path: Path
    offset: int
    length: int


class Build:
    """A version's files, built in ``root/tree`` from intact local blocks and fetched ones.

    Blocks are written straight to their place in the files, so an install writes each
    byte once. Running it again after an interruption keeps every block already in place.
    """

    def __init__(
        self, client: HubClient, root: Path, version: str, progress: Progress | None
    ) -> None:
        self.client = client
        self.root = root
        self.tree = root / "tree"
        self.version = version
        self.progress = progress

    async def run(self, index: list[FileEntry], local: dict[str, BlockSource]) -> int:
        """Builds every file of ``index``; returns the bytes fetched from the hub."""
        todo: dict[str, list[_Spot]] = await asyncio.to_thread(self._plan, index, local)
        total = sum(spots[0].length for spots in todo.values())
        done = [0]
        behind = WriteBehind.of_folder(self.tree)

        async def fetch(batch: list[str]) -> None:
            reply = await self.client.fetch_blocks(batch, timeout=BLOCK_TIMEOUT)
            found = reply.blocks
            if len(found) != len(batch):
                raise GameHubError("The hub answered with the wrong number of blocks.")
            await asyncio.to_thread(_place_all, list(zip(batch, found, strict=True)), todo)
            placed = sum(len(data) for data in found)
            done[0] += placed
            behind.wrote(placed)
            if self.progress is not None:
                self.progress(done[0], total)

        if self.progress is not None:
            self.progress(0, total)
        try:
            await run_window(batches(sorted(todo), lambda d: todo[d][0].length), fetch)
        finally:
            behind.close()
        await asyncio.to_thread(self._check, index)
        return total

    def _plan(
        self, index: list[FileEntry], local: dict[str, BlockSource]
    ) -> dict[str, list[_Spot]]:
        """Fills what it can from local blocks; returns the blocks to fetch and their places."""
        marker = self.root / "version"
        if marker.exists() and marker.read_text(encoding="utf-8") != self.version:
            shutil.rmtree(self.root)  # a download of another version: start afresh
        fresh = not self.tree.exists()  # nothing to resume: no file to look at first
        self.tree.mkdir(parents=True, exist_ok=True)
        marker.write_text(self.version, encoding="utf-8")
        todo: dict[str, list[_Spot]] = {}
        folders: set[Path] = set()
        for entry in index:
            path = self.tree / entry.path
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            resumed = not fresh and _open_sized(path, entry.size)
            if entry.size == 0:
                path.touch()
            for digest, offset, length in entry.spans():
                spot = _Spot(path, offset, length)
                here = BlockSource(path, spot.offset, spot.length)
                if resumed and _intact_data(here, digest) is not None:
                    continue
                data = _intact_data(local.get(digest), digest)
                if data is not None:
                    _write_at(spot, data)
                else:
                    todo.setdefault(digest, []).append(spot)
        return todo

    def _check(self, index: list[FileEntry]) -> None:
        """Every file's size, then everything on disk before it may be swapped in.

        Every byte was checked against its block's hash as it was placed (fetched,
        reused or resumed), and the blocks of a file cover it end to end; the hub checked
        at publish that they add up to the file's hash. Hashing each file again here
        read and hashed every byte a second time: a third of an install's CPU.
        """
        for entry in index:
            path = self.tree / entry.path
            empty_ok = entry.size > 0 or digests.is_empty_file(entry.hash)
            if path.stat().st_size != entry.size or not empty_ok:
                raise GameHubError(
                    f"{entry.path} did not match its hash after download; run the install again."
                )
        sync_tree(self.tree, (self.tree / e.path for e in index))


def _open_sized(path: Path, size: int) -> bool:
    """True if ``path`` was there from an interrupted build, now cut to ``size`` bytes.

    Files that were not there are created by their first block: creating each file up
    front, then opening it again per block, cost 0.4 ms a file here (1,000 small files).
    """
    if not path.is_file():
        return False
    with path.open("r+b") as f:
        f.truncate(size)
    return True


def _write_at(spot: _Spot, data: bytes | memoryview) -> None:
    fd = os.open(spot.path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    try:
        os.pwrite(fd, data, spot.offset)
    finally:
        os.close(fd)


def _place_all(
    blocks: Iterable[tuple[str, bytes | memoryview]], todo: dict[str, list[_Spot]]
) -> None:
    for digest, data in blocks:
        _place(digest, data, todo[digest])


def _place(digest: str, data: bytes | memoryview, spots: list[_Spot]) -> None:
    wrong_size = any(spot.length != len(data) for spot in spots)
    if wrong_size or not digests.matches(data, digest):
        raise GameHubError(
            f"The hub sent a block that does not match its hash ({digest[:12]}…), so it was "
            "not used. Try again; if it happens again, the hub's copy is damaged and the game "
            "must be published again."
        )
    for spot in spots:
        _write_at(spot, data)


def _intact_data(source: BlockSource | None, digest: str) -> bytes | None:
    """A local block's bytes if they are still what the hash says, else None."""
    if source is None:
        return None
    try:
        data = source.read()
    except (OSError, GameHubError):  # the file is gone or shorter now
        return None
    return data if digests.matches(data, digest) else None
