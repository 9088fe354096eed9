"""Updates across a change of cut or hash, through a real hub: the installed bytes are found
under their new names, so only what changed travels."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub_core.client import _found
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, verify
from hub_core.client.publishing import block_sources, publish
from hub_core.packages import Limits, _walk
from hub_core.packages.index import index_files, walk_folder
from hub_core.util.digests import HashKind
from tests.hub_core.gamefactory import make_game, random_bytes
from tests.hub_core.server.store.test_hashes import as_before_blake3

MB = 1_000_000


async def installed_as_released(
    dev: HubClient, player: HubClient, tmp_path: Path, big: bytes, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A game published and installed as the last release did it: fixed 512 KiB blocks
    named by SHA-256. Returns the game's folder; the developer is today's app again."""
    game = make_game(tmp_path / "g", files={"big.bin": big})
    with monkeypatch.context() as m:
        m.setattr(_walk, "chunker", lambda: None)
        await publish(as_before_blake3(dev), game)
    await install(player, "rps", tmp_path / "games")
    await dev.logout()
    await dev.login("developer", "dana", "secret")
    return game


async def updated(player: HubClient, tmp_path: Path, expected: bytes) -> int:
    """Installs the update; checks it; returns the bytes fetched."""
    result = await install(player, "rps", tmp_path / "games")
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == expected
    assert verify(tmp_path / "games", "rps") == []
    return result.fetched_bytes


async def test_an_update_from_fixed_blocks_fetches_only_the_changed_block(
    dev: HubClient, player: HubClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = random_bytes(6 * MB)
    game = await installed_as_released(dev, player, tmp_path, big, monkeypatch)
    changed = big[: 3 * MB] + bytes([big[3 * MB] ^ 1]) + big[3 * MB + 1 :]
    (game / "big.bin").write_bytes(changed)
    await publish(dev, game)  # content-defined blocks, BLAKE3: every name is new
    assert await updated(player, tmp_path, changed) <= 1.1 * MB  # one block of at most 1 MiB


async def test_an_update_from_fixed_blocks_survives_an_insertion(
    dev: HubClient, player: HubClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = random_bytes(6 * MB)
    game = await installed_as_released(dev, player, tmp_path, big, monkeypatch)
    inserted = big[:100_000] + random_bytes(1000) + big[100_000:]
    (game / "big.bin").write_bytes(inserted)  # every later byte moved by 1 KB
    await publish(dev, game)
    assert await updated(player, tmp_path, inserted) <= 2.1 * MB  # the blocks around it


async def test_an_update_published_by_an_older_app_is_found_in_place(
    dev: HubClient, player: HubClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut elsewhere than this app cuts (fixed blocks): the bytes are found where the new
    version's blocks lie."""
    big = random_bytes(6 * MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    await publish(dev, game)
    await install(player, "rps", tmp_path / "games")
    changed = big[: 3 * MB] + bytes([big[3 * MB] ^ 1]) + big[3 * MB + 1 :]
    (game / "big.bin").write_bytes(changed)
    monkeypatch.setattr(_walk, "chunker", lambda: None)
    await publish(as_before_blake3(dev), game)
    assert await updated(player, tmp_path, changed) <= 0.6 * MB  # one fixed 512 KiB block


def test_a_file_mostly_had_already_is_not_read_again(tmp_path: Path) -> None:
    """The usual update: its few missing blocks are new bytes, so nothing is looked for."""
    big = random_bytes(4 * MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    index = index_files(game, walk_folder(game, Limits()), Limits(), kind=HashKind.BLAKE3)
    have = block_sources(game, index)
    entry = next(e for e in index if e.path == "big.bin")
    first, *_ = entry.spans()
    del have[first[0]]  # one block wanted, though the file holds it
    assert _found.found_again(game, index, have) == {}
    for digest, offset, _ in entry.spans():
        if offset > entry.size // 2:
            break
        have.pop(digest, None)  # most of the file wanted: then it is looked for
    assert first[0] in _found.found_again(game, index, have)


def test_a_shorter_installed_file_is_no_trouble(tmp_path: Path) -> None:
    big = random_bytes(3 * MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    index = index_files(game, walk_folder(game, Limits()), Limits(), kind=HashKind.BLAKE3)
    (game / "big.bin").write_bytes(big[: MB // 2])  # what is installed was cut short
    found = _found.found_again(game, index, {})
    assert all(source.offset + source.length <= MB // 2 for source in found.values())
