"""The receiving side's own checks: unsafe paths from a hostile hub, damaged files, a disk
that refuses to save what arrived."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import time
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.errors import HubUnreachable
from hub_core.server.handoff import files
from hub_core.server.handoff import receiver as receiver_module
from hub_core.server.handoff.receiver import (
    HandoffFailed,
    Receiver,
    _store,
    _verify_all,
    confirm_serving,
    plan_batches,
)
from hub_core.server.store.blocks import BlockStore
from hub_core.server.thread import HubThread
from hub_core.util.paths import app_paths
from hub_core.util.writebehind import FLUSH_EVERY_BYTES
from hub_core.wire.keys import KnownHubs
from hub_core.wire.schema import HandoffFile, HandoffOffer
from hub_core.wire.schema._handoff import CHUNK_BYTES, PIECES_MAX


@pytest.mark.parametrize("path", ["../outside", "/etc/passwd", "client/known_hubs.json", ""])
def test_files_may_land_only_in_the_hub_and_logs_folders(tmp_path: Path, path: str) -> None:
    receiver = Receiver(None, app_paths(tmp_path), lambda *_: None)  # type: ignore[arg-type]
    with pytest.raises(HandoffFailed, match="unsafe path"):
        receiver._target(HandoffFile(path, 1, "0" * 64))
    assert receiver._target(HandoffFile("hub/db/x.json", 1, "0" * 64)).is_relative_to(tmp_path)


def test_a_damaged_or_short_file_fails_the_check(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\x01" * (CHUNK_BYTES + 10))
    good = HandoffFile("hub/big.bin", big.stat().st_size, files.sha256_file(big))
    _verify_all([good], [big])
    with pytest.raises(HandoffFailed, match="hash differs"):
        _verify_all([HandoffFile(good.path, good.size, "0" * 64)], [big])
    with pytest.raises(HandoffFailed, match="size differs"):
        _verify_all([HandoffFile(good.path, good.size + 1, good.sha256)], [big])


@pytest.mark.parametrize("block_mb", [1, 5])  # a pack that comes whole, one in pieces
def test_a_pack_is_checked_by_its_list_of_blocks(tmp_path: Path, block_mb: int) -> None:
    """A pack's name hashes its list of blocks, not the whole file: each block is checked."""
    store = BlockStore(tmp_path / "old" / "blocks")
    store.put_many([(hashlib.sha256(b).hexdigest(), b) for b in (b"a" * block_mb * 10**6, b"b")])
    (pack,) = store.packs.iterdir()
    entry = HandoffFile(f"hub/blocks/packs/{pack.name}", pack.stat().st_size, pack.stem)
    target = tmp_path / "new" / pack.name
    data = bytearray(pack.read_bytes())
    _store([entry], [target], [(0, 0, len(data))], [bytes(data)])
    _verify_all([entry], [target])
    data[-2] ^= 1  # one bit of the first block's last byte
    with pytest.raises(HandoffFailed, match="arrived damaged"):
        _store([entry], [target], [(0, 0, len(data))], [bytes(data)])
    target.write_bytes(data)
    if len(data) > CHUNK_BYTES:  # such a pack comes in pieces: checked once all are in
        with pytest.raises(HandoffFailed, match="arrived damaged"):
            _verify_all([entry], [target])


def test_small_files_travel_together_and_large_ones_in_pieces() -> None:
    """One request carries many blocks; a file larger than a request comes in pieces."""
    small = [HandoffFile(f"hub/blocks/{n}", 300_000, "0" * 64) for n in range(30)]
    big = HandoffFile("hub/db/big.json", CHUNK_BYTES + 5, "0" * 64)
    empty = HandoffFile("hub/db/empty.json", 0, "0" * 64)
    batches = plan_batches([*small, big, empty])
    pieces = [piece for batch in batches for piece in batch]
    assert [(i, at) for i, at, _ in pieces][-2:] == [(30, 0), (30, CHUNK_BYTES)]
    assert len(pieces) == 32  # the empty file needs no piece
    assert all(sum(size for *_, size in batch) <= CHUNK_BYTES for batch in batches)
    assert len(batches[0]) == CHUNK_BYTES // 300_000  # as many blocks as fit in a request
    assert len(batches) == 5  # 13, 13 and 4 blocks, the big file's 4 MiB, then its 5 bytes
    # Tiny files: no more pieces per request than PIECES_MAX; a rate limit makes them smaller.
    tiny = [HandoffFile(f"hub/t/{n}", 10, "0" * 64) for n in range(2500)]
    assert [len(b) for b in plan_batches(tiny)] == [PIECES_MAX, PIECES_MAX, 500]
    assert all(sum(size for *_, size in b) <= 600_000 for b in plan_batches(small, 600_000))


async def test_a_copy_that_cannot_be_saved_is_put_aside_and_the_old_hub_told(
    client: HubClient, tmp_path: Path
) -> None:
    """The files are put on disk while the new hub starts; if that fails (a disk error),
    the new hub stops, the copy is put aside and the old hub is not told it may stop."""
    paths = app_paths(tmp_path / "new")
    (paths.hub / "db").mkdir(parents=True)
    stopped: list[bool] = []

    async def stop() -> None:
        stopped.append(True)

    async def durable() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(HandoffFailed, match=r"could not be saved here \(this computer has no room"):
        await confirm_serving(client, "h1", paths, "127.0.0.1", (1, 2), stop, durable())
    assert stopped == [True]
    assert not paths.hub.exists() and (paths.data / "hub.not-taken-over" / "db").is_dir()


async def test_a_final_sync_that_fails_leaves_the_old_hub_serving(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs, tmp_path: Path
) -> None:
    """The received hub's files are synced (syncfs) while the new hub starts. If the disk
    refuses (an I/O error, reported as a failed syncfs), the old hub is never told to stop:
    the copy is put aside, the old hub is told, and serves on."""
    bob = await HubClient.connect(endpoint, known_hubs=known_hubs)
    try:
        token, offer = await handed_to_bob(bob, hub)
        flushed: list[Path] = []

        def failing(folder: Path) -> None:
            flushed.append(folder)
            raise OSError(errno.EIO, "Input/output error")

        paths = app_paths(tmp_path / "new")
        receiver = Receiver(bob, paths, lambda *_: None, flush=failing)
        await receiver.receive(offer)  # every file arrived, checked and installed
        assert (paths.hub / "db").is_dir()
        stopped: list[bool] = []

        async def stop() -> None:
            stopped.append(True)

        durable = receiver.make_durable()
        saying = r"could not be saved here \(this computer could not save the hub's data: Input/o"
        with pytest.raises(HandoffFailed, match=saying):
            await confirm_serving(bob, offer.handoff, paths, "127.0.0.1", (1, 2), stop, durable)
        assert stopped == [True] and set(flushed) == {paths.data}
        assert not paths.hub.exists() and (paths.data / "hub.not-taken-over" / "db").is_dir()
        status = await bob.handoff_status(token)
        assert status.state == "failed" and "Input/output error" in status.message
        await bob.register("player", "carol", "secret-pass")  # writes go on at the old hub
    finally:
        await bob.close()


async def test_files_are_flushed_while_they_arrive(
    hub: HubThread, endpoint: str, known_hubs: KnownHubs, tmp_path: Path
) -> None:
    """The disk works during the transfer, not only after it: while pieces arrive the file
    system is flushed every FLUSH_EVERY_BYTES, so the flush the new hub waits for is short."""
    bob = await HubClient.connect(endpoint, known_hubs=known_hubs)
    try:
        _, offer = await handed_to_bob(bob, hub, (FLUSH_EVERY_BYTES // 4,) * 12)  # 3 flushes' worth
        flushed: list[float] = []
        paths = app_paths(tmp_path / "new")
        # A rate that makes the transfer last most of a second: flushes fall within it.
        rate = offer.bytes / 0.9
        receiver = Receiver(bob, paths, lambda *_: None, rate, lambda _: flushed.append(1))
        started = time.monotonic()
        await receiver.receive(offer)
        assert time.monotonic() - started > 0.6  # the rate held, with requests in flight
        assert len(flushed) >= 2  # all before make_durable's own
        await receiver.make_durable()
        assert (paths.hub / "db").is_dir()
    finally:
        await bob.close()


async def test_a_failed_pull_leaves_no_staging_behind(
    hub: HubThread,
    endpoint: str,
    known_hubs: KnownHubs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A request that fails while another request's pieces are still being written (on
    their thread) ends the handoff with nothing left in the data folder: the write
    finishes before the staging folder is removed, so it cannot make it again."""
    bob = await HubClient.connect(endpoint, known_hubs=known_hubs)
    try:
        _, offer = await handed_to_bob(bob, hub, (CHUNK_BYTES - 1000,) * 4)  # 4 requests

        def slow_store(*args: Any) -> None:
            time.sleep(0.5)  # a slow disk: the other requests fail meanwhile
            _store(*args)

        asked = 0
        pieces = bob.handoff_pieces

        async def failing(handoff: str, wanted: list[tuple[int, int]]) -> list[memoryview]:
            nonlocal asked
            asked += 1
            if asked > 1:
                await asyncio.sleep(0.1)
                raise HubUnreachable("the network was cut")
            return await pieces(handoff, wanted)

        monkeypatch.setattr(receiver_module, "_store", slow_store)
        monkeypatch.setattr(bob, "handoff_pieces", failing)
        paths = app_paths(tmp_path / "new")
        with pytest.raises(HandoffFailed, match="network was cut"):
            await Receiver(bob, paths, lambda *_: None).receive(offer)
        await asyncio.sleep(0.6)  # any write still going would have landed by now
        assert not (paths.data / files.STAGING).exists() and not paths.hub.exists()
    finally:
        await bob.close()


async def handed_to_bob(
    bob: HubClient, hub: HubThread, logs: tuple[int, ...] = ()
) -> tuple[str, HandoffOffer]:
    """Bob registers, offers to host and is offered the hub (which also holds room logs
    of the ``logs`` sizes); returns the host's control token and the offer."""
    await bob.register("player", "bob", "secret-pass")
    await bob.login("player", "bob", "secret-pass")
    await bob.offer_to_host(True)
    folder = hub.hub.paths.logs / "rooms"
    folder.mkdir(parents=True, exist_ok=True)
    for n, size in enumerate(logs):
        (folder / f"r{n}.log").write_bytes(b"x" * size)
    token = str((files.read_control(hub.hub.paths.hub) or {})["token"])
    await bob.start_handoff(token, "bob", 0)
    return token, await bob.await_handoff(5.0)
