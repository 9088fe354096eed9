"""Publishing while the files are still being cut, and the whole-index way older hubs know."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from hub_core.client import _ahead, publishing
from hub_core.client.hub_client import HubClient
from hub_core.client.installs import install, read_installed, verify
from hub_core.client.publishing import Package, publish
from hub_core.errors import GameHubError
from hub_core.packages import Limits, PackageError
from hub_core.packages.wheels import Resolved
from tests.hub_core.gamefactory import make_game, random_bytes

MakeClient = Callable[..., Awaitable[HubClient]]
MB = 1_000_000


class Watched(HubClient):
    """A developer's client that notes when each publishing request went."""

    calls: list[str]

    async def call(self, request: Any, **kwargs: Any) -> Any:
        self.calls.append(request.kind)
        return await super().call(request, **kwargs)


async def _developer(make_client: MakeClient) -> Watched:
    c = await make_client()
    await c.register("developer", "dana", "secret")
    await c.login("developer", "dana", "secret")
    c.__class__ = Watched
    c.calls = []
    return c  # type: ignore[return-value]


async def _player(make_client: MakeClient) -> HubClient:
    c = await make_client()
    await c.register("player", "pat", "secret")
    await c.login("player", "pat", "secret")
    return c


class Gated(Watched):
    """A developer's client whose cutting thread waits, after each run of blocks it hands
    over, until the loop has announced it, and before its end until a batch has gone: a
    slow disk, or a fast network. Without the gate the test would depend on which of the
    two threads the machine runs faster."""

    announced: threading.Event
    uploaded: threading.Event

    async def call(self, request: Any, **kwargs: Any) -> Any:
        reply = await super().call(request, **kwargs)
        if request.kind == "publish_ahead":
            self.announced.set()
        return reply

    async def upload_frame(self, frame: Any, **kwargs: Any) -> Any:
        self.uploaded.set()
        return await super().upload_frame(frame, **kwargs)


def _gate_the_cutter(dev: Gated, monkeypatch: pytest.MonkeyPatch) -> None:
    dev.__class__ = Gated
    dev.announced, dev.uploaded = threading.Event(), threading.Event()
    hand_over, end = _ahead._Pieces._hand_over, _ahead._Pieces.end

    def gated_hand_over(pieces: _ahead._Pieces) -> None:
        dev.announced.clear()
        had = bool(pieces._held)
        hand_over(pieces)
        if had:
            assert dev.announced.wait(10), "the loop never announced a run of blocks"

    def gated_end(pieces: _ahead._Pieces) -> None:
        assert dev.uploaded.wait(10), "no batch went while the file was cut"
        end(pieces)

    monkeypatch.setattr(_ahead._Pieces, "_hand_over", gated_hand_over)
    monkeypatch.setattr(_ahead._Pieces, "end", gated_end)


async def test_blocks_travel_while_a_large_file_is_cut(
    make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev, player = await _developer(make_client), await _player(make_client)
    big = random_bytes(24 * MB)
    files = {"big.bin": big, "empty.txt": b"", "data/a.txt": b"a" * 10}
    _gate_the_cutter(dev, monkeypatch)  # type: ignore[arg-type]
    result = await publish(dev, make_game(tmp_path / "g", files=files))
    monkeypatch.undo()
    assert result.sent_bytes == result.total_bytes
    calls = dev.calls[dev.calls.index("publish_begin") :]
    # Blocks were announced and sent in several runs before the index was known.
    assert calls.count("publish_ahead") >= 3
    assert calls.index("upload_blocks") < calls.index("publish_index")
    await install(player, "rps", tmp_path / "games")
    installed = read_installed(tmp_path / "games", "rps")
    assert installed is not None and (installed.folder / "big.bin").read_bytes() == big
    assert verify(tmp_path / "games", "rps") == []
    # An update sends only what changed, however its blocks were announced.
    (tmp_path / "g" / "big.bin").write_bytes(big[:MB] + random_bytes(1000) + big[MB:])
    assert (await publish(dev, tmp_path / "g")).sent_bytes < 2 * MB


class SlowReplies(Watched):
    """A developer's client that hears each publish_ahead reply late, as while 2 MB frames
    queue ahead of it on the connection, and counts the announcements on their way."""

    flying: int
    most: int

    async def call(self, request: Any, **kwargs: Any) -> Any:
        if request.kind != "publish_ahead":
            return await super().call(request, **kwargs)
        self.flying += 1
        self.most = max(self.most, self.flying)
        try:
            reply = await super().call(request, **kwargs)
            await asyncio.sleep(0.05)
            return reply
        finally:
            self.flying -= 1


async def test_announcements_overlap_and_the_hub_takes_them_in_order(
    make_client: MakeClient, tmp_path: Path
) -> None:
    """One announcement at a time left the uploader idle between slow replies; several
    go at once, and the hub still gets each file's blocks in order."""
    dev, player = await _developer(make_client), await _player(make_client)
    dev.__class__ = SlowReplies
    dev.flying = dev.most = 0  # type: ignore[attr-defined]
    files = {"big.bin": random_bytes(24 * MB), "other.bin": random_bytes(9 * MB)}
    result = await publish(dev, make_game(tmp_path / "g", files=files))
    assert result.sent_bytes == result.total_bytes
    assert dev.most == _ahead.AHEAD_IN_FLIGHT > 1  # type: ignore[attr-defined]
    await install(player, "rps", tmp_path / "games")
    assert verify(tmp_path / "games", "rps") == []


async def test_a_hub_without_ahead_gets_the_whole_index_first(
    make_client: MakeClient, tmp_path: Path
) -> None:
    """The way to hubs from before publish_ahead: cut everything, then begin with the index."""
    dev, player = await _developer(make_client), await _player(make_client)
    folder = make_game(tmp_path / "g", files={"big.bin": random_bytes(6 * MB)})
    limits = Limits()
    _, manifest, found = publishing.survey(folder, limits, tmp_path)
    package = Package(folder, manifest, found, Resolved(), limits, "1.0.0")
    progress: list[tuple[int, int]] = []
    published, sent = await publishing._publish_whole(
        dev, package, lambda done, total: progress.append((done, total))
    )
    assert (published.version, sent) == ("1.0.0", package.total)
    assert "publish_ahead" not in dev.calls and "publish_index" not in dev.calls
    assert progress[-1] == (sent, sent)
    await install(player, "rps", tmp_path / "games")
    assert verify(tmp_path / "games", "rps") == []


async def test_a_file_that_changes_while_it_is_cut_stops_the_publish(
    make_client: MakeClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = await _developer(make_client)
    folder = make_game(tmp_path / "g", files={"big.bin": random_bytes(24 * MB)})
    surveyed = publishing.survey

    def then_shrink(*args: Any) -> Any:
        found = surveyed(*args)
        os.truncate(folder / "big.bin", 12 * MB)  # the developer saves it meanwhile
        return found

    monkeypatch.setattr(publishing, "survey", then_shrink)
    with pytest.raises(PackageError, match=r"big\.bin'? changed while it was being read"):
        await publish(dev, folder)
    assert "publish_index" not in dev.calls and "publish_commit" not in dev.calls
    assert await dev.my_games() == []
    # The cutting thread has stopped: the next publish's cut starts at once.
    monkeypatch.setattr(publishing, "survey", surveyed)
    await asyncio.wait_for(asyncio.wrap_future(_ahead._cutter().submit(int)), 1)
    assert (await publish(dev, folder)).version == "1.0.0"


async def test_small_files_are_announced_and_sent_in_whole_batches(
    make_client: MakeClient, tmp_path: Path
) -> None:
    """One announcement and one upload per small file made a 1,000-file publish twice as
    slow: both gather runs of blocks first."""
    dev = await _developer(make_client)
    files = {f"data/{n:03}.bin": random_bytes(10_000) for n in range(300)}
    result = await publish(dev, make_game(tmp_path / "g", files=files))
    assert result.sent_bytes == result.total_bytes
    assert dev.calls.count("publish_ahead") <= 4
    assert dev.calls.count("upload_blocks") <= 4  # 3 MB in batches of up to 2 MB


def test_a_hub_asking_for_a_block_the_package_lacks_stops_the_publish(tmp_path: Path) -> None:
    """A hub is a stranger too: a block it asks for must be one the package has."""
    sources = {"a" * 64: publishing.BlockSource(tmp_path / "f", 0, 10)}
    assert publishing.asked_for(["a" * 64], sources) == ["a" * 64]
    with pytest.raises(GameHubError, match=r"asked for a block this package does not have"):
        publishing.asked_for(["a" * 64, "b" * 64], sources)
