"""Publishing ahead on a real hub: blocks announced while files are cut, the index last.

The hub holds a stranger's claims until the index comes, so every announcement is
checked on its own and against the limits, and nothing is visible before the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed
from hub_core.errors import RequestRefused
from hub_core.packages import Limits
from hub_core.server.thread import HubThread
from hub_core.wire.protocol import MAX_BATCH
from tests.hub_core.conftest import running_hub
from tests.hub_core.server.store.handcut import Game, named

LIMITS = Limits(max_files=10, max_total_bytes=3_000_000, max_file_bytes=2_000_000)


@pytest.fixture
def hub(data_dir: Path) -> Iterator[HubThread]:
    yield from running_hub(data_dir, limits=LIMITS)


async def _begun(dev: HubClient, game: Game) -> str:
    offer = await dev.publish_begin("1.0.0", game.manifest, [], ahead=True)
    assert offer.missing == []
    return offer.transfer


async def _announced(dev: HubClient, folder: Path) -> tuple[Game, str]:
    """A game whose every file is announced ahead, no block sent yet."""
    game = Game(folder)
    transfer = await _begun(dev, game)
    await dev.publish_ahead(transfer, [game.announce(p) for p in game.data])
    return game, transfer


async def test_blocks_sent_ahead_of_the_index_publish_and_install(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    game = Game(tmp_path / "g")
    transfer = await _begun(dev, game)
    # big.bin in two runs, its blocks sent between them: its hash advances as they land.
    first = ("big.bin", *[x[:2] for x in game.announce("big.bin")[1:]])
    assert (await dev.publish_ahead(transfer, [first])).missing == first[1]  # type: ignore[arg-type]
    await dev.upload_blocks(transfer, game.blocks("big.bin")[:2])
    rest = [("big.bin", *[x[2:] for x in game.announce("big.bin")[1:]])]
    rest += [game.announce(p) for p in game.data if p != "big.bin"]
    missing = (await dev.publish_ahead(transfer, rest)).missing  # type: ignore[arg-type]
    assert len(missing) == 1 + len(game.data) - 1
    for path in game.data:
        await dev.upload_blocks(transfer, game.blocks(path)[2 if path == "big.bin" else 0 :])
    with pytest.raises(RequestRefused, match="index has not come yet"):
        await dev.publish_commit(transfer)
    offer = await dev.publish_index(transfer, game.index())
    assert offer.missing == []
    assert offer.version == "1.0.0"
    await dev.publish_commit(transfer)
    await install(player, "rps", tmp_path / "games")
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == game.big


async def test_blocks_the_hub_has_are_not_asked_for_again(dev: HubClient, tmp_path: Path) -> None:
    game = Game(tmp_path / "g")
    transfer = await _begun(dev, game)
    announced = game.announce("big.bin")
    assert len((await dev.publish_ahead(transfer, [announced])).missing) == 3
    assert (await dev.publish_ahead(transfer, [("copy.bin", *announced[1:])])).missing == []


async def test_an_index_that_differs_from_the_announced_blocks_is_refused(
    dev: HubClient, tmp_path: Path
) -> None:
    game, transfer = await _announced(dev, tmp_path / "g")
    index = game.index()
    big = next(e for e in index if e[0] == "big.bin")
    big[3], big[4] = [named(game.big)], [len(game.big)]  # one block instead of three
    with pytest.raises(RequestRefused, match=r"other blocks for 'big\.bin' than were announced"):
        await dev.publish_index(transfer, index)
    with pytest.raises(RequestRefused, match="unknown or has expired"):
        await dev.publish_commit(transfer)
    assert await dev.my_games() == []


async def test_a_file_announced_but_left_out_of_the_index_is_refused(
    dev: HubClient, tmp_path: Path
) -> None:
    game, transfer = await _announced(dev, tmp_path / "g")
    await dev.publish_ahead(transfer, [("extra.bin", [named(b"x")], [1])])
    with pytest.raises(RequestRefused, match=r"other blocks for 'extra\.bin'"):
        await dev.publish_index(transfer, game.index())


async def test_a_file_hash_that_lies_is_refused_at_commit(dev: HubClient, tmp_path: Path) -> None:
    game, transfer = await _announced(dev, tmp_path / "g")
    for path in game.data:
        await dev.upload_blocks(transfer, game.blocks(path))
    index = game.index()
    next(e for e in index if e[0] == "big.bin")[2] = "b3-" + "0" * 64
    await dev.publish_index(transfer, index)
    with pytest.raises(RequestRefused, match=r"'big\.bin' do not add up to its announced hash"):
        await dev.publish_commit(transfer)
    assert await dev.my_games() == []


async def test_blocks_never_announced_are_refused(dev: HubClient, tmp_path: Path) -> None:
    game = Game(tmp_path / "g")
    transfer = await _begun(dev, game)
    with pytest.raises(RequestRefused, match="has no block with hash"):
        await dev.upload_blocks(transfer, game.blocks("big.bin"))


BAD_PIECES: list[tuple[str, list[Any], str]] = [
    ("a path out of the package", [("../x.bin", ["a" * 64], [10])], "The path"),
    ("a path with a drive", [("C:/x.bin", ["a" * 64], [10])], "The path"),
    ("more hashes than sizes", [("x.bin", ["a" * 64, "b" * 64], [10])], "lists 2 blocks but 1"),
    ("a block over 1 MiB", [("x.bin", ["a" * 64], [2 * 1024 * 1024])], "block size outside"),
    ("an empty block", [("x.bin", ["a" * 64], [0])], "block size outside"),
    ("a hash that is not one", [("x.bin", ["A" * 64], [10])], "not 64 lowercase hex"),
    ("too many blocks at once", [("x.bin", ["a" * 64] * (MAX_BATCH + 1), [1] * (MAX_BATCH + 1))],
     "at most 1,024 blocks"),
    ("a file over the limit", [("x.bin", ["a" * 64, "b" * 64], [1_048_576, 1_048_576])],
     "limit for one file"),
    ("the package over the limit", [(f"{n}.bin", ["ab"[n % 2] * 64], [1_048_576])
     for n in range(4)], "that is the limit"),
    ("more files than allowed", [(f"{n}.bin", [], []) for n in range(11)],
     "more than 10 files"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pieces", "match"), [p[1:] for p in BAD_PIECES], ids=[p[0] for p in BAD_PIECES]
)
async def test_bad_announcements_are_refused_with_a_sentence(
    dev: HubClient, tmp_path: Path, pieces: list[Any], match: str
) -> None:
    game = Game(tmp_path / "g")
    transfer = await _begun(dev, game)
    with pytest.raises(RequestRefused, match=match):
        await dev.publish_ahead(transfer, pieces)
    # Nothing of the refused announcement counts: a good one still goes through.
    assert len((await dev.publish_ahead(transfer, [game.announce("big.bin")])).missing) == 3


async def test_announcing_or_indexing_a_whole_upload_is_refused(
    dev: HubClient, tmp_path: Path
) -> None:
    game = Game(tmp_path / "g")
    offer = await dev.publish_begin("1.0.0", game.manifest, game.index())
    with pytest.raises(RequestRefused, match="has its index already"):
        await dev.publish_ahead(offer.transfer, [game.announce("big.bin")])
    with pytest.raises(RequestRefused, match="has its index already"):
        await dev.publish_index(offer.transfer, game.index())


async def test_the_index_is_checked_as_at_begin(dev: HubClient, tmp_path: Path) -> None:
    game = Game(tmp_path / "g")
    transfer = await _begun(dev, game)
    index = [e for e in game.index() if e[0] != "server.py"]  # the manifest's entry_server
    with pytest.raises(RequestRefused, match=r"server\.py"):
        await dev.publish_index(transfer, index)
