"""Installing games on the player's side: fetch what is missing, verify, then swap in.

    fetching   : contents land in <game>/.download/, resumable byte by byte
    verifying  : every file's hash is checked before it counts as fetched
    swapping   : the new tree is renamed into place and install.json is replaced
                 atomically; that replace is the moment the new version exists

Until the swap, the installed version is untouched, so a failed or cancelled install
changes nothing a player can see; running it again resumes the download. An update
copies unchanged files from the installed version and fetches only the rest.
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
from hub_core.packages import FileEntry, Limits, Manifest, PackageError, check_index, parse_manifest
from hub_core.packages.index import index_from_wire, index_to_wire
from hub_core.publishing import WINDOW, Progress, cancel_all
from hub_core.uploads import CHUNK_BYTES

INSTALL_FILE = "install.json"
PARALLEL_FILES = 4
CHUNK_TIMEOUT = 30.0


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
            name=data["name"], version=data["version"], manifest=data["manifest"],
            index=index_from_wire(data["index"]), folder=folder / f"v{data['version']}",
        )
    except (OSError, ValueError, KeyError, TypeError, PackageError):
        return None


def installed_games(games_root: Path) -> list[Installed]:
    if not games_root.is_dir():
        return []
    found = (read_installed(games_root, p.name) for p in sorted(games_root.iterdir()) if p.is_dir())
    return [g for g in found if g is not None]


async def install(
    client: HubClient, name: str, games_root: Path, *, limits: Limits | None = None,
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
    fetched = await download.gather(index, current)
    await asyncio.get_running_loop().run_in_executor(
        None, _swap_in, folder, offer["version"], manifest, index, download.blobs
    )
    return InstallResult(name, offer["version"], previous, fetched, total)


def _check_offer(offer: dict[str, Any], limits: Limits) -> tuple[Manifest, list[FileEntry]]:
    """The hub is trusted no more than a stranger: its index gets the same checks."""
    try:
        index = index_from_wire(offer["index"])
        check_index(index, limits)
        manifest = parse_manifest(offer["manifest"], files={e.path for e in index})
    except PackageError as exc:
        raise GameHubError(f"The hub offered a package that fails the checks: {exc}") from None
    return manifest, index


class _Download:
    """The contents of one version, fetched into ``root`` (resumable)."""

    def __init__(self, client: HubClient, root: Path, version: str, progress: Progress | None) -> None:
        self.client = client
        self.root = root
        self.blobs = root / "blobs"
        self.version = version
        self.progress = progress
        self._done = 0
        self._total = 0
        self._fetched = 0  # bytes that actually travelled (not resumed or reused)

    async def gather(self, index: list[FileEntry], current: Installed | None) -> int:
        """Makes every content of ``index`` present in ``blobs``; returns the bytes fetched."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._prepare)
        local = {e.hash: current.folder / e.path for e in current.index} if current else {}
        sizes = {e.hash: e.size for e in index}
        todo = await loop.run_in_executor(None, self._reuse, sizes, local)
        self._total = sum(sizes[d] for d in todo)
        self._report(0)
        gate = asyncio.Semaphore(PARALLEL_FILES)

        async def one(digest: str) -> None:
            async with gate:
                await self._fetch(digest, sizes[digest])

        await asyncio.gather(*(one(d) for d in todo))
        return self._fetched

    def _prepare(self) -> None:
        marker = self.root / "version"
        if marker.exists() and marker.read_text(encoding="utf-8") != self.version:
            shutil.rmtree(self.root)  # a download of another version: start afresh
        self.blobs.mkdir(parents=True, exist_ok=True)
        marker.write_text(self.version, encoding="utf-8")

    def _reuse(self, sizes: dict[str, int], local: dict[str, Path]) -> list[str]:
        """Contents already here (downloaded, or unchanged in the installed version)."""
        todo = []
        for digest, size in sorted(sizes.items()):
            target = self.blobs / digest
            if target.exists():
                continue
            if size == 0:
                target.touch()
            elif digest in local and _copy_verified(local[digest], target, digest):
                continue
            else:
                todo.append(digest)
        return todo

    async def _fetch(self, digest: str, size: int) -> None:
        loop = asyncio.get_running_loop()
        part = self.blobs / f"{digest}.part"
        have = part.stat().st_size if part.exists() else 0
        if have > size:
            part.unlink()
            have = 0
        self._report(have)
        in_flight: list[asyncio.Future[Any]] = []
        try:
            with part.open("ab") as f:
                offsets = iter(range(have, size, CHUNK_BYTES))
                for offset in offsets:
                    in_flight.append(self._request(digest, offset, min(CHUNK_BYTES, size - offset)))
                    if len(in_flight) >= WINDOW:
                        await self._write(f, in_flight.pop(0))
                while in_flight:
                    await self._write(f, in_flight.pop(0))
        finally:
            await cancel_all(in_flight)
        await loop.run_in_executor(None, _finish_part, part, self.blobs / digest, digest)

    def _request(self, digest: str, offset: int, length: int) -> asyncio.Future[Any]:
        args = {"hash": digest, "offset": offset, "length": length}
        return asyncio.ensure_future(self.client.request("fetch_chunk", args, timeout=CHUNK_TIMEOUT))

    async def _write(self, f: Any, pending: asyncio.Future[Any]) -> None:
        data = (await pending)["data"]
        await asyncio.get_running_loop().run_in_executor(None, f.write, data)
        self._fetched += len(data)
        self._report(len(data))

    def _report(self, count: int) -> None:
        self._done += count
        if self.progress is not None:
            self.progress(self._done, self._total)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_verified(source: Path, target: Path, digest: str) -> bool:
    """Copies an unchanged file from the installed version, if it is still intact."""
    temp = target.with_name(target.name + ".copy")
    try:
        shutil.copyfile(source, temp)
    except OSError:
        return False
    if _sha256(temp) != digest:
        temp.unlink()
        return False
    os.replace(temp, target)
    return True


def _finish_part(part: Path, target: Path, digest: str) -> None:
    if _sha256(part) != digest:
        part.unlink()
        raise GameHubError(f"A downloaded file did not match its hash ({digest[:12]}…); run the install again.")
    os.replace(part, target)


def _swap_in(folder: Path, version: str, manifest: Manifest, index: list[FileEntry], blobs: Path) -> None:
    """Builds the version's tree from the verified contents and makes it the installed one."""
    tree = folder / ".download" / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    for entry in index:
        path = tree / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        _place(blobs / entry.hash, path)
    final = folder / f"v{version}"
    if final.exists():
        final.rename(folder / f".old-v{version}")
    tree.rename(final)
    record = {"name": manifest.name, "version": version, "manifest": manifest.to_dict(),
              "index": index_to_wire(index)}
    write_private_file(folder / INSTALL_FILE, json.dumps(record, ensure_ascii=False))
    _remove_all(p for p in folder.iterdir() if p.name != INSTALL_FILE and p != final)


def _place(blob: Path, path: Path) -> None:
    try:
        os.link(blob, path)
    except OSError:  # file systems without hard links
        shutil.copyfile(blob, path)


def _remove_all(paths: Iterable[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def verify(games_root: Path, name: str, progress: Callable[[int, int], None] | None = None) -> list[str]:
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
        if not ok or _sha256(path) != entry.hash:
            bad.append(entry.path)
        done += entry.size
        if progress:
            progress(done, total)
    return bad


async def repair(client: HubClient, games_root: Path, name: str, *, progress: Progress | None = None) -> list[str]:
    """Re-checks an installed game and fetches whatever is wrong; returns the repaired paths."""
    loop = asyncio.get_running_loop()
    bad = await loop.run_in_executor(None, verify, games_root, name, None)
    installed = read_installed(games_root, name)
    if not bad or installed is None:
        return []
    wanted = [e for e in installed.index if e.path in set(bad)]
    download = _Download(client, game_folder(games_root, name) / ".download", installed.version, progress)
    await download.gather(wanted, None)
    await loop.run_in_executor(None, _put_back, installed, wanted, download.blobs)
    return bad


def _put_back(installed: Installed, entries: list[FileEntry], blobs: Path) -> None:
    for entry in entries:
        path = installed.folder / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(path.name + ".repair")
        shutil.copyfile(blobs / entry.hash, temp)
        os.replace(temp, path)
    shutil.rmtree(blobs.parent, ignore_errors=True)
