"""Transfers that fail half-way: a hub or a client killed, a full disk on either side, a
damaged block. Each is resumed or reported with a sentence, and none leaves a
half-installed game or a half-published version visible.

Real hubs (in a thread, or `gamehub host` in a child process when it is killed), real
child processes for the clients that are killed, real tmpfs mounts for the full disks.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.client import _build, publishing
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, verify
from hub_core.client.publishing import publish
from hub_core.errors import GameHubError, HubUnreachable, RequestRefused
from hub_core.packages import FileEntry, Limits, scan_folder
from hub_core.server.store._packs import load_all
from hub_core.server.store.blocks import PACKS
from hub_core.server.thread import HubThread
from tests.hub_core.conftest import hub_config
from tests.hub_core.gamefactory import make_game, random_bytes
from tests.stress._hubproc import HubProcess

MB = 1_000_000
# Several times the window of requests in flight (6 x 2 MiB), so a kill lands mid-way.
BIG = 30 * MB
PASSWORD = "secret-pass"


@pytest.fixture(autouse=True)
def short_block_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dead hub is noticed after 2 s instead of 30 s per block request."""
    monkeypatch.setattr(publishing, "BLOCK_TIMEOUT", 2.0)
    monkeypatch.setattr(_build, "BLOCK_TIMEOUT", 2.0)


async def login(endpoint: str, role: str, user: str, *, register: bool) -> HubClient:
    client = await HubClient.connect(endpoint, timeout=5.0, retries=0)
    if register:
        await client.register(role, user, PASSWORD)  # type: ignore[arg-type]
    await client.login(role, user, PASSWORD, watch=False)  # type: ignore[arg-type]
    return client


def endpoint_of(hub: HubProcess | HubThread) -> str:
    if isinstance(hub, HubProcess):
        return f"127.0.0.1:{hub.req}"
    assert hub.hub.endpoints is not None
    return hub.hub.endpoints.endpoint("127.0.0.1")


def big_game(folder: Path, data: bytes | None = None) -> Path:
    return make_game(folder, files={"big.bin": data if data is not None else random_bytes(BIG)})


def assert_still(games: Path, version: str) -> None:
    """The version a player had is the installed one, every file intact, nothing else."""
    installed = read_installed(games, "rps")
    assert installed is not None and installed.version == version
    assert verify(games, "rps") == []
    assert [p.name for p in (games / "rps").glob("v*")] == [f"v{version}"]


# -- the hub killed --------------------------------------------------------------------


async def test_hub_killed_mid_publish_shows_nothing_then_resumes(tmp_path: Path) -> None:
    game = big_game(tmp_path / "game")
    hub = HubProcess(tmp_path)
    try:
        dev = await login(endpoint_of(hub), "developer", "dana", register=True)

        def kill_hub(done: int, total: int) -> None:
            if done > MB and hub.alive():
                hub.proc.kill()

        with pytest.raises(HubUnreachable, match="did not answer within"):
            await publish(dev, game, progress=kill_hub)
        await dev.close()
    finally:
        hub.stop()
    hub = HubProcess(tmp_path)  # the same data folder
    try:
        player = await login(endpoint_of(hub), "player", "pat", register=True)
        assert await player.list_games() == []  # nothing half-published
        dev = await login(endpoint_of(hub), "developer", "dana", register=False)
        resumed = await publish(dev, game)
        assert resumed.sent_bytes < BIG  # the blocks that arrived before the kill count
        await install(player, "rps", tmp_path / "games")
        assert verify(tmp_path / "games", "rps") == []
        await dev.close()
        await player.close()
    finally:
        hub.stop()


async def test_hub_killed_mid_install_keeps_the_old_version_then_resumes(
    tmp_path: Path,
) -> None:
    games = tmp_path / "games"
    hub = HubProcess(tmp_path)
    try:
        dev = await login(endpoint_of(hub), "developer", "dana", register=True)
        player = await login(endpoint_of(hub), "player", "pat", register=True)
        game = make_game(tmp_path / "game")
        await publish(dev, game)
        await install(player, "rps", games)
        await publish(dev, big_game(game))

        def kill_hub(done: int, total: int) -> None:
            if done > MB and hub.alive():
                hub.proc.kill()

        with pytest.raises(HubUnreachable, match="did not answer within"):
            await install(player, "rps", games, progress=kill_hub)
        assert_still(games, "1.0.0")
        await dev.close()
        await player.close()
    finally:
        hub.stop()
    hub = HubProcess(tmp_path)
    try:
        player = await login(endpoint_of(hub), "player", "pat", register=False)
        resumed = await install(player, "rps", games)
        assert (resumed.version, verify(games, "rps")) == ("1.0.1", [])
        assert resumed.fetched_bytes < BIG  # what arrived before the kill is kept
        await player.close()
    finally:
        hub.stop()


# -- the client killed -----------------------------------------------------------------

# A client in its own process that prints its progress, paced so it can be killed mid-way.
CHILD = """
import asyncio, sys, time
from pathlib import Path
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install
from hub_core.client.publishing import publish

async def main(endpoint, role, what, where):
    client = await HubClient.connect(endpoint, timeout=10)
    await client.login(role, "dana" if role == "developer" else "pat", sys.argv[5])

    def progress(done, total):
        print(done, flush=True)
        time.sleep(0.05)

    if what == "install":
        await install(client, "rps", Path(where), progress=progress)
    else:
        await publish(client, Path(where), progress=progress)
    print("finished", flush=True)

asyncio.run(main(*sys.argv[1:5]))
"""


def run_and_kill(endpoint: str, role: str, what: str, where: Path) -> None:
    """Runs a client in a child process and kills it (SIGKILL) once 1 MB has moved."""
    args = [sys.executable, "-c", CHILD, endpoint, role, what, str(where), PASSWORD]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    try:
        for line in child.stdout:  # bounded: the child ends after the transfer
            assert line.strip() != "finished", "the client finished before it could be killed"
            if int(line) > MB:
                break
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubThread]:
    (tmp_path / "data").mkdir()
    thread = HubThread(hub_config(tmp_path / "data"))
    thread.start()
    yield thread
    thread.stop()


async def test_client_killed_mid_publish_shows_nothing_then_resumes(
    hub: HubThread, tmp_path: Path
) -> None:
    endpoint = endpoint_of(hub)
    player = await login(endpoint, "player", "pat", register=True)
    (await login(endpoint, "developer", "dana", register=True)).session = None
    game = big_game(tmp_path / "game")
    run_and_kill(endpoint, "developer", "publish", game)
    assert await player.list_games() == []
    dev = await login(endpoint, "developer", "dana", register=False)
    resumed = await publish(dev, game)
    assert resumed.sent_bytes < BIG
    await install(player, "rps", tmp_path / "games")
    assert verify(tmp_path / "games", "rps") == []
    await dev.close()
    await player.close()


async def test_client_killed_mid_install_keeps_the_old_version_then_resumes(
    hub: HubThread, tmp_path: Path
) -> None:
    endpoint, games = endpoint_of(hub), tmp_path / "games"
    dev = await login(endpoint, "developer", "dana", register=True)
    player = await login(endpoint, "player", "pat", register=True)
    game = make_game(tmp_path / "game")
    await publish(dev, game)
    await install(player, "rps", games)
    await publish(dev, big_game(game))
    run_and_kill(endpoint, "player", "install", games)
    assert_still(games, "1.0.0")
    player = await login(endpoint, "player", "pat", register=False)  # the child took over
    resumed = await install(player, "rps", games)
    assert (resumed.version, verify(games, "rps")) == ("1.0.1", [])
    assert resumed.fetched_bytes < BIG
    await dev.close()
    await player.close()


# -- a full disk -----------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(path: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` at ``path`` (needs root; the test is skipped elsewhere)."""
    path.mkdir(parents=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def grow(path: Path, megabytes: int) -> None:
    """Frees space the way a user would, by giving the disk more room."""
    subprocess.run(
        ["mount", "-o", f"remount,size={megabytes}m", str(path)], check=True, capture_output=True
    )


async def test_full_disk_on_the_hub_refuses_with_a_sentence_then_resumes(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "hubdisk", 16) as disk:
        hub = HubThread(hub_config(disk))
        hub.start()
        try:
            endpoint = endpoint_of(hub)
            dev = await login(endpoint, "developer", "dana", register=True)
            player = await login(endpoint, "player", "pat", register=True)
            game = big_game(tmp_path / "game")
            with pytest.raises(RequestRefused, match="The hub's disk is full; nothing was"):
                await publish(dev, game)
            assert await player.list_games() == []
            grow(disk, 64)
            resumed = await publish(dev, game)
            assert 0 < resumed.sent_bytes < BIG
            assert [g.name for g in await player.list_games()] == ["rps"]
            await dev.close()
            await player.close()
        finally:
            hub.stop()


async def test_full_disk_on_the_player_side_keeps_the_old_version_then_resumes(
    hub: HubThread, tmp_path: Path
) -> None:
    endpoint = endpoint_of(hub)
    dev = await login(endpoint, "developer", "dana", register=True)
    player = await login(endpoint, "player", "pat", register=True)
    game = make_game(tmp_path / "game")
    await publish(dev, game)
    with small_disk(tmp_path / "games", 16) as games:
        await install(player, "rps", games)
        await publish(dev, big_game(game))
        with pytest.raises(GameHubError, match=r"not enough free space .* unchanged") as info:
            await install(player, "rps", games)
        assert not isinstance(info.value, RequestRefused)
        assert_still(games, "1.0.0")
        grow(games, 64)
        resumed = await install(player, "rps", games)
        assert (resumed.version, verify(games, "rps")) == ("1.0.1", [])
        assert resumed.fetched_bytes < BIG
    await dev.close()
    await player.close()


# -- a damaged block -------------------------------------------------------------------


def flip_a_bit_of_a_block(entry: FileEntry, data_dir: Path) -> None:
    """One bit flipped in the middle block of ``entry``, in the pack the hub stored it in."""
    digest = entry.blocks[len(entry.blocks) // 2]
    (packs,) = data_dir.rglob(PACKS)
    where = load_all(packs)[digest]
    with where.pack.open("r+b") as f:
        f.seek(where.offset + 100)
        byte = f.read(1)[0]
        f.seek(where.offset + 100)
        f.write(bytes([byte ^ 0xFF]))


async def test_a_damaged_block_is_refused_and_nothing_is_installed(
    hub: HubThread, tmp_path: Path
) -> None:
    endpoint, games = endpoint_of(hub), tmp_path / "games"
    dev = await login(endpoint, "developer", "dana", register=True)
    player = await login(endpoint, "player", "pat", register=True)
    game = big_game(tmp_path / "game", random_bytes(3 * MB))
    await publish(dev, game)
    big = next(e for e in scan_folder(game, Limits(), kind=dev.hash_kind) if e.path == "big.bin")
    flip_a_bit_of_a_block(big, tmp_path / "data")  # between the hub's disk and the player
    with pytest.raises(GameHubError, match=r"does not match its hash .* published again"):
        await install(player, "rps", games)
    assert read_installed(games, "rps") is None
    assert not list((games / "rps").glob("v*"))
    await dev.close()
    await player.close()


# -- a file that shrinks while it is sent ----------------------------------------------


def test_a_file_that_shrank_since_it_was_read_stops_the_publish(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 3000)
    sources = [publishing.BlockSource(big, 0, 1000), publishing.BlockSource(big, 1000, 2000)]
    big.write_bytes(b"x" * 2500)  # the developer saved a shorter version meanwhile
    holes = [memoryview(bytearray(1000)), memoryview(bytearray(2000))]
    with pytest.raises(GameHubError, match=r"big\.bin changed while it was being sent"):
        publishing.read_into(holes, sources)
