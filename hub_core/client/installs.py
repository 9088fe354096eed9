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
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub_core.client._build import Build
from hub_core.client._found import found_again
from hub_core.client.hub_client import HubClient
from hub_core.client.libs import LIBS, WHEELS, choose, prepare_libs, prune, repair_libs, verify_libs
from hub_core.client.publishing import (
    Progress,
    block_sources,
)
from hub_core.errors import GameHubError
from hub_core.packages import (
    FileEntry,
    Limits,
    Manifest,
    PackageError,
    check_blocks,
    check_index,
    parse_manifest,
)
from hub_core.packages.index import file_matches, index_from_wire, index_to_wire
from hub_core.packages.wheels import check_deps, deps_from_wire
from hub_core.util.fsync import write_atomic
from hub_core.wire.schema import InstallOffer

INSTALL_FILE = "install.json"


@dataclass(frozen=True)
class Installed:
    """A game as installed: which version, and where its files are."""

    name: str
    version: str
    manifest: dict[str, Any]
    index: list[FileEntry]
    folder: Path  # the game's files (the package root)
    libs_key: str | None = None  # names <game>/libs/<key>, its installed libraries
    wheels: tuple[FileEntry, ...] = ()  # the wheels installed there

    @property
    def libs(self) -> Path | None:
        """The folder to put on the game's import path, or None if it needs no libraries."""
        return self.folder.parent / LIBS / self.libs_key if self.libs_key else None


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
            libs_key=data.get("libs"),
            wheels=tuple(index_from_wire(data.get("wheels", []))),
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
    limits = limits or Limits()
    offer = await client.install_begin(name, version or None)
    manifest, index, wheels = _check_offer(offer, limits)
    current = read_installed(games_root, name)
    previous = current.version if current else None
    total = sum(e.size for e in index) + sum(w.size for w in wheels)
    if current is not None and _same(current, offer.version, index, wheels):
        return InstallResult(name, offer.version, previous, 0, total)
    folder = game_folder(games_root, name)
    build = Build(client, folder / ".download", offer.version, progress)
    local = block_sources(current.folder, current.index) if current else {}
    if current is not None:
        local |= await asyncio.to_thread(found_again, current.folder, index, local)
    try:
        fetched = await build.run(index, local)
        key = await prepare_libs(client, folder, offer.version, wheels, limits, progress)
        libs = (key, wheels)
        await asyncio.to_thread(_swap_in, folder, offer.version, manifest, index, build, libs)
    except OSError as exc:
        raise GameHubError(_disk_sentence(exc, name, games_root)) from None
    return InstallResult(name, offer.version, previous, fetched, total)


def _same(
    current: Installed, version: str, index: list[FileEntry], wheels: list[FileEntry]
) -> bool:
    """Installed already, libraries included (a record from before libraries has none)."""
    libs_ok = current.libs is None or current.libs.is_dir()
    same_libs = list(current.wheels) == wheels and libs_ok
    return current.version == version and current.index == index and same_libs


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


def _check_offer(
    offer: InstallOffer, limits: Limits
) -> tuple[Manifest, list[FileEntry], list[FileEntry]]:
    """The hub is trusted no more than a stranger: its index gets the same checks.

    Returns the manifest, the files and the wheels that fit this machine: a game whose
    libraries have no build for it stops here, before anything is fetched.
    """
    try:
        index = index_from_wire(offer.index)
        check_index(index, limits)
        check_blocks(index)
        manifest = parse_manifest(offer.manifest, files={e.path for e in index})
        deps = deps_from_wire(offer.deps)
        check_deps(deps, limits, manifest.requires)
    except PackageError as exc:
        raise GameHubError(f"The hub offered a package that fails the checks: {exc}") from None
    return manifest, index, choose(deps)


def _swap_in(
    folder: Path,
    version: str,
    manifest: Manifest,
    index: list[FileEntry],
    build: Build,
    libs: tuple[str | None, list[FileEntry]] = (None, []),
) -> None:
    """Makes the built, verified tree (and its installed libraries) the installed version."""
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
    if libs[0] is not None:
        record |= {"libs": libs[0], "wheels": index_to_wire(libs[1])}
    text = json.dumps(record, ensure_ascii=False)
    write_atomic(folder / INSTALL_FILE, text.encode(), private=True)
    kept = {INSTALL_FILE, final.name, LIBS, WHEELS}
    _remove_all(p for p in folder.iterdir() if p.name not in kept)
    prune(folder, *libs)


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
        if not ok or not file_matches(path, entry):
            bad.append(entry.path)
        done += entry.size
        if progress:
            progress(done, total)
    return bad + verify_libs(folder_of(installed), installed.libs_key, installed.wheels)


def folder_of(installed: Installed) -> Path:
    return installed.folder.parent


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
    if installed.libs_key is not None:
        wheels = list(installed.wheels)
        folder = folder_of(installed)
        await repair_libs(client, folder, installed.version, installed.libs_key, wheels, Limits())
    wanted = [e for e in installed.index if e.path in set(bad)]
    build = Build(client, game_folder(games_root, name) / ".repair", installed.version, progress)
    await build.run(wanted, block_sources(installed.folder, installed.index))
    await asyncio.to_thread(_put_back, installed, wanted, build)
    return bad


def _put_back(installed: Installed, entries: list[FileEntry], build: Build) -> None:
    for entry in entries:
        target = installed.folder / entry.path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(build.tree / entry.path, target)
    shutil.rmtree(build.root, ignore_errors=True)
