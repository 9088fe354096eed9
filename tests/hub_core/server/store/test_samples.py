"""The sample games never hold a name a developer uses, on new hubs and on old ones."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed
from hub_core.client.publishing import publish
from hub_core.server.store import samples
from hub_core.server.thread import HubThread
from tests.hub_core.cli.test_cli import HostProcess, gamehub
from tests.hub_core.conftest import hub_config
from tests.hub_core.gamefactory import make_game

README = Path(__file__).resolve().parents[4] / "README.md"
SAMPLE_NAMES = {"gamehub-rps", "gamehub-tetris", "gamehub-dots"}


def readme_manifest() -> dict[str, object]:
    """The example manifest exactly as README.md shows it (the json block with entries)."""
    blocks = re.findall(r"```json\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    found = [json.loads(b) for b in blocks if '"entry_server"' in b]
    assert len(found) == 1, "README.md should show one example manifest"
    manifest: dict[str, object] = found[0]
    return manifest


def test_readme_example_publishes_on_a_new_hub(tmp_path: Path) -> None:
    """The README's manifest, published with the README's command on a hub with its samples."""
    manifest = readme_manifest()
    package = tmp_path / "mygame"  # the sample's game files (it plays as the README says)
    folder = samples.samples_folder()
    assert folder is not None
    shutil.copytree(folder / "rps", package)
    (package / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    host = HostProcess(tmp_path / "hub", "--no-discovery")  # with the sample games
    try:
        hub = ["--hub", host.endpoint]
        dev = tmp_path / "dev"
        reg = gamehub("register", *hub, "--role", "developer", "--user", "dana", data=dev)
        assert reg.returncode == 0, reg.stderr
        out = gamehub("publish", str(package), *hub, "--user", "dana", data=dev)
        assert out.returncode == 0, out.stdout + out.stderr
        assert f"Published {manifest['name']} 1.0.0" in out.stdout
        games = gamehub("games", *hub, "--user", "dana", "--role", "developer", "--json", data=dev)
        assert [g["name"] for g in json.loads(games.stdout)] == [manifest["name"]]
    finally:
        host.stop()


async def _developer(endpoint: str) -> HubClient:
    client = await HubClient.connect(endpoint, timeout=5)
    await client.register("developer", "dana", "secret")
    await client.login("developer", "dana", "secret")
    return client


async def test_new_hub_publishes_samples_under_their_own_names(tmp_path: Path) -> None:
    thread = HubThread(hub_config(tmp_path / "hub", samples=True))
    endpoint = thread.start().endpoint("127.0.0.1")
    try:
        dev = await _developer(endpoint)
        names = {g.name: g.author for g in await dev.list_games()}
        assert names == dict.fromkeys(SAMPLE_NAMES, "GameHub")
        for name in ("rps", "tetris", "dots"):
            result = await publish(dev, make_game(tmp_path / name, name))
            assert (result.name, result.version) == (name, "1.0.0")
        await dev.close()
    finally:
        thread.stop()


async def test_an_old_hub_moves_its_samples_aside_on_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hub that published the samples as rps/tetris/dots lets a developer's rps through."""
    data = tmp_path / "hub"
    with monkeypatch.context() as old_hub:  # the hub before the rename: bare names
        old_hub.setattr(samples, "sample_name", lambda name: name)
        thread = HubThread(hub_config(data, samples=True))
        endpoint = thread.start().endpoint("127.0.0.1")
        player = await HubClient.connect(endpoint, timeout=5)
        await player.register("player", "pat", "secret")
        await player.login("player", "pat", "secret")
        room = (await player.create_room("rps", timeout=30)).room  # unpacks rps 1.0.0
        await install(player, "rps", tmp_path / "games")  # pat has the sample as rps
        await player.leave_room(room.id)
        assert player.session is not None
        thread.call(thread.hub.accounts.record_played("rps", [player.session.key]))
        await player.close()
        unpacked = thread.hub.paths.hub / "unpacked"
        thread.stop()
    assert (unpacked / "rps" / "1.0.0").is_dir()

    thread = HubThread(hub_config(data, samples=True))
    endpoint = thread.start().endpoint("127.0.0.1")
    try:
        dev = await _developer(endpoint)
        assert {g.name for g in await dev.list_games()} == SAMPLE_NAMES
        assert not (unpacked / "rps").exists()  # the sample's files never run as dana's rps
        result = await publish(dev, make_game(tmp_path / "rps", "rps"))
        assert (result.name, result.version) == ("rps", "1.0.0")
        player = await HubClient.connect(endpoint, timeout=5)
        await player.login("player", "pat", "secret")
        assert (await player.played()) == {"gamehub-rps": 1}
        again = await install(player, "rps", tmp_path / "games")  # dana's rps, same number
        assert again.fetched_bytes > 0
        installed = read_installed(tmp_path / "games", "rps")
        assert installed is not None and installed.manifest["display_name"] == "RPS"
        details = await player.game_details("gamehub-rps")
        assert details.versions[0].manifest["name"] == "gamehub-rps"
        room = (await player.create_room("gamehub-rps", timeout=30)).room
        assert (room.game, room.version) == ("gamehub-rps", "1.0.0")
        await player.leave_room(room.id)
        for client in (dev, player):
            await client.close()
    finally:
        thread.stop()
