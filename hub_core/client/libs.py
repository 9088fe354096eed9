"""A game's libraries on the player's machine: the fitting wheels, fetched and installed.

    picking    : the wheels that fit this interpreter (packaging.tags); none for a
                 requirement → the install stops before anything is fetched, naming it
    fetching   : their blocks not found in the kept wheels (<game>/wheels/) come from the
                 hub, each checked against its hash, into <game>/.download-wheels/
    installing : ``installer`` puts them into <game>/libs/<key>/, a temp folder renamed
                 when complete; <key> names the set of wheels, so an update whose wheels
                 did not change reuses the folder as it is

The game's files and its libraries are swapped in together by the install record
(install.json names the libs folder), so a failed install changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from hub_core.client._build import Build  # the same fetch-and-verify as game files
from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import BlockSource, Progress
from hub_core.errors import GameHubError
from hub_core.packages import FileEntry, Limits, PackageError
from hub_core.packages.index import file_matches
from hub_core.packages.wheelfiles import LIBS_MARKER, install_wheels, libs_problems
from hub_core.packages.wheels import Dep, pick

LIBS = "libs"
WHEELS = "wheels"
DOWNLOAD = ".download-wheels"


def libs_key(wheels: Sequence[FileEntry]) -> str:
    """A name for a set of wheels: the same wheels, the same folder."""
    digest = hashlib.sha256("\n".join(sorted(w.hash for w in wheels)).encode())
    return digest.hexdigest()[:16]


def choose(deps: Sequence[Dep]) -> list[FileEntry]:
    """The wheels to install here; GameHubError naming what has no build for this machine."""
    try:
        return pick(deps)
    except PackageError as exc:
        raise GameHubError(str(exc)) from None


async def prepare_libs(
    client: HubClient,
    folder: Path,
    version: str,
    wheels: list[FileEntry],
    limits: Limits,
    progress: Progress | None = None,
) -> str | None:
    """Makes <folder>/libs/<key> hold ``wheels`` installed; returns <key> (None: no wheels)."""
    if not wheels:
        return None
    key = libs_key(wheels)
    target = folder / LIBS / key
    if (target / LIBS_MARKER).is_file():
        return key
    build = Build(client, folder / DOWNLOAD, version, progress)
    await build.run(wheels, kept_sources(folder, wheels))
    paths = [build.tree / w.path for w in wheels]
    try:
        await asyncio.to_thread(install_wheels, paths, target, limits)
    except PackageError as exc:
        raise GameHubError(f"The game's libraries could not be installed: {exc}") from None
    await asyncio.to_thread(_keep_wheels, folder, paths)
    shutil.rmtree(build.root, ignore_errors=True)
    return key


def kept_sources(folder: Path, wheels: Sequence[FileEntry]) -> dict[str, BlockSource]:
    """Blocks of the wheels kept from earlier installs: only what changed is fetched."""
    sources: dict[str, BlockSource] = {}
    for kept in sorted((folder / WHEELS).glob("*.whl")) if (folder / WHEELS).is_dir() else []:
        for wheel in wheels:
            if wheel.path == kept.name and kept.stat().st_size == wheel.size:
                for digest, offset, length in wheel.spans():
                    sources.setdefault(digest, BlockSource(kept, offset, length))
    return sources


def _keep_wheels(folder: Path, paths: Sequence[Path]) -> None:
    (folder / WHEELS).mkdir(exist_ok=True)
    for path in paths:
        os.replace(path, folder / WHEELS / path.name)


def prune(folder: Path, key: str | None, wheels: Sequence[FileEntry]) -> None:
    """After the swap: only the current libs folder and its wheels stay."""
    names = {w.path for w in wheels}
    for sub, keep in ((LIBS, {key} if key else set()), (WHEELS, names)):
        if (folder / sub).is_dir():
            for path in (folder / sub).iterdir():
                if path.name in keep:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
    shutil.rmtree(folder / DOWNLOAD, ignore_errors=True)


def verify_libs(folder: Path, key: str | None, wheels: Sequence[FileEntry]) -> list[str]:
    """What is wrong with an installed game's libraries (empty: all good)."""
    if key is None:
        return []
    bad = [f"{LIBS}/{key}/{p}" for p in libs_problems(folder / LIBS / key)]
    for wheel in wheels:
        path = folder / WHEELS / wheel.path
        if not path.is_file() or not file_matches(path, wheel):
            bad.append(f"{WHEELS}/{wheel.path}")
    return bad


async def repair_libs(
    client: HubClient,
    folder: Path,
    version: str,
    key: str | None,
    wheels: list[FileEntry],
    limits: Limits,
) -> list[str]:
    """Re-checks the libraries; a damaged set is installed again (intact wheel blocks kept)."""
    bad = await asyncio.to_thread(verify_libs, folder, key, wheels)
    if bad and key is not None:
        shutil.rmtree(folder / LIBS / key, ignore_errors=True)
        await prepare_libs(client, folder, version, wheels, limits)
    return bad
