"""BLAKE3 and SHA-256 packages through a real hub: new packages get BLAKE3, packages
published before stay installable and updatable, and an app that cannot check BLAKE3 is
asked to update instead of being handed hashes it cannot check."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, verify
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.server.thread import HubThread
from hub_core.util import digests
from hub_core.util.digests import HashKind
from tests.hub_core.client.test_transfer_failures import endpoint_of, login
from tests.hub_core.conftest import hub_config
from tests.hub_core.gamefactory import make_game, random_bytes

MB = 1_000_000


def as_before_blake3(client: HubClient) -> HubClient:
    """The client as an app or hub from before BLAKE3 would have it: no such feature."""
    assert client.session is not None and client.hash_kind is HashKind.BLAKE3
    client.session = msgspec.structs.replace(client.session, features=[])
    assert client.hash_kind is HashKind.SHA256
    return client


def kinds_of(index: list[list[object]]) -> set[HashKind | None]:
    found = {digests.kind_of(entry[2]) for entry in index}
    found |= {digests.kind_of(b) for entry in index for b in entry[3]}  # type: ignore[attr-defined]
    return found


async def test_new_packages_are_named_by_blake3_and_install_intact(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    big = random_bytes(3 * MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    await publish(dev, game)
    offer = await player.install_begin("rps")
    assert kinds_of(offer.index) == {HashKind.BLAKE3}
    await install(player, "rps", tmp_path / "games")
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == big
    assert verify(tmp_path / "games", "rps") == []
    with (installed.folder / "big.bin").open("r+b") as f:  # one byte changed on disk
        f.seek(MB)
        f.write(bytes([big[MB] ^ 1]))
    assert verify(tmp_path / "games", "rps") == ["big.bin"]


async def test_a_sha256_package_stays_installable_and_its_update_gets_blake3(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    big = random_bytes(4 * MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    await publish(as_before_blake3(dev), game)  # as an app before BLAKE3 published it
    assert kinds_of((await player.install_begin("rps")).index) == {HashKind.SHA256}
    await install(player, "rps", tmp_path / "games")
    assert verify(tmp_path / "games", "rps") == []
    await dev.logout()
    await dev.login("developer", "dana", "secret")  # today's app, to today's hub
    (game / "big.bin").write_bytes(big + b"more")
    await publish(dev, game)
    assert kinds_of((await player.install_begin("rps")).index) == {HashKind.BLAKE3}
    second = await install(player, "rps", tmp_path / "games")
    assert second.version == "1.0.1"
    # Renamed, the installed blocks are still found: only big.bin's last block travels.
    assert second.fetched_bytes <= 1.1 * MB
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == big + b"more"
    assert verify(tmp_path / "games", "rps") == []


async def test_an_app_before_blake3_is_asked_to_update(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    await publish(dev, make_game(tmp_path / "g"))
    old = as_before_blake3(player)
    with pytest.raises(RequestRefused, match=r"RPS 1\.0\.0 was published with a newer GameHub.*"
                       "update GameHub on this computer"):  # fmt: skip
        await install(old, "rps", tmp_path / "games")
    assert read_installed(tmp_path / "games", "rps") is None


async def test_blake3_publishes_that_lie_are_refused(dev: HubClient, tmp_path: Path) -> None:
    game = make_game(tmp_path / "g")
    manifest = json.loads((game / "manifest.json").read_text())
    files = {p.name: p.read_bytes() for p in game.iterdir()}

    def b3(data: bytes) -> str:
        return digests.digest(data, HashKind.BLAKE3)

    index = [[n, len(d), digests.of_blocks([b3(d)]), [b3(d)], [len(d)]] for n, d in files.items()]
    index.sort()
    index[0][2] = b3(files[index[0][0]])  # over its bytes, not its blocks' hashes: a lie too
    begun = await dev.publish_begin("1.0.0", manifest, index)
    with pytest.raises(RequestRefused, match="does not match its announced hash"):
        await dev.upload_blocks(begun.transfer, [(index[1][3][0], b"not what it names")])
    for data in files.values():
        await dev.upload_blocks(begun.transfer, [(b3(data), data)])
    with pytest.raises(RequestRefused, match=r"do not add up to its announced hash"):
        await dev.publish_commit(begun.transfer)
    assert await dev.my_games() == []


async def test_blake3_games_survive_a_hub_restart(tmp_path: Path) -> None:
    """Their packs (GHPACK2) are read back when the hub starts again."""
    big = random_bytes(MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    for role, user in [("developer", "dana"), ("player", "pat")]:
        hub = HubThread(hub_config(tmp_path / "data"))
        hub.start()
        try:
            client = await login(endpoint_of(hub), role, user, register=True)
            if role == "developer":
                await publish(client, game)
            else:
                await install(client, "rps", tmp_path / "games")
            await client.close()
        finally:
            hub.stop()
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == big
    assert verify(tmp_path / "games", "rps") == []
