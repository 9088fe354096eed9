"""Removing the blocks of publishes that never finished.

A publish stores its blocks as they arrive, before its version exists, so that a publish
cut off half-way resumes where it stopped. One that is never resumed used to leave its
blocks on the hub for good, and anyone may register as a developer: a stranger could
fill the hub's disk by starting publishes and dropping them. A sweep removes the files
(packs, and loose blocks from older hubs) none of whose blocks a recorded version or a
publish in progress uses, once they are older than an upload may stay idle (so a
publish resumed within that time still finds its blocks, across a hub restart too), or
at once for an upload the developer's fifth one pushed out.

Deciding is safe against publishes running meanwhile: the files are forgotten by the
block store under its lock, against the blocks every live upload has announced and any
block a publish found stored in the last hour (``BlockStore.missing``); a version
recorded while the versions were being read makes the sweep give up until next time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from hub_core.errors import GameHubError
from hub_core.packages import PackageError
from hub_core.server.store.blocks import BlockStore
from hub_core.server.store.catalog import VERSIONS, Catalog, version_files

log = logging.getLogger(__name__)

# How often the hub sweeps: often enough that dropped publishes cannot pile up for long,
# rarely enough that reading every version record costs nothing worth noticing.
SWEEP_INTERVAL = 600.0


@dataclass(frozen=True)
class Swept:
    """What one sweep removed; ``skipped`` if a version was recorded while it looked."""

    files: int = 0
    bytes: int = 0
    skipped: bool = False


async def sweep(
    blocks: BlockStore,
    catalog: Catalog,
    live: Callable[[], set[str]],
    age: float,
    pushed_out: Iterable[Path] = (),
) -> Swept:
    """Removes what no version and no live upload (``live()``: their blocks) uses, among
    files older than ``age`` seconds and the packs in ``pushed_out``. Runs on the loop;
    the reading and deleting happen on threads."""
    changes = catalog.repo.changes(VERSIONS)
    texts = catalog.repo.texts(VERSIONS)
    used = await asyncio.to_thread(blocks_of_versions, texts)
    candidates = await asyncio.to_thread(blocks.files_older_than, age, list(pushed_out))
    if catalog.repo.changes(VERSIONS) != changes:
        return Swept(skipped=True)  # a version that may use them came meanwhile
    used |= live()
    gone = blocks.forget(candidates, used.__contains__, grace=age)
    if not gone:
        return Swept()
    await asyncio.to_thread(blocks.delete, gone)
    swept = Swept(files=len(gone), bytes=sum(h.size for h in gone))
    log.info(
        "Removed %d block file(s), %.1f MB, left by publishes that never finished",
        swept.files,
        swept.bytes / 1e6,
    )
    return swept


async def sweep_forever(
    run: Callable[[], Awaitable[Swept]],
    may_run: Callable[[], bool],
    every: float = SWEEP_INTERVAL,
    lock: asyncio.Lock | None = None,
) -> None:
    """Forever: ``run`` every ``every`` seconds while ``may_run()``, holding ``lock``. A
    handoff takes the lock to list the hub's files, so none vanishes between its list and
    its copy, and ``may_run`` is false from then on. A failed sweep is logged."""
    lock = lock or asyncio.Lock()
    while True:
        await asyncio.sleep(every)
        async with lock:
            if not may_run():
                continue
            try:
                await run()
            except Exception:  # the hub serves on; the next sweep tries again
                log.exception("Sweeping the block store failed")


def blocks_of_versions(texts: Iterable[str]) -> set[str]:
    """Every block the recorded versions use: their files' and their wheels'. A record
    that does not read (never written by this hub) keeps nothing back: its blocks are
    unknown, so the sweep gives up rather than guess."""
    used: set[str] = set()
    for text in texts:
        try:
            entries = version_files(json.loads(text))
        except (ValueError, KeyError, TypeError, PackageError) as exc:
            raise UnreadableVersion(f"A version record does not read: {exc}") from None
        for entry in entries:
            used.update(entry.blocks or (entry.hash,))
    return used


class UnreadableVersion(GameHubError):
    """A version record the sweep cannot read: it must not remove anything."""
