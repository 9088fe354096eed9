"""A warm spare waits inside the cgroups its room will have (joining one costs the kernel
an RCU grace period, 10-25 ms, which a room no longer waits for); the room adopts them.
Real spares, real cgroups (root on Linux with cgroup v1; skipped elsewhere)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub_core.gameprocs import WarmSpare, protections
from hub_core.gameprocs import _os as osx
from hub_core.gameprocs._cgroup import ROOT
from hub_core.gameprocs._room import INSTANCE, RoomJail
from hub_core.gameprocs._spare import SUPPORTED
from hub_core.gameprocs._spawn import output_reader
from tests.hub_core.gameprocs.test_gameprocs import connects, eventually
from tests.hub_core.gameprocs.test_spare import cgroup_folders, start, waiting

pytestmark = pytest.mark.skipif(
    not (SUPPORTED and osx.HAS_PROC and protections().cgroups), reason="needs cgroup v1 and root"
)


@pytest.fixture
async def spare() -> AsyncIterator[WarmSpare]:
    warm = WarmSpare()
    yield warm
    await warm.close()


def rooms_folders(name: str) -> list[Path]:
    return [ROOT / c / "gamehub" / INSTANCE / name for c in ("pids", "freezer")]


async def test_a_spare_waits_in_its_rooms_cgroups_which_the_room_takes_over(
    spare: WarmSpare, package: Path, state_dir: Path
) -> None:
    pid = await waiting(spare)
    await eventually(lambda: len(cgroup_folders(pid)) == 2)  # joined as it started...
    before = cgroup_folders(pid)  # ...before any room existed
    assert len(before) == 2 and all(f.name.startswith("spare-") for f in before), before
    server = await start(package, state_dir, spare, room="room1")
    try:
        assert server.pid == pid and connects(server.port)
        assert cgroup_folders(pid) == rooms_folders("room1")  # the same cgroups, renamed
        assert not [folder for folder in before if folder.exists()]
        assert (rooms_folders("room1")[0] / "pids.max").read_text().strip() == "64"
    finally:
        await server.stop(grace=0.5)
    assert not [folder for folder in rooms_folders("room1") if folder.exists()]


async def test_a_spare_given_a_room_with_other_cgroups_joins_those_before_the_game(
    spare: WarmSpare, tmp_path: Path
) -> None:
    """The spare skips only the cgroup files it joined through itself: a room whose jail
    has cgroups of its own (not the spare's) still has its server join them first."""
    await waiting(spare)
    claim = spare.claim()
    assert claim is not None
    token, own = claim
    assert own is not None
    package = tmp_path / "package"
    package.mkdir()
    game = package / "game.py"
    game.write_text("print('CGROUP', open('/proc/self/cgroup').read().split(), flush=True)\n")
    jail = RoomJail.prepare("other", package, tmp_path / "state", 16, token=token)
    try:
        confined, fds = jail.confinement([])
        env = dict(os.environ) | jail.env | confined
        taken = await spare.take([str(game)], package, env, fds)
        jail.spawned()
        assert taken is not None
        output = await output_reader(taken.read_end)
        assert await asyncio.wait_for(taken.proc.wait(), 10) == 0
        text = (await asyncio.wait_for(output.read(), 10)).decode()
        assert f":pids:/gamehub/{INSTANCE}/other" in text, text
        assert f":freezer:/gamehub/{INSTANCE}/other" in text, text
    finally:
        await asyncio.to_thread(jail.release)
        await asyncio.to_thread(own.remove)
