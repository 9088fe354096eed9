"""A game that imports pygame, published unchanged with --require pygame, played offline.

The game (pygame_blocks/) is written the original system's way: plain sockets and pygame
on both sides, with no "requires" in its manifest. The developer adds the requirement
when publishing, from a folder of wheels (no pip, no network); the hub runs the server
with its own copy of the libraries, and two players install from the hub alone (the
suite runs in a network namespace with nothing but loopback) and play a match whose
clients draw with pygame (SDL_VIDEODRIVER=dummy).
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, repair, verify
from hub_core.client.playing import RoomWatch, start_game_client
from hub_core.errors import GameHubError, RequestRefused
from hub_core.wire.schema import RoomState, RoomView
from tests.e2e.test_play_rps import hub_endpoint, logged_in, next_state  # noqa: F401
from tests.hub_core.cli.test_cli import HostProcess, gamehub, host  # noqa: F401

GAME = Path(__file__).parent / "pygame_blocks"


def test_cli_publish_with_require_and_wheels_runs_the_check_and_stores_the_wheel(
    host: HostProcess,  # noqa: F811
    tmp_path: Path,
    pygame_wheels: Path,
) -> None:
    hub = ["--hub", host.endpoint, "--user", "dana"]
    dev = tmp_path / "dev"
    gamehub("register", "--hub", host.endpoint, "--role", "developer", "--user", "dana", data=dev)

    bare = gamehub("publish", str(GAME), *hub, data=dev)  # without --require: caught
    assert bare.returncode == 1
    assert (
        "start_client.py imports pygame, which players will not have: add it to requires"
        in bare.stderr
    )

    out = gamehub(
        "publish", str(GAME), *hub, "--require", "pygame", "--wheels", str(pygame_wheels), data=dev
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "the game starts as it will on the hub" in out.stdout  # ran here with its libraries
    assert "Published blocks 1.0.0" in out.stdout


async def test_players_install_offline_and_play_a_pygame_match(
    hub_endpoint: str,  # noqa: F811
    tmp_path: Path,
    pygame_wheels: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hub_core.client.publishing import Libraries, publish

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    wheels = Libraries(requires=("pygame>=2",), wheels_dir=pygame_wheels)
    dev = await logged_in(hub_endpoint, "developer", "dana")
    ann = await logged_in(hub_endpoint, "player", "ann")
    bob = await logged_in(hub_endpoint, "player", "bob")
    try:
        first = await publish(dev, GAME, libraries=wheels)
        wheel_bytes = await asyncio.to_thread(_wheel_bytes, pygame_wheels)
        assert first.sent_bytes >= wheel_bytes  # the wheel went to the hub with the game
        room = (await ann.create_room("blocks")).room  # the hub's server imports pygame
        await bob.join_room(room.id)
        changes: asyncio.Queue[RoomView] = asyncio.Queue()
        watch = RoomWatch(ann, room.id, changes.put_nowait)
        await watch.start()
        installed = {}
        for name, client in (("ann", ann), ("bob", bob)):
            root = tmp_path / name / "games"
            await install(client, "blocks", root, version=room.version)
            have = read_installed(root, "blocks")
            assert have is not None and have.libs is not None
            assert (have.libs / "pygame" / "__init__.py").is_file()
            installed[name] = have
            await client.set_ready(room.id, True, have.version)
        await ann.propose_start(room.id)
        await bob.respond_start(room.id, True)
        started = await next_state(changes, RoomState.IN_GAME)
        procs = {
            name: await start_game_client(client, started, installed[name], pipe=True)
            for name, client in (("ann", ann), ("bob", bob))
        }
        outputs = await asyncio.gather(
            *(asyncio.wait_for(procs[n].communicate(b"\n"), 90) for n in ("ann", "bob"))
        )
        assert [p.returncode for p in procs.values()] == [0, 0], outputs
        assert all(b"winner: ann" in out for out, _ in outputs), outputs
        back = await next_state(changes, RoomState.WAITING)
        assert back.last_results["winner"] == "ann"
        watch.stop()
        root = tmp_path / "ann" / "games"
        await _update_reuses_libs_and_repair_fixes_them(dev, ann, root, pygame_wheels)
    finally:
        for client in (ann, bob, dev):
            await client.close()


async def _update_reuses_libs_and_repair_fixes_them(
    dev: HubClient, player: HubClient, root: Path, wheels: Path
) -> None:
    """A new version with the same wheel fetches no wheel; a damaged library is repaired."""
    from hub_core.client.publishing import Libraries, publish

    before = read_installed(root, "blocks")
    assert before is not None and before.libs is not None
    game = root.parent / "blocks-2"
    shutil.copytree(GAME, game)
    (game / "notes.txt").write_text("level 2\n", encoding="utf-8")
    again = await publish(dev, game, libraries=Libraries(("pygame",), wheels))
    assert again.sent_bytes < 1000  # the hub had the wheel: only notes.txt travelled
    assert again.version == "1.0.1"
    result = await install(player, "blocks", root)
    after = read_installed(root, "blocks")
    assert after is not None and after.libs == before.libs  # the same wheels: the same folder
    assert result.fetched_bytes < 1000  # only notes.txt travelled
    assert verify(root, "blocks") == []
    module = after.libs / "pygame" / "__init__.py"  # type: ignore[operator]
    module.write_text("raise SystemExit('damaged')\n", encoding="utf-8")
    assert any("pygame/__init__.py" in p for p in verify(root, "blocks"))
    assert await repair(player, root, "blocks")
    assert verify(root, "blocks") == []
    assert "damaged" not in module.read_text(encoding="utf-8")


def _wheel_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("pygame-*.whl"))


def test_the_version_record_lists_each_requirement_with_its_wheels(tmp_path: Path) -> None:
    """Old records (no "deps") stay readable; new ones name the wheels and their hashes."""
    from hub_core.packages.wheels import deps_from_wire

    assert deps_from_wire({"game": "x"}.get("deps", [])) == []
    record = json.loads(
        json.dumps([{"requirement": "pygame", "wheels": [["p.whl", 0, "e" * 64, []]]}])
    )
    [dep] = deps_from_wire(record)
    assert (dep.requirement, dep.wheels[0].path, dep.wheels[0].hash) == (
        "pygame",
        "p.whl",
        "e" * 64,
    )


async def test_no_wheel_for_this_machine_is_named_before_anything_is_fetched(
    hub_endpoint: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Published for Windows only: the install and the room both say what is missing."""
    from hub_core.client.publishing import Libraries, publish
    from tests.hub_core.gamefactory import make_game
    from tests.hub_core.packages.test_libraries import _wheel

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels, "tiny-1.0-cp312-cp312-win_amd64.whl", {"tiny.py": b"X = 1\n"})
    game = make_game(tmp_path / "g", "winonly", requires=["tiny"])
    dev = await logged_in(hub_endpoint, "developer", "dana")
    ann = await logged_in(hub_endpoint, "player", "ann")
    try:
        await publish(dev, game, libraries=Libraries(wheels_dir=wheels))
        root = tmp_path / "ann"
        with pytest.raises(GameHubError) as caught:
            await install(ann, "winonly", root)
        assert str(caught.value).startswith("tiny has no build for ")
        assert "on this hub — the developer can publish one" in str(caught.value)
        assert not (root / "winonly").exists()  # nothing fetched, nothing left
        with pytest.raises(RequestRefused, match="tiny has no build for"):
            await ann.create_room("winonly")  # the hub's own Python has none either
    finally:
        for client in (ann, dev):
            await client.close()
