"""Content-defined blocks through a real hub: insertions cost a block or two, and packages
stored in the older fixed-block layout stay installable."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, verify
from hub_core.client.publishing import publish
from hub_core.errors import RequestRefused
from hub_core.packages import BLOCK_BYTES, FileEntry, index_to_wire
from hub_core.packages.index import hash_blocks
from tests.hub_core.gamefactory import make_game, random_bytes

MakeClient = Callable[..., Awaitable[HubClient]]
MB = 1_000_000


async def test_an_insertion_near_the_start_sends_a_block_or_two(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    big = random_bytes(8 * MB)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    await publish(dev, game)
    await install(player, "rps", tmp_path / "games")
    changed = big[:100_000] + random_bytes(1000) + big[100_000:]
    (game / "big.bin").write_bytes(changed)
    update = await publish(dev, game)
    fetched = await install(player, "rps", tmp_path / "games")
    # Fixed 512 KiB blocks would resend all 8 MB; content-defined ones about one block.
    assert update.sent_bytes <= 2 * MB
    assert fetched.fetched_bytes <= 2 * MB
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and installed.version == "1.0.1"
    assert (installed.folder / "big.bin").read_bytes() == changed
    assert verify(tmp_path / "games", "rps") == []


def _old_layout(folder: Path) -> list[FileEntry]:
    """The index a client from before content-defined blocks sent: fixed BLOCK_BYTES pieces."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with path.open("rb") as f:
            digest, size, blocks = hash_blocks(f)
        entries.append(FileEntry(path.relative_to(folder).as_posix(), size, digest, blocks))
    return entries


async def test_a_package_stored_in_fixed_blocks_stays_installable_and_updatable(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    big = random_bytes(3 * BLOCK_BYTES + 1234)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    entries = _old_layout(game)
    wire = index_to_wire(entries)
    assert all(len(item) == 4 for item in wire)  # the old wire shape, no block sizes
    manifest = json.loads((game / "manifest.json").read_text())
    begun = await dev.publish_begin("1.0.0", manifest, wire)
    for entry in entries:
        data = (game / entry.path).read_bytes()
        for number, digest in enumerate(entry.blocks):
            piece = data[number * BLOCK_BYTES : (number + 1) * BLOCK_BYTES]
            if digest in begun.missing:
                await dev.upload_blocks(begun.transfer, [(digest, piece)])
    await dev.publish_commit(begun.transfer)
    first = await install(player, "rps", tmp_path / "games")
    assert first.version == "1.0.0"
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == big
    # Today's client publishes the next version with content-defined blocks; the player's
    # update from the old layout still works.
    (game / "big.bin").write_bytes(big + b"more")
    await publish(dev, game)
    second = await install(player, "rps", tmp_path / "games")
    assert second.version == "1.0.1"
    assert verify(tmp_path / "games", "rps") == []


async def test_the_hub_refuses_block_sizes_that_do_not_add_up(
    dev: HubClient, tmp_path: Path
) -> None:
    game = make_game(tmp_path / "g")
    manifest = json.loads((game / "manifest.json").read_text())
    data = (game / "manifest.json").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    entries = [
        ["client.py", 16, "a" * 64, ["a" * 64], [16]],
        ["manifest.json", len(data), sha, [sha], [len(data) + 1]],
        ["server.py", 16, "c" * 64, ["c" * 64], [16]],
    ]
    with pytest.raises(RequestRefused, match=r"blocks of .* bytes in all; the file has"):
        await dev.publish_begin("1.0.0", manifest, entries)
    entries[1][4] = [2 * 1024 * 1024]
    with pytest.raises(RequestRefused, match="block size outside 1 to"):
        await dev.publish_begin("1.0.0", manifest, entries)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entries_of(game: Path, big: bytes, cuts: list[int]) -> tuple[list[list[Any]], list[bytes]]:
    """A wire index of ``game`` with big.bin cut at ``cuts``, and big.bin's pieces."""
    edges = [0, *cuts, len(big)]
    pieces = [big[a:b] for a, b in itertools.pairwise(edges)]
    entries: list[list[Any]] = []
    for path in sorted(p for p in game.rglob("*") if p.is_file()):
        data = path.read_bytes()
        rel = path.relative_to(game).as_posix()
        parts = pieces if rel == "big.bin" else [data]
        entries.append(
            [rel, len(data), _sha(data), [_sha(p) for p in parts], [len(p) for p in parts]]
        )
    return entries, pieces


async def test_blocks_arriving_out_of_order_still_add_up(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    big = random_bytes(600_000)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    entries, pieces = _entries_of(game, big, [200_000, 400_000])
    manifest = json.loads((game / "manifest.json").read_text())
    begun = await dev.publish_begin("1.0.0", manifest, entries)
    for piece in reversed(pieces):  # the file's hash waits, then reads the rest back
        await dev.upload_blocks(begun.transfer, [(_sha(piece), piece)])
    for path in ("client.py", "manifest.json", "server.py"):
        data = (game / path).read_bytes()
        await dev.upload_blocks(begun.transfer, [(_sha(data), data)])
    await dev.publish_commit(begun.transfer)
    await install(player, "rps", tmp_path / "games")
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == big


async def test_block_sizes_that_lie_are_refused_at_commit(dev: HubClient, tmp_path: Path) -> None:
    big = random_bytes(300_000)
    game = make_game(tmp_path / "g", files={"big.bin": big})
    entries, pieces = _entries_of(game, big, [100_000])
    entries[0][4] = [200_000, 100_000]  # adds up to the size, but the blocks are 100k and 200k
    manifest = json.loads((game / "manifest.json").read_text())
    begun = await dev.publish_begin("1.0.0", manifest, entries)
    for path in ("client.py", "manifest.json", "server.py"):
        data = (game / path).read_bytes()
        await dev.upload_blocks(begun.transfer, [(_sha(data), data)])
    for piece in pieces:
        await dev.upload_blocks(begun.transfer, [(_sha(piece), piece)])
    with pytest.raises(RequestRefused, match=r"'big\.bin' do not add up to its announced hash"):
        await dev.publish_commit(begun.transfer)
    assert await dev.my_games() == []
