"""What reaches the disk: leftovers, damaged shards, failed writes, and group commit."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub_core.storage import Repository, StorageError, open_repository
from hub_core.storage._layout import shard_of

Replace = Callable[[Any, Any], None]


def shard_path(root: Path, table: str, key: str) -> Path:
    return root / table / f"{shard_of(key)}.json"


def on_disk(root: Path, table: str, key: str) -> Any:
    path = shard_path(root, table, key)
    return json.loads(path.read_text())[table].get(key) if path.exists() else None


def temp_files(root: Path) -> list[Path]:
    return [*root.rglob("*.tmp")]


async def test_leftover_temp_files_are_removed_at_open(root: Path) -> None:
    with open_repository(root) as repo:
        await repo.put("players", "alice", {"n": 1})
    path = shard_path(root, "players", "alice")
    (path.parent / (path.name + ".tmp")).write_text('{"players": {"alice": {"n": 2}}')  # torn
    (root / "stray.tmp").write_bytes(b"")
    with open_repository(root) as repo:
        assert temp_files(root) == []
        assert repo.get("players", "alice") == {"n": 1}


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b'{"players": {"alice": {"n": 1}', "not valid JSON"),
        (b"", "not valid JSON"),
        (b"\xff\xfe garbage", "not valid JSON"),
        (b"[1, 2]", "does not hold a JSON object"),
        (b'{"players": [1]}', "is not a JSON object"),
        (b'{"players": {"alice": 3}}', "'alice' is not a JSON object"),
        (b'{"players": {"alice": {"x": NaN}}}', "'alice' holds"),
    ],
)
async def test_a_damaged_shard_stops_the_open_and_names_the_file(
    root: Path, content: bytes, why: str
) -> None:
    with open_repository(root) as repo:
        await repo.put("players", "alice", {"n": 1})
        await repo.put("players", "bob", {"n": 1})
    path = shard_path(root, "players", "alice")
    path.write_bytes(content)
    with pytest.raises(StorageError) as caught:
        open_repository(root)
    assert str(path) in str(caught.value)
    assert why in str(caught.value)
    with pytest.raises(StorageError):  # the lock was released: the error repeats, not "in use"
        open_repository(root)
    assert path.read_bytes() == content  # left as found, for the user to inspect


async def test_a_record_in_the_wrong_shard_is_reported(root: Path) -> None:
    (root / "players").mkdir(parents=True)
    wrong = next(f"{n:02x}" for n in range(256) if f"{n:02x}" != shard_of("alice"))
    (root / "players" / f"{wrong}.json").write_text('{"players": {"alice": {}}}')
    with pytest.raises(StorageError, match=f"belongs in {shard_of('alice')}.json"):
        open_repository(root)


async def test_stray_files_and_folders_are_ignored(root: Path) -> None:
    (root / "Not-A-Table").mkdir(parents=True)
    (root / "players").mkdir()
    (root / "players" / "notes.txt").write_text("hello")
    (root / "README").write_text("hello")
    with open_repository(root) as repo:
        assert repo.count("players") == 0


def failing_replace(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """os.replace into the database fails as on a full disk."""
    real: Replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if str(dst).startswith(str(root)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


async def test_a_failed_write_raises_and_is_not_claimed(
    repo: Repository, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await repo.put("players", "alice", {"n": 1})
    failing_replace(monkeypatch, root)

    with pytest.raises(StorageError, match="No space left on device") as caught:
        await repo.put("players", "alice", {"n": 2})
    assert str(shard_path(root, "players", "alice")) in str(caught.value)
    assert str(caught.value).endswith(".")
    assert repo.get("players", "alice") == {"n": 1}

    with pytest.raises(StorageError):
        await repo.insert("players", "bob", {"n": 1})
    assert not repo.contains("players", "bob")
    with pytest.raises(StorageError):
        await repo.delete("players", "alice")
    assert repo.get("players", "alice") == {"n": 1}

    # Several changes to one key in one failing batch: back to what the disk holds.
    results = await asyncio.gather(
        *(repo.put("players", "alice", {"n": 10 + i}) for i in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, StorageError) for r in results)
    assert repo.get("players", "alice") == {"n": 1}
    assert repo.count("players") == 1


async def test_a_failed_write_counts_as_a_change_when_its_value_goes_back(
    repo: Repository, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a reader derived from the failed value must be made again."""
    await repo.put("players", "alice", {"n": 1})
    failing_replace(monkeypatch, root)
    before = repo.changes("players")
    with pytest.raises(StorageError):
        await repo.put("players", "alice", {"n": 2})
    await asyncio.sleep(0)  # the restore runs on the loop, ahead of the caller's wake-up
    assert repo.changes("players") == before + 2  # the change, then its undoing

    assert on_disk(root, "players", "alice") == {"n": 1}
    assert temp_files(root) == []
    assert repo.stats()["failures"] > 0

    monkeypatch.undo()
    await repo.put("players", "carol", {"n": 1})
    if shard_of("carol") == shard_of("bob"):  # the failed insert must not ride along
        assert on_disk(root, "players", "bob") is None
    repo.close()
    with open_repository(root) as again:
        assert again.all("players") == {"alice": {"n": 1}, "carol": {"n": 1}}


async def test_a_failure_when_creating_the_table_folder(
    repo: Repository, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "mkdir", no_mkdir)
    with pytest.raises(StorageError, match="Read-only file system"):
        await repo.put("games", "chess", {})
    assert not repo.contains("games", "chess")
    monkeypatch.undo()
    await repo.put("games", "chess", {"ok": True})
    assert on_disk(root, "games", "chess") == {"ok": True}


async def test_a_failed_batch_then_a_later_change_to_the_same_key(
    repo: Repository, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A's batch fails while B (same key) waits in the queue: B's outcome decides the key."""
    await repo.put("t", "k", {"v": "old"})
    entered, release = threading.Event(), threading.Event()
    real: Replace = os.replace
    calls = 0

    def replace(src: Any, dst: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            entered.set()
            release.wait(10)
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(src))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    first = asyncio.ensure_future(repo.put("t", "k", {"v": "A"}))
    await asyncio.sleep(0)
    await asyncio.to_thread(entered.wait, 10)  # the writer is inside A's batch
    second = asyncio.ensure_future(repo.put("t", "k", {"v": "B"}))
    await asyncio.sleep(0)
    assert repo.get("t", "k") == {"v": "B"}
    release.set()
    with pytest.raises(StorageError, match="Input/output error"):
        await first
    assert repo.get("t", "k") == {"v": "B"}  # still queued: A's failure does not undo it
    await second
    assert repo.get("t", "k") == {"v": "B"}
    assert on_disk(root, "t", "k") == {"v": "B"}


async def test_concurrent_writers_share_commits(repo: Repository) -> None:
    writes_each, writers = 10, 20

    async def writer(w: int) -> None:
        for i in range(writes_each):
            await repo.put("t", f"{w}-{i % 3}", {"w": w, "i": i})

    await asyncio.gather(*(writer(w) for w in range(writers)))
    stats = repo.stats()
    assert stats["ops"] == writes_each * writers
    assert stats["commits"] < writes_each * writers / 3, stats
    assert stats["dir_syncs"] == stats["commits"]  # one table folder: one fsync per batch
    assert repo.count("t") == writers * 3


async def test_one_write_touches_one_shard_file(repo: Repository, root: Path) -> None:
    await asyncio.gather(*(repo.put("t", f"k{i}", {"i": i}) for i in range(2000)))
    files = {p: p.stat().st_mtime_ns for p in (root / "t").iterdir()}
    assert len(files) == 256
    before = repo.stats()["files"]
    await repo.put("t", "k7", {"i": "changed"})
    assert repo.stats()["files"] == before + 1
    changed = [p for p, t in files.items() if p.stat().st_mtime_ns != t]
    assert changed in ([], [shard_path(root, "t", "k7")])  # coarse clocks may not tick
