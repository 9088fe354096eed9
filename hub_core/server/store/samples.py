"""The sample games a new hub offers, published under a built-in developer account.

A fresh install then has games to play at once. The built-in account cannot log in
(its password hash matches nothing), so nobody can change or remove the samples
through it; their own developer tools are the repository's sample_games/ folder.

The samples are published as ``gamehub-<folder>`` (``gamehub-rps``...), never under
the bare names in their manifests: ``rps``, ``tetris`` and ``dots`` are what developers
call their own games (the README's example manifest is ``rps``), and a sample holding
the name would refuse their publish. Hubs created before this held the samples under
the bare names; ``rename_old_samples`` moves them aside when such a hub starts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from hub_core.packages import FileEntry, Limits, Manifest, Version, load_package
from hub_core.server.accounts import TABLES
from hub_core.server.sessions import Session
from hub_core.server.store.blocks import BlockStore
from hub_core.server.store.catalog import GAMES, VERSIONS, Catalog, version_key

log = logging.getLogger(__name__)

BUILTIN_DEVELOPER = "GameHub"
BUILTIN_KEY = "gamehub"
SAMPLE_PREFIX = "gamehub-"


def sample_name(name: str) -> str:
    """The store name of the sample whose manifest says ``name`` (``rps`` -> ``gamehub-rps``)."""
    return name if name.startswith(SAMPLE_PREFIX) else SAMPLE_PREFIX + name


def samples_folder() -> Path | None:
    """The sample games: ``hub_core/sample_games`` or ``sample_games/``; None if neither.

    The repository keeps ``sample_games/`` at its top (DESIGN §1), which is where a
    checkout or an editable install finds it; a wheel (pyproject.toml's package-dir) and
    the PyInstaller bundle (packaging/gamehub.spec) put it inside this package instead.
    """
    package = Path(__file__).resolve().parents[2]  # hub_core/
    candidates = (package / "sample_games", package.parent / "sample_games")
    return next((c for c in candidates if c.is_dir()), None)


async def publish_samples(
    catalog: Catalog, blocks: BlockStore, folder: Path | None = None
) -> list[str]:
    """Publishes every sample game, on a hub whose store is still empty; returns their names."""
    folder = folder or samples_folder()
    if folder is None or catalog.repo.count(GAMES) > 0:
        return []
    developer = await _builtin_developer(catalog)
    published = []
    for game in sorted(p for p in folder.iterdir() if (p / "manifest.json").is_file()):
        manifest, index = await asyncio.to_thread(_store_package, game, blocks)
        manifest = dataclasses.replace(manifest, name=sample_name(manifest.name))
        await catalog.add_version(developer, manifest, Version.parse("1.0.0"), index)
        published.append(manifest.name)
    log.info("Published the sample games: %s", ", ".join(published))
    return published


def _store_package(folder: Path, blocks: BlockStore) -> tuple[Manifest, list[FileEntry]]:
    # SHA-256 (load_package's default), not BLAKE3: apps from before BLAKE3 get the
    # samples from a new hub too.
    manifest, index = load_package(folder, Limits())
    for entry in index:  # one pack per file: the samples are small
        with (folder / entry.path).open("rb") as f:
            blocks.put_many([(digest, f.read(length)) for digest, _, length in entry.spans()])
    blocks.sync([d for e in index for d in e.blocks])
    return manifest, index


async def _builtin_developer(catalog: Catalog) -> Session:
    table = TABLES["developer"]
    if not catalog.repo.contains(table, BUILTIN_KEY):
        # "!" is not a hash verify_password accepts: no one can log in as this account.
        record = {
            "name": BUILTIN_DEVELOPER,
            "password": "!",
            "created": time.time(),
            "builtin": True,
        }
        await catalog.repo.put(table, BUILTIN_KEY, record)
    return Session(
        token="",
        session_id="",
        role="developer",
        user=BUILTIN_DEVELOPER,
        key=BUILTIN_KEY,
        created=0.0,
    )


async def rename_old_samples(catalog: Catalog, unpacked_root: Path) -> list[str]:
    """Moves samples a hub published under bare names (``rps``) to ``gamehub-rps``; returns them.

    Runs when a hub starts, before any room exists. The hub's unpacked copy of the old
    name goes too: a developer's ``rps`` 1.0.0 must never run the sample's files.
    """
    moved = []
    for name, game in sorted(catalog.repo.all(GAMES).items()):
        new = sample_name(name)
        if game.get("author") != BUILTIN_KEY or new == name:
            continue
        if catalog.repo.contains(GAMES, new):
            log.warning("Sample %r keeps its old name: %r is taken", name, new)
            continue
        await _rename_game(catalog, game, new)
        await asyncio.to_thread(shutil.rmtree, unpacked_root / name, True)
        moved.append(name)
    if moved:
        await _rename_played(catalog, {old: sample_name(old) for old in moved})
        log.info("Renamed the sample games %s so developers can use those names", moved)
    return moved


def _renamed_manifest(manifest: dict[str, Any], new: str) -> dict[str, Any]:
    return manifest | {"name": new}


async def _rename_game(catalog: Catalog, game: dict[str, Any], new: str) -> None:
    """Writes the game and its versions under ``new``, then deletes the old records."""
    old = game["name"]
    for entry in game["versions"]:
        record = catalog.repo.get(VERSIONS, version_key(old, entry["version"]))
        if record is not None:
            record.update(game=new, manifest=_renamed_manifest(record["manifest"], new))
            await catalog.repo.put(VERSIONS, version_key(new, entry["version"]), record)
        entry["manifest"] = _renamed_manifest(entry["manifest"], new)
    game["name"] = new
    await catalog.repo.put(GAMES, new, game)
    await catalog.repo.delete(GAMES, old)
    for entry in game["versions"]:
        await catalog.repo.delete(VERSIONS, version_key(old, entry["version"]))


async def _rename_played(catalog: Catalog, renamed: dict[str, str]) -> None:
    """Players' match counts follow the samples: they are what lets a player review one."""
    table = TABLES["player"]
    for key, record in catalog.repo.all(table).items():
        played = record.get("played", {})
        if any(old in played for old in renamed):
            record["played"] = {renamed.get(g, g): n for g, n in played.items()}
            await catalog.repo.put(table, key, record)
