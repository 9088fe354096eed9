"""Sweeping a real hub's block store: the blocks of publishes that never finished go once
they are old enough (or at once, when a newer upload pushed theirs out); blocks of
recorded versions, removed games' included, and of publishes in progress stay."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.server.store import sweep as sweeping
from hub_core.server.store import uploads
from hub_core.server.store.catalog import VERSIONS
from hub_core.server.store.sweep import Swept, UnreadableVersion, blocks_of_versions
from hub_core.server.thread import HubThread
from tests.hub_core.conftest import running_hub
from tests.hub_core.gamefactory import make_game, random_bytes
from tests.hub_core.server.store.handcut import Game

HOUR = 3600.0


async def _sweep(hub: HubThread, age: float = HOUR) -> Swept:
    future = asyncio.run_coroutine_threadsafe(hub.hub.uploads.sweep(age), hub.loop)
    return await asyncio.wrap_future(future)


def _packs(hub: HubThread) -> set[Path]:
    return set((hub.hub.paths.hub / "blocks" / "packs").glob("*.pack"))


def _make_old(paths: set[Path]) -> None:
    then = time.time() - 2 * HOUR
    for path in paths:
        os.utime(path, (then, then))


async def _abandoned(dev: HubClient, game: Game, only: str = "") -> str:
    """A publish begun with its whole index and every block sent (or ``only`` that
    file's), never committed."""
    offer = await dev.publish_begin("1.0.0", game.manifest, game.index())
    await dev.upload_blocks(offer.transfer, game.blocks(only) if only else game.all_blocks())
    return offer.transfer


async def _idle(hub: HubThread, transfer: str) -> None:
    """Makes an upload look idle for two hours (the hub forgets it after one)."""

    async def backdate() -> None:
        hub.hub.uploads._uploads[transfer].touched -= 2 * HOUR

    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(backdate(), hub.loop))


async def _installs(player: HubClient, game: Game, tmp_path: Path) -> None:
    await install(player, game.name, tmp_path / "games")
    installed = read_installed(tmp_path / "games", game.name)
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == game.big


async def test_an_abandoned_publish_goes_once_idle_and_old_and_is_sent_again(
    hub: HubThread,
    dev: HubClient,
    player: HubClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    game = Game(tmp_path / "g")
    transfer = await _abandoned(dev, game)
    packs = _packs(hub)
    size = sum(p.stat().st_size for p in packs)
    assert len(packs) == 1
    assert await _sweep(hub) == Swept()  # young: its publish may resume
    _make_old(packs)
    assert await _sweep(hub) == Swept()  # old, but its upload is live: it may commit
    monkeypatch.setattr(uploads, "IDLE_SECONDS", 0.0)  # an hour without a word from it
    assert await _sweep(hub) == Swept(files=1, bytes=size)
    assert _packs(hub) == set()
    monkeypatch.undo()
    with pytest.raises(RequestRefused, match="unknown or has expired"):
        await dev.publish_commit(transfer)
    offer = await dev.publish_begin("1.0.0", game.manifest, game.index())
    assert set(offer.missing) == {d for d, _ in game.all_blocks()}  # every block again
    await dev.upload_blocks(offer.transfer, game.all_blocks())
    await dev.publish_commit(offer.transfer)
    await _installs(player, game, tmp_path)


async def test_an_upload_pushed_out_by_a_newer_one_goes_at_once(
    hub: HubThread, dev: HubClient, tmp_path: Path
) -> None:
    first = Game(tmp_path / "first", "first")
    offer = await dev.publish_begin("1.0.0", first.manifest, first.index())
    await dev.upload_blocks(offer.transfer, first.blocks("big.bin"))  # its own blocks only
    (pack,) = _packs(hub)
    for n in range(uploads.MAX_UPLOADS_PER_DEVELOPER):  # the fifth pushes the first out
        game = Game(tmp_path / f"g{n}", f"game{n}")
        await dev.publish_begin("1.0.0", game.manifest, game.index())
    assert (await _sweep(hub)).files == 1
    assert not pack.exists()


async def test_blocks_of_recorded_versions_stay_however_old(
    hub: HubThread, dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    kept = make_game(tmp_path / "kept", "kept", files={"big.bin": random_bytes(300_000)})
    gone = make_game(tmp_path / "gone", "gone", files={"big.bin": random_bytes(300_000)})
    await publish(dev, kept)
    await publish(dev, gone)
    await dev.unpublish("gone")  # hidden, not deleted: republishing restores it
    packs = _packs(hub)
    _make_old(packs)
    assert await _sweep(hub) == Swept()
    assert _packs(hub) == packs
    await install(player, "kept", tmp_path / "games")


async def test_a_block_an_abandoned_publish_left_and_a_version_uses_stays(
    hub: HubThread,
    dev: HubClient,
    player: HubClient,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    game = Game(tmp_path / "g")
    await _abandoned(dev, game)
    offer = await dev.publish_begin("1.0.0", game.manifest, game.index())
    assert offer.missing == []  # the first try's blocks count
    await dev.publish_commit(offer.transfer)
    _make_old(_packs(hub))
    monkeypatch.setattr(uploads, "IDLE_SECONDS", 0.0)
    assert await _sweep(hub) == Swept()
    monkeypatch.undo()
    await _installs(player, game, tmp_path)


async def test_a_version_recorded_while_the_sweep_reads_makes_it_give_up(
    hub: HubThread, dev: HubClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The versions are read on a thread: one recorded meanwhile may use what looks
    unused, so nothing goes this time."""
    dropped = Game(tmp_path / "dropped", "dropped")
    await _idle(hub, await _abandoned(dev, dropped, only="big.bin"))
    old = _packs(hub)
    finishing = await _abandoned(dev, Game(tmp_path / "g"))
    _make_old(_packs(hub))  # the finishing publish's pack too: only its version keeps it
    test_loop = asyncio.get_running_loop()
    read = sweeping.blocks_of_versions

    def commit_meanwhile(texts: Any) -> set[str]:
        used = read(texts)
        asyncio.run_coroutine_threadsafe(dev.publish_commit(finishing), test_loop).result(10)
        return used

    monkeypatch.setattr(sweeping, "blocks_of_versions", commit_meanwhile)
    assert await _sweep(hub) == Swept(skipped=True)
    assert old <= _packs(hub)
    monkeypatch.undo()
    assert (await _sweep(hub)).files == 1  # next time: the dropped one only
    assert not old & _packs(hub) and len(_packs(hub)) == 1


async def test_blocks_left_before_a_restart_resume_then_go_when_old(tmp_path: Path) -> None:
    """The first hub stops half-way through a publish; the next one on the same folder
    still has its blocks, and sweeps them only once they are old."""
    game, data_dir = Game(tmp_path / "g"), tmp_path / "data"
    for hub in running_hub(data_dir):
        client = await HubClient.connect(hub.hub.endpoints.endpoint("127.0.0.1"), timeout=5)  # type: ignore[union-attr]
        await client.register("developer", "dee", "secret")
        await client.login("developer", "dee", "secret")
        await _abandoned(client, game)
        await client.close()
    for hub in running_hub(data_dir):
        packs = _packs(hub)
        assert len(packs) == 1 and await _sweep(hub) == Swept()
        _make_old(packs)
        assert (await _sweep(hub)).files == 1


async def test_an_unreadable_version_record_stops_the_sweep(
    hub: HubThread, dev: HubClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    game = Game(tmp_path / "g")
    await _abandoned(dev, game)
    _make_old(_packs(hub))
    put = hub.hub.repo.put(VERSIONS, "odd@1.0.0", {"game": "odd", "index": "not a list"})
    await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(put, hub.loop))
    with pytest.raises(UnreadableVersion):
        await _sweep(hub, age=0.0)
    assert len(_packs(hub)) == 1
    # The hub's own sweeps log it and carry on.
    caplog.set_level(logging.ERROR)
    ran = asyncio.Event()

    async def failing() -> Swept:
        ran.set()
        raise UnreadableVersion("A version record does not read: test")

    task = asyncio.ensure_future(sweeping.sweep_forever(failing, lambda: True, every=0.01))
    await asyncio.wait_for(ran.wait(), 5)
    await asyncio.sleep(0.05)
    assert not task.done()
    task.cancel()
    assert "Sweeping the block store failed" in caplog.text


async def test_the_hub_does_not_sweep_while_it_is_handed_over() -> None:
    runs: list[bool] = []
    allowed = False

    async def run() -> Swept:
        runs.append(allowed)
        return Swept()

    task = asyncio.ensure_future(sweeping.sweep_forever(run, lambda: allowed, every=0.01))
    await asyncio.sleep(0.1)
    assert runs == []
    allowed = True
    await asyncio.sleep(0.1)
    task.cancel()
    assert runs and all(runs)


BAD_RECORDS = [
    ("not JSON", "{"),
    ("no index", '{"game": "x"}'),
    ("an index that is not a list", '{"index": 5}'),
    ("an entry of the wrong shape", '{"index": [["a.txt", "ten", "h"]]}'),
    ("deps that are not a list", '{"index": [], "deps": 5}'),
    ("a record that is a list", "[1, 2]"),
]


@pytest.mark.parametrize("text", [r[1] for r in BAD_RECORDS], ids=[r[0] for r in BAD_RECORDS])
def test_records_that_do_not_read_are_named(text: str) -> None:
    with pytest.raises(UnreadableVersion, match="A version record does not read"):
        blocks_of_versions([text])


def test_blocks_of_versions_cover_files_wheels_and_blockless_entries() -> None:
    record = (
        '{"index": [["a.bin", 3, "f1", ["b1", "b2"], [1, 2]], ["empty.txt", 0, "f2", []]],'
        ' "deps": [{"requirement": "x", "wheels": []}]}'
    )
    assert blocks_of_versions([record]) == {"b1", "b2", "f2"}


async def test_a_handoff_listing_files_waits_for_a_running_sweep() -> None:
    """The handoff lists the hub's files under the sweep's lock: a sweep that started
    before it finishes first, and none starts while the list is made."""
    lock, going, finish = asyncio.Lock(), asyncio.Event(), asyncio.Event()

    async def run() -> Swept:
        going.set()
        await finish.wait()
        return Swept()

    task = asyncio.ensure_future(sweeping.sweep_forever(run, lambda: True, 0.01, lock))
    await asyncio.wait_for(going.wait(), 5)
    listing = asyncio.ensure_future(lock.acquire())  # what the handoff does before listing
    await asyncio.sleep(0.05)
    assert not listing.done()  # the sweep still holds it
    finish.set()
    await asyncio.wait_for(listing, 5)
    going.clear()
    await asyncio.sleep(0.05)
    assert not going.is_set()  # no sweep while the handoff holds the lock
    lock.release()
    task.cancel()
