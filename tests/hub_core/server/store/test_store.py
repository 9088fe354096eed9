"""Publishing, updating, removing, browsing, installing and repairing through a real hub."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, repair, verify
from hub_core.client.publishing import publish
from hub_core.errors import GameHubError, RequestRefused
from hub_core.packages import PackageError
from hub_core.wire.schema import InstallOffer, VersionHintReply
from tests.hub_core.gamefactory import make_game, random_bytes

MakeClient = Callable[..., Awaitable[HubClient]]


@pytest.fixture
def games_root(tmp_path: Path) -> Path:
    return tmp_path / "installed"


async def test_publish_then_browse_and_details(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    result = await publish(dev, make_game(tmp_path / "g", description="Rock, paper, scissors."))
    assert (result.name, result.version) == ("rps", "1.0.0")
    [game] = await player.list_games()
    assert game.display_name == "RPS"
    assert game.author == "dana"
    assert game.latest == "1.0.0"
    assert (game.avg_rating, game.review_count) == (None, 0)
    details = await player.game_details("rps")
    assert details.versions[0].manifest["description"] == "Rock, paper, scissors."
    assert details.reviews == []


async def test_browsing_sees_every_change_at_once(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    """The hub keeps the store list and details between changes: never a stale one."""
    game = make_game(tmp_path / "g")
    await publish(dev, game)
    for _ in range(2):  # the second answer comes from what the first one made
        assert [g.latest for g in await player.list_games()] == ["1.0.0"]
        assert [v.version for v in (await player.game_details("rps")).versions] == ["1.0.0"]
    await publish(dev, game)
    assert [g.latest for g in await player.list_games()] == ["1.0.1"]
    assert [v.version for v in (await player.game_details("rps")).versions] == ["1.0.1", "1.0.0"]
    await dev.unpublish("rps")
    assert await player.list_games() == []
    with pytest.raises(RequestRefused, match="was removed from the store"):
        await player.game_details("rps")


async def test_version_hint_and_update_sends_only_changes(dev: HubClient, tmp_path: Path) -> None:
    assert await dev.version_hint("rps") == VersionHintReply(
        exists=False, latest=None, versions=[], suggested="1.0.0", ahead=True
    )
    game = make_game(tmp_path / "g", files={"big.bin": random_bytes(2_500_000)})
    first = await publish(dev, game)
    (game / "server.py").write_text("print('server v2')\n")
    second = await publish(dev, game)
    assert second.version == "1.0.1"
    assert second.sent_bytes < 100
    assert first.sent_bytes > 2_500_000
    hint = await dev.version_hint("rps")
    assert hint == VersionHintReply(
        exists=True,
        latest="1.0.1",
        versions=["1.0.0", "1.0.1"],
        suggested="1.0.2",
        owner="dana",
        ahead=True,
    )


async def test_version_must_grow(dev: HubClient, tmp_path: Path) -> None:
    game = make_game(tmp_path / "g")
    await publish(dev, game, version="1.2.0")
    for version in ("1.2.0", "1.1.9", "0.9.0"):
        with pytest.raises(RequestRefused, match=r"is not greater than the latest, 1\.2\.0"):
            await publish(dev, game, version=version)
    with pytest.raises(RequestRefused, match=r"must look like major\.minor\.patch"):
        await publish(dev, game, version="2.0")


async def test_only_the_author_may_update_or_remove(
    dev: HubClient, make_client: MakeClient, tmp_path: Path
) -> None:
    await publish(dev, make_game(tmp_path / "g"))
    other = await make_client()
    await other.register("developer", "mallory", "secret")
    await other.login("developer", "mallory", "secret")
    with pytest.raises(RequestRefused, match="belongs to dana; only they can update it"):
        await publish(other, make_game(tmp_path / "h"), version="9.0.0")
    with pytest.raises(RequestRefused, match="only they can remove it"):
        await other.unpublish("rps")


async def test_remove_hides_and_republish_restores(
    dev: HubClient, player: HubClient, tmp_path: Path, games_root: Path
) -> None:
    game = make_game(tmp_path / "g")
    await publish(dev, game)
    await install(player, "rps", games_root)
    await dev.unpublish("rps")
    assert await player.list_games() == []
    with pytest.raises(RequestRefused, match="was removed from the store"):
        await install(player, "rps", games_root)
    assert read_installed(games_root, "rps") is not None  # players keep their copy
    [mine] = await dev.my_games()
    assert mine.status == "removed"
    await publish(dev, game)
    assert [g.latest for g in await player.list_games()] == ["1.0.1"]


async def test_install_update_and_up_to_date(
    dev: HubClient, player: HubClient, tmp_path: Path, games_root: Path
) -> None:
    game = make_game(tmp_path / "g", files={"assets/big.bin": random_bytes(3_000_000)})
    await publish(dev, game)
    first = await install(player, "rps", games_root)
    assert first.previous is None and first.fetched_bytes == first.total_bytes
    installed = read_installed(games_root, "rps")
    assert (
        installed is not None
        and (installed.folder / "assets" / "big.bin").stat().st_size == 3_000_000
    )
    again = await install(player, "rps", games_root)
    assert again.up_to_date
    (game / "client.py").write_text("print('new client')\n")
    await publish(dev, game)
    update = await install(player, "rps", games_root)
    assert (update.previous, update.version) == ("1.0.0", "1.0.1")
    assert update.fetched_bytes < 100  # the big file came from the installed copy
    installed = read_installed(games_root, "rps")
    assert installed is not None
    assert (installed.folder / "client.py").read_text() == "print('new client')\n"
    assert sorted(p.name for p in (games_root / "rps").iterdir()) == ["install.json", "v1.0.1"]


async def test_verify_and_repair(
    dev: HubClient, player: HubClient, tmp_path: Path, games_root: Path
) -> None:
    await publish(dev, make_game(tmp_path / "g", files={"data/level.txt": b"level one"}))
    await install(player, "rps", games_root)
    installed = read_installed(games_root, "rps")
    assert installed is not None
    (installed.folder / "data" / "level.txt").write_bytes(b"tampered")
    (installed.folder / "server.py").unlink()
    assert sorted(verify(games_root, "rps")) == ["data/level.txt", "server.py"]
    assert sorted(await repair(player, games_root, "rps")) == ["data/level.txt", "server.py"]
    assert verify(games_root, "rps") == []
    assert (installed.folder / "data" / "level.txt").read_bytes() == b"level one"


async def test_cancelled_install_leaves_previous_version(
    dev: HubClient, player: HubClient, tmp_path: Path, games_root: Path
) -> None:
    game = make_game(tmp_path / "g")
    await publish(dev, game)
    await install(player, "rps", games_root)
    (game / "big.bin").write_bytes(random_bytes(20_000_000))
    await publish(dev, game)
    task = asyncio.ensure_future(
        install(player, "rps", games_root, progress=lambda d, t: d > 2_000_000 and task.cancel())
    )
    with pytest.raises(asyncio.CancelledError):
        await task
    installed = read_installed(games_root, "rps")
    assert installed is not None and installed.version == "1.0.0"
    assert not (games_root / "rps" / "v1.0.1").exists()
    resumed = await install(player, "rps", games_root)  # picks up where it stopped
    assert resumed.version == "1.0.1"
    assert resumed.fetched_bytes < 20_000_000


async def test_interrupted_publish_resumes(
    dev: HubClient, player: HubClient, tmp_path: Path
) -> None:
    game = make_game(tmp_path / "g", files={"big.bin": random_bytes(12_000_000)})
    task = asyncio.ensure_future(
        publish(dev, game, progress=lambda d, t: d > 4_000_000 and task.cancel())
    )
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await player.list_games() == []  # nothing half-published
    result = await publish(dev, game)
    assert result.sent_bytes < 12_000_000


async def test_player_cannot_publish_and_developer_cannot_install(
    dev: HubClient, player: HubClient, tmp_path: Path, games_root: Path
) -> None:
    with pytest.raises(RequestRefused, match="needs a developer login"):
        await publish(player, make_game(tmp_path / "g"))
    await publish(dev, make_game(tmp_path / "h"))
    with pytest.raises(RequestRefused, match="needs a player login"):
        await install(dev, "rps", games_root)


async def test_unknown_game(player: HubClient, games_root: Path) -> None:
    with pytest.raises(RequestRefused, match="no game called 'chess'"):
        await install(player, "chess", games_root)


async def test_local_manifest_problems_stop_before_sending(dev: HubClient, tmp_path: Path) -> None:
    game = make_game(tmp_path / "g", max_players=0, type="VR")
    with pytest.raises(PackageError) as info:
        await publish(dev, game)
    assert len(info.value.problems) == 2
    assert await dev.my_games() == []


async def test_zip_package_publishes(dev: HubClient, tmp_path: Path) -> None:
    import shutil

    make_game(tmp_path / "rps")
    archive = shutil.make_archive(str(tmp_path / "rps"), "zip", root_dir=tmp_path, base_dir="rps")
    result = await publish(dev, Path(archive))
    assert result.name == "rps"


async def test_hub_refuses_bad_index_and_blocks(dev: HubClient, tmp_path: Path) -> None:
    game = make_game(tmp_path / "g")
    manifest = json.loads((game / "manifest.json").read_text())
    with pytest.raises(RequestRefused, match=r"server\.py") as info:
        await dev.publish_begin("1.0.0", manifest, [["manifest.json", 0, "0" * 64, []]])
    assert info.value.code == "package_invalid"
    with pytest.raises(RequestRefused, match="lists 0 blocks; a file of 10 bytes has 1"):
        await dev.publish_begin("1.0.0", manifest, [["manifest.json", 10, "0" * 64, []]])
    server = b"print('server')\n"
    entries = [
        ["client.py", len(server), "a" * 64, ["a" * 64]],
        ["manifest.json", 10, "b" * 64, ["b" * 64]],
        ["server.py", len(server), "c" * 64, ["c" * 64]],
    ]
    transfer = (await dev.publish_begin("1.0.0", manifest, entries)).transfer
    with pytest.raises(RequestRefused, match="does not match its announced hash") as info:
        await dev.upload_blocks(transfer, [("a" * 64, server)])
    assert info.value.code == "transfer"
    with pytest.raises(RequestRefused, match="has no block with hash dddd"):
        await dev.upload_blocks(transfer, [("d" * 64, b"x")])
    with pytest.raises(RequestRefused, match="unknown or has expired"):
        await dev.upload_blocks("nope", [("c" * 64, b"x")])
    with pytest.raises(RequestRefused, match="have not arrived yet"):
        await dev.publish_commit(transfer)
    assert await dev.my_games() == []


async def test_blocks_that_do_not_add_up_are_refused_at_commit(
    dev: HubClient, tmp_path: Path
) -> None:
    import hashlib

    game = make_game(tmp_path / "g")
    manifest_bytes = (game / "manifest.json").read_bytes()
    script = b"print('x')\n"

    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    entries = [
        ["client.py", len(script), "e" * 64, [sha(script)]],  # whole-file hash is a lie
        ["manifest.json", len(manifest_bytes), sha(manifest_bytes), [sha(manifest_bytes)]],
        ["server.py", len(script), sha(script), [sha(script)]],
    ]
    manifest = json.loads(manifest_bytes)
    begun = await dev.publish_begin("1.0.0", manifest, entries)
    for data in (script, manifest_bytes):
        await dev.upload_blocks(begun.transfer, [(sha(data), data)])
    with pytest.raises(RequestRefused, match=r"'client\.py' do not add up to its announced hash"):
        await dev.publish_commit(begun.transfer)
    assert await dev.my_games() == []


async def test_bad_block_requests(player: HubClient) -> None:
    with pytest.raises(RequestRefused, match="has no block with hash"):
        await player.fetch_blocks(["d" * 64])
    with pytest.raises(RequestRefused, match="not a content hash"):
        await player.fetch_blocks(["../../etc/passwd"])


async def test_hub_offering_hostile_index_is_refused(player: HubClient, games_root: Path) -> None:
    from hub_core.client.installs import _check_offer
    from hub_core.packages import Limits

    offer = InstallOffer(
        name="evil",
        version="1.0.0",
        index=[
            ["../evil.py", 1, "a" * 64, ["a" * 64]],
            ["manifest.json", 1, "b" * 64, ["b" * 64]],
        ],
        manifest={},
    )
    with pytest.raises(GameHubError, match="fails the checks"):
        _check_offer(offer, Limits())
