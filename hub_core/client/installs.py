"""Installing games on the player's side: fetch what is missing, verify, then swap in.

    fetching   : blocks not found intact locally land in <game>/.download/blocks/
    verifying  : every block is checked against its hash and length as it is placed
                 (the hub checked at publish that a file's blocks add up to its hash)
    swapping   : the new tree is renamed into place and install.json is replaced
                 atomically; that replace is the moment the new version exists

Until the swap, the installed version is untouched, so a failed or cancelled install
changes nothing a player can see; running it again resumes with the blocks already
fetched. An update reuses every intact block of the installed version and fetches only
the rest, so changing 1 MB inside a 100 MB file costs about 1.5 MB.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import (
    BLOCK_TIMEOUT,
    BlockSource,
    Progress,
    batches,
    block_sources,
)
from hub_core.client.window import run_window
from hub_core.errors import GameHubError
from hub_core.packages import (
    FileEntry,
    Limits,
    Manifest,
    PackageError,
    check_blocks,
    check_index,
    hash_file,
    parse_manifest,
)
from hub_core.packages.index import index_from_wire, index_to_wire
from hub_core.util.fsync import sync_tree, write_atomic
from hub_core.wire.schema import InstallOffer

INSTALL_FILE = "install.json"
EMPTY = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Installed:
    """A game as installed: which version, and where its files are."""

    name: str
    version: str
    manifest: dict[str, Any]
    index: list[FileEntry]
    folder: Path  # the game's files (the package root)


@dataclass(frozen=True)
class InstallResult:
    name: str
    version: str
    previous: str | None
    fetched_bytes: int
    total_bytes: int

    @property
    def up_to_date(self) -> bool:
        return self.previous == self.version and self.fetched_bytes == 0


def game_folder(games_root: Path, name: str) -> Path:
    return games_root / name


def read_installed(games_root: Path, name: str) -> Installed | None:
    """The installed version of a game, or None (also for a damaged install record)."""
    folder = game_folder(games_root, name)
    try:
        data = json.loads((folder / INSTALL_FILE).read_text(encoding="utf-8"))
        return Installed(
            name=data["name"],
            version=data["version"],
            manifest=data["manifest"],
            index=index_from_wire(data["index"]),
            folder=folder / f"v{data['version']}",
        )
    except (OSError, ValueError, KeyError, TypeError, PackageError):
        return None


def installed_games(games_root: Path) -> list[Installed]:
    if not games_root.is_dir():
        return []
    found = (read_installed(games_root, p.name) for p in sorted(games_root.iterdir()) if p.is_dir())
    return [g for g in found if g is not None]


async def install(
    client: HubClient,
    name: str,
    games_root: Path,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
    version: str | None = None,
) -> InstallResult:
    """Installs or updates ``name`` to the hub's latest version, or to ``version`` (a room's).

    The same version number with other files is installed again: a hub that moved its
    samples aside (``rps`` -> ``gamehub-rps``) may later hold a developer's own rps 1.0.0.
    """
    offer = await client.install_begin(name, version or None)
    manifest, index = _check_offer(offer, limits or Limits())
    current = read_installed(games_root, name)
    previous = current.version if current else None
    total = sum(e.size for e in index)
    if current is not None and current.version == offer.version and current.index == index:
        return InstallResult(name, offer.version, previous, 0, total)
    folder = game_folder(games_root, name)
    build = _Build(client, folder / ".download", offer.version, progress)
    local = block_sources(current.folder, current.index) if current else {}
    try:
        fetched = await build.run(index, local)
        await asyncio.to_thread(_swap_in, folder, offer.version, manifest, index, build)
    except OSError as exc:
        raise GameHubError(_disk_sentence(exc, name, games_root)) from None
    return InstallResult(name, offer.version, previous, fetched, total)


def _disk_sentence(exc: OSError, name: str, games_root: Path) -> str:
    """Why an install could not write (a full disk, most often), and what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        why = f"There is not enough free space in {games_root} to install {name}"
    else:
        why = f"{name} could not be written to {games_root} ({exc.strerror or exc})"
    return (
        f"{why}; the version you had is unchanged. Free some space, then install again "
        "(what was downloaded is kept)."
    )


def _check_offer(offer: InstallOffer, limits: Limits) -> tuple[Manifest, list[FileEntry]]:
    """The hub is trusted no more than a stranger: its index gets the same checks."""
    try:
        index = index_from_wire(offer.index)
        check_index(index, limits)
        check_blocks(index)
        manifest = parse_manifest(offer.manifest, files={e.path for e in index})
    except PackageError as exc:
        raise GameHubError(f"The hub offered a package that fails the checks: {exc}") from None
    return manifest, index


@dataclass(frozen=True)
class _Spot:
    """A place in the tree being built where one block belongs."""

    path: Path
    offset: int
    length: int


class _Build:
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

        async def fetch(batch: list[str]) -> None:
            reply = await self.client.fetch_blocks(batch, timeout=BLOCK_TIMEOUT)
            found = reply.blocks
            if len(found) != len(batch):
                raise GameHubError("The hub answered with the wrong number of blocks.")
            await asyncio.to_thread(_place_all, list(zip(batch, found, strict=True)), todo)
            done[0] += sum(len(data) for data in found)
            if self.progress is not None:
                self.progress(done[0], total)

        if self.progress is not None:
            self.progress(0, total)
        await run_window(batches(sorted(todo), lambda d: todo[d][0].length), fetch)
        await asyncio.to_thread(self._check, index)
        return total

    def _plan(
        self, index: list[FileEntry], local: dict[str, BlockSource]
    ) -> dict[str, list[_Spot]]:
        """Fills what it can from local blocks; returns the blocks to fetch and their places."""
        marker = self.root / "version"
        if marker.exists() and marker.read_text(encoding="utf-8") != self.version:
            shutil.rmtree(self.root)  # a download of another version: start afresh
        self.tree.mkdir(parents=True, exist_ok=True)
        marker.write_text(self.version, encoding="utf-8")
        todo: dict[str, list[_Spot]] = {}
        for entry in index:
            path = self.tree / entry.path
            resumed = _open_sized(path, entry.size)
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

        Every byte was checked against its block's SHA-256 as it was placed (fetched,
        reused or resumed), and the blocks of a file cover it end to end; the hub checked
        at publish that they add up to the file's hash. Hashing each file again here
        read and hashed every byte a second time: a third of an install's CPU.
        """
        for entry in index:
            path = self.tree / entry.path
            if path.stat().st_size != entry.size or (entry.size == 0 and entry.hash != EMPTY):
                raise GameHubError(
                    f"{entry.path} did not match its hash after download; run the install again."
                )
        sync_tree(self.tree, (self.tree / e.path for e in index))


def _open_sized(path: Path, size: int) -> bool:
    """Makes ``path`` a file of ``size`` bytes; True if it was already there (a resume)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.is_file()
    with path.open("r+b" if existed else "wb") as f:
        f.truncate(size)
    return existed


def _write_at(spot: _Spot, data: bytes) -> None:
    fd = os.open(spot.path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
    try:
        os.pwrite(fd, data, spot.offset)
    finally:
        os.close(fd)


def _place_all(blocks: Iterable[tuple[str, bytes]], todo: dict[str, list[_Spot]]) -> None:
    for digest, data in blocks:
        _place(digest, data, todo[digest])


def _place(digest: str, data: bytes, spots: list[_Spot]) -> None:
    wrong_size = any(spot.length != len(data) for spot in spots)
    if wrong_size or hashlib.sha256(data).hexdigest() != digest:
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
    return data if hashlib.sha256(data).hexdigest() == digest else None


def _swap_in(
    folder: Path, version: str, manifest: Manifest, index: list[FileEntry], build: _Build
) -> None:
    """Makes the built, verified tree the installed version."""
    final = folder / f"v{version}"
    if final.exists():
        final.rename(folder / f".old-v{version}")
    build.tree.rename(final)
    record = {
        "name": manifest.name,
        "version": version,
        "manifest": manifest.to_dict(),
        "index": index_to_wire(index),
    }
    text = json.dumps(record, ensure_ascii=False)
    write_atomic(folder / INSTALL_FILE, text.encode(), private=True)
    _remove_all(p for p in folder.iterdir() if p.name != INSTALL_FILE and p != final)


def _remove_all(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def verify(
    games_root: Path, name: str, progress: Callable[[int, int], None] | None = None
) -> list[str]:
    """Paths of an installed game whose content is missing or wrong (empty: all good)."""
    installed = read_installed(games_root, name)
    if installed is None:
        raise GameHubError(f"{name} is not installed.")
    bad = []
    total = sum(e.size for e in installed.index)
    done = 0
    for entry in installed.index:
        path = installed.folder / entry.path
        ok = path.is_file() and not path.is_symlink() and path.stat().st_size == entry.size
        if not ok or hash_file(path) != entry.hash:
            bad.append(entry.path)
        done += entry.size
        if progress:
            progress(done, total)
    return bad


async def repair(
    client: HubClient, games_root: Path, name: str, *, progress: Progress | None = None
) -> list[str]:
    """Re-checks an installed game and fetches whatever is wrong; returns the repaired paths.

    Intact blocks, even inside a damaged file, are reused: a flipped byte in a 1 GiB file
    costs one block from the hub.
    """
    bad: list[str] = await asyncio.to_thread(verify, games_root, name, None)
    installed = read_installed(games_root, name)
    if not bad or installed is None:
        return []
    wanted = [e for e in installed.index if e.path in set(bad)]
    build = _Build(client, game_folder(games_root, name) / ".repair", installed.version, progress)
    await build.run(wanted, block_sources(installed.folder, installed.index))
    await asyncio.to_thread(_put_back, installed, wanted, build)
    return bad


def _put_back(installed: Installed, entries: list[FileEntry], build: _Build) -> None:
    for entry in entries:
        target = installed.folder / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(build.tree / entry.path, target)
    shutil.rmtree(build.root, ignore_errors=True)
