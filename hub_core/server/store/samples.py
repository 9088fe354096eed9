"""The sample games a new hub offers, published under a built-in developer account.

A fresh install then has games to play at once. The built-in account cannot log in
(its password hash matches nothing), so nobody can change or remove the samples
through it; their own developer tools are the repository's sample_games/ folder.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from hub_core.packages import BLOCK_BYTES, FileEntry, Limits, Manifest, Version, load_package
from hub_core.server.accounts import TABLES
from hub_core.server.sessions import Session
from hub_core.server.store.blocks import BlockStore
from hub_core.server.store.catalog import GAMES, Catalog

log = logging.getLogger(__name__)

BUILTIN_DEVELOPER = "GameHub"
BUILTIN_KEY = "gamehub"


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
        await catalog.add_version(developer, manifest, Version.parse("1.0.0"), index)
        published.append(manifest.name)
    log.info("Published the sample games: %s", ", ".join(published))
    return published


def _store_package(folder: Path, blocks: BlockStore) -> tuple[Manifest, list[FileEntry]]:
    manifest, index = load_package(folder, Limits())
    for entry in index:
        with (folder / entry.path).open("rb") as f:
            for digest in entry.blocks:
                blocks.put_many([(digest, f.read(BLOCK_BYTES))])
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
