"""Installing games on the player's side: fetch what is missing, verify, then swap in.

    fetching   : blocks not found intact locally land in <game>/.download/blocks/
    verifying  : every block, then every assembled file, is checked against its hash
    swapping   : the new tree is renamed into place and install.json is replaced
                 atomically; that replace is the moment the new version exists

Until the swap, the installed version is untouched, so a failed or cancelled install
changes nothing a player can see; running it again resumes with the blocks already
fetched. An update reuses every intact block of the installed version and fetches only
the rest, so changing 1 MiB inside a 100 MB file costs about 1 MiB.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub_core.client import HubClient
from hub_core.errors import GameHubError
from hub_core.keys import write_private_file
from hub_core.packages import (
    BLOCK_BYTES,
    FileEntry,
    Limits,
    Manifest,
    PackageError,
    check_index,
    hash_file,
    parse_manifest,
)
from hub_core.packages.index import index_from_wire, index_to_wire
from hub_core.publishing import BLOCK_TIMEOUT, BlockSource, Progress, block_sources, run_window
from hub_core.uploads import check_blocks

INSTALL_FILE = "install.json"


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
) -> InstallResult:
    """Installs or updates ``name`` to the hub's latest version."""
    offer = await client.request("install_begin", {"name": name})
    manifest, index = _check_offer(offer, limits or Limits())
    current = read_installed(games_root, name)
    previous = current.version if current else None
    total = sum(e.size for e in index)
    if current is not None and current.version == offer["version"]:
        return InstallResult(name, offer["version"], previous, 0, total)
    folder = game_folder(games_root, name)
    download = _Download(client, folder / ".download", offer["version"], progress)
    local = block_sources(current.folder, current.index) if current else {}
    fetched = await download.gather(index, local)
    await _run(_swap_in, folder, offer["version"], manifest, index, download)
    return InstallResult(name, offer["version"], previous, fetched, total)


def _check_offer(offer: dict[str, Any], limits: Limits) -> tuple[Manifest, list[FileEntry]]:
    """The hub is trusted no more than a stranger: its index gets the same checks."""
    try:
        index = index_from_wire(offer["index"])
        check_index(index, limits)
        check_blocks(index)
        manifest = parse_manifest(offer["manifest"], files={e.path for e in index})
    except PackageError as exc:
        raise GameHubError(f"The hub offered a package that fails the checks: {exc}") from None
    return manifest, index


class _Download:
    """The blocks of one version: reused from local files when intact, else fetched."""

    def __init__(
        self, client: HubClient, root: Path, version: str, progress: Progress | None
    ) -> None:
        self.client = client
        self.root = root
        self.blocks = root / "blocks"
        self.version = version
        self.progress = progress
        self.local: dict[str, BlockSource] = {}

    async def gather(self, index: list[FileEntry], local: dict[str, BlockSource]) -> int:
        """Makes every block of ``index`` available; returns the bytes fetched from the hub."""
        await _run(self._prepare)
        sizes = {b: _block_size(e, n) for e in index for n, b in enumerate(e.blocks)}
        todo = await _run(self._sort_out, sizes, local)
        total = sum(sizes[b] for b in todo)
        done = [0]

        async def fetch(digest: str) -> None:
            reply = await self.client.request(
                "fetch_block", {"hash": digest}, timeout=BLOCK_TIMEOUT
            )
            await _run(self._keep, digest, reply["data"])
            done[0] += len(reply["data"])
            if self.progress is not None:
                self.progress(done[0], total)

        if self.progress is not None:
            self.progress(0, total)
        await run_window(todo, fetch)
        return total

    def _prepare(self) -> None:
        marker = self.root / "version"
        if marker.exists() and marker.read_text(encoding="utf-8") != self.version:
            shutil.rmtree(self.root)  # a download of another version: start afresh
        self.blocks.mkdir(parents=True, exist_ok=True)
        marker.write_text(self.version, encoding="utf-8")

    def _sort_out(self, sizes: dict[str, int], local: dict[str, BlockSource]) -> list[str]:
        """Blocks already downloaded or intact in local files need no fetching."""
        todo = []
        for digest in sorted(sizes):
            if (self.blocks / digest).exists():
                continue
            source = local.get(digest)
            if source is not None and _intact(source, digest):
                self.local[digest] = source
            else:
                todo.append(digest)
        return todo

    def _keep(self, digest: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != digest:
            raise GameHubError(
                f"The hub sent a block that does not match its hash ({digest[:12]}…)."
            )
        temp = self.blocks / f"{digest}.tmp"
        temp.write_bytes(data)
        os.replace(temp, self.blocks / digest)

    def read(self, digest: str) -> bytes:
        source = self.local.get(digest)
        return source.read() if source is not None else (self.blocks / digest).read_bytes()

    def write_file(self, entry: FileEntry, path: Path) -> None:
        """Writes one file from its blocks and checks the whole file's hash."""
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with path.open("wb") as f:
            for block in entry.blocks:
                data = self.read(block)
                digest.update(data)
                f.write(data)
        if digest.hexdigest() != entry.hash:
            raise GameHubError(
                f"{entry.path} did not match its hash after download; run the install again."
            )


def _block_size(entry: FileEntry, number: int) -> int:
    return min(BLOCK_BYTES, entry.size - number * BLOCK_BYTES)


def _intact(source: BlockSource, digest: str) -> bool:
    try:
        return hashlib.sha256(source.read()).hexdigest() == digest
    except (OSError, GameHubError):
        return False


def _swap_in(
    folder: Path, version: str, manifest: Manifest, index: list[FileEntry], download: _Download
) -> None:
    """Builds the version's tree from verified blocks and makes it the installed one."""
    tree = download.root / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    for entry in index:
        download.write_file(entry, tree / entry.path)
    final = folder / f"v{version}"
    if final.exists():
        final.rename(folder / f".old-v{version}")
    tree.rename(final)
    record = {
        "name": manifest.name,
        "version": version,
        "manifest": manifest.to_dict(),
        "index": index_to_wire(index),
    }
    write_private_file(folder / INSTALL_FILE, json.dumps(record, ensure_ascii=False))
    _remove_all(p for p in folder.iterdir() if p.name != INSTALL_FILE and p != final)


def _remove_all(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


async def _run(func: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


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
    bad: list[str] = await _run(verify, games_root, name, None)
    installed = read_installed(games_root, name)
    if not bad or installed is None:
        return []
    wanted = [e for e in installed.index if e.path in set(bad)]
    download = _Download(
        client, game_folder(games_root, name) / ".download", installed.version, progress
    )
    await download.gather(wanted, block_sources(installed.folder, installed.index))
    await _run(_put_back, installed, wanted, download)
    return bad


def _put_back(installed: Installed, entries: list[FileEntry], download: _Download) -> None:
    temps = []
    for entry in entries:
        temp = installed.folder / f"{entry.path}.repair"
        download.write_file(entry, temp)
        temps.append((temp, installed.folder / entry.path))
    for temp, path in temps:
        os.replace(temp, path)
    shutil.rmtree(download.root, ignore_errors=True)
