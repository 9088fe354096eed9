"""The Repository's contract: round trips, reopen, insert races, copies, validation, closing."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB
from tinydb.table import Document, Table

from hub_core.storage import KeyExists, Repository, StorageError, open_repository
from hub_core.storage._layout import shard_of


def reopened(repo: Repository) -> Repository:
    repo.close()
    return open_repository(repo.root)


async def test_put_get_delete_all_count_and_reopen(repo: Repository) -> None:
    await repo.put("players", "alice", {"name": "Alice", "played": {"chess": 2}})
    await repo.put("players", "bob", {"name": "Bob"})
    await repo.put("games", "chess", {"author": "alice"})
    await repo.put("players", "bob", {"name": "Bob", "v": 2})  # replaces, does not merge
    await repo.delete("players", "nobody")  # absent: no error
    assert repo.get("players", "alice") == {"name": "Alice", "played": {"chess": 2}}
    assert repo.get("players", "bob") == {"name": "Bob", "v": 2}
    assert repo.get("players", "carol") is None
    assert repo.get("no_such_table", "x") is None
    assert repo.count("players") == 2
    assert repo.contains("games", "chess")
    await repo.delete("players", "alice")
    assert not repo.contains("players", "alice")
    assert repo.all("players") == {"bob": {"name": "Bob", "v": 2}}
    assert repo.all("empty") == {}

    again = reopened(repo)
    try:
        assert again.all("players") == {"bob": {"name": "Bob", "v": 2}}
        assert again.all("games") == {"chess": {"author": "alice"}}
        assert again.count("players") == 1
    finally:
        again.close()


async def test_changes_count_per_table(repo: Repository) -> None:
    assert repo.changes("games") == 0
    await repo.put("games", "chess", {"v": 1})
    await repo.put("games", "chess", {"v": 2})
    await repo.delete("games", "chess")
    await repo.put("players", "alice", {})
    assert repo.changes("games") == 3
    assert repo.changes("players") == 1


async def test_odd_keys_round_trip(repo: Repository) -> None:
    keys = ["../../etc/passwd", "a/b\\c", "\ud800 lone surrogate", "日本語", "🎲", " ", "00"]
    for i, key in enumerate(keys):
        await repo.put("odd", key, {"i": i, "text": key})
    again = reopened(repo)
    try:
        assert again.all("odd") == {key: {"i": i, "text": key} for i, key in enumerate(keys)}
    finally:
        again.close()
    assert sorted(p.name for p in (repo.root / "odd").iterdir()) == sorted(
        {f"{shard_of(k)}.json" for k in keys}
    )


async def test_insert_refuses_an_existing_key_before_awaiting(repo: Repository) -> None:
    await repo.insert("players", "alice", {"n": 1})
    coro = repo.insert("players", "alice", {"n": 2})
    with pytest.raises(KeyExists) as caught:
        coro.send(None)  # the first step raises: no await happened yet
    assert caught.value.table == "players"
    assert caught.value.key == "alice"
    assert "'alice'" in str(caught.value)
    assert str(caught.value).endswith(".")
    assert isinstance(caught.value, StorageError)
    assert repo.get("players", "alice") == {"n": 1}


async def test_two_concurrent_inserts_exactly_one_wins(repo: Repository) -> None:
    results = await asyncio.gather(
        *(repo.insert("players", "alice", {"by": i}) for i in range(5)), return_exceptions=True
    )
    winners = [i for i, r in enumerate(results) if r is None]
    assert len(winners) == 1
    assert all(isinstance(r, KeyExists) for r in results if r is not None)
    assert repo.get("players", "alice") == {"by": winners[0]}
    again = reopened(repo)
    try:
        assert again.get("players", "alice") == {"by": winners[0]}
    finally:
        again.close()


async def test_reads_and_writes_are_copies(repo: Repository) -> None:
    doc: dict[str, Any] = {"tags": ["a"], "nested": {"x": 1}}
    await repo.put("t", "k", doc)
    doc["tags"].append("changed after put")
    got = repo.get("t", "k")
    assert got is not None
    got["nested"]["x"] = 99
    repo.all("t")["k"]["tags"].append("changed via all")
    assert repo.get("t", "k") == {"tags": ["a"], "nested": {"x": 1}}


async def test_bad_names_and_docs_are_refused_and_change_nothing(repo: Repository) -> None:
    for table in ["", "Players", "1abc", "a-b", "a/b", "..", "é"]:
        with pytest.raises(ValueError, match="Table name"):
            await repo.put(table, "k", {})
    with pytest.raises(ValueError, match="non-empty"):
        await repo.put("t", "", {})
    with pytest.raises(TypeError):
        await repo.put("t", "k", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await repo.put("t", "k", {"when": object()})
    with pytest.raises(ValueError):
        await repo.put("t", "k", {"x": float("nan")})
    assert repo.count("t") == 0
    assert repo.stats()["ops"] == 0


async def test_docs_are_stored_as_json_would_read_them_back(repo: Repository) -> None:
    await repo.put("t", "k", {"tuple": (1, 2), 3: "int key"})  # type: ignore[dict-item]
    assert repo.get("t", "k") == {"tuple": [1, 2], "3": "int key"}


async def test_flush_close_and_use_after_close(repo: Repository) -> None:
    pending = [asyncio.ensure_future(repo.put("t", str(i), {"i": i})) for i in range(10)]
    await asyncio.sleep(0)  # the puts are queued
    await repo.flush()
    await asyncio.gather(*pending)
    assert repo.stats()["ops"] == 11  # ten puts and the flush's barrier
    repo.close()
    repo.close()  # idempotent
    await repo.flush()  # nothing left to wait for
    with pytest.raises(StorageError, match="closed"):
        await repo.put("t", "x", {})
    assert repo.get("t", "3") == {"i": 3}  # reads still answer from memory


async def test_close_writes_out_everything_queued(root: Path) -> None:
    repo = open_repository(root)
    tasks = [asyncio.ensure_future(repo.put("t", str(i), {"i": i})) for i in range(200)]
    await asyncio.sleep(0)
    await asyncio.get_running_loop().run_in_executor(None, repo.close)
    await asyncio.gather(*tasks)
    with open_repository(root) as again:
        assert again.count("t") == 200


async def test_cancelled_waiter_still_gets_its_write(repo: Repository) -> None:
    task = asyncio.ensure_future(repo.put("t", "k", {"v": 1}))
    await asyncio.sleep(0)
    task.cancel()
    await repo.flush()
    assert repo.get("t", "k") == {"v": 1}
    again = reopened(repo)
    try:
        assert again.get("t", "k") == {"v": 1}
    finally:
        again.close()


def test_a_second_open_of_the_same_folder_is_refused(repo: Repository) -> None:
    with pytest.raises(StorageError, match="in use"):
        open_repository(repo.root)
    repo.close()
    open_repository(repo.root).close()


class StrIds(Table):
    document_id_class = str  # type: ignore[assignment]  # what plain TinyDB needs for str ids


async def test_shards_are_plain_tinydb_files(repo: Repository) -> None:
    await repo.put("players", "alice", {"name": "Alice"})
    await repo.put("players", "42", {"name": "Numbered"})
    await repo.put("games", "chess", {"v": [1, 0, 0]})
    path = repo.root / "players" / f"{shard_of('alice')}.json"
    with TinyDB(path) as db:
        assert db.tables() == {"players"}
        assert db.storage.read() == {"players": {"alice": {"name": "Alice"}}}
        assert len(db.table("players")) == 1
        db.table_class = StrIds
        assert db.table("players").get(doc_id="alice") == {"name": "Alice"}
    with TinyDB(repo.root / "players" / f"{shard_of('42')}.json") as db:
        assert db.table("players").get(doc_id=42) == {"name": "Numbered"}  # plain int ids


async def test_reads_files_written_by_tinydb_itself(root: Path) -> None:
    (root / "players").mkdir(parents=True)
    with TinyDB(root / "players" / f"{shard_of('bob')}.json") as db:
        db.table_class = StrIds
        db.table("players").insert(Document({"name": "Bob"}, doc_id="bob"))  # type: ignore[arg-type]
    with open_repository(root) as repo:
        assert repo.get("players", "bob") == {"name": "Bob"}
        await repo.put("players", "bob", {"name": "Bob", "v": 2})
    path = root / "players" / f"{shard_of('bob')}.json"
    assert json.loads(path.read_text()) == {"players": {"bob": {"name": "Bob", "v": 2}}}


OPS = st.lists(
    st.tuples(
        st.sampled_from(["put", "insert", "delete"]),
        st.sampled_from(["a", "b"]),
        st.text(max_size=4),
        st.integers(),
    ),
    max_size=30,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_matches_a_dict_model_before_and_after_reopen(ops: list[tuple[str, str, str, int]]) -> None:
    """Concurrent puts, inserts and deletes agree with a plain dict, in memory and on disk."""
    with tempfile.TemporaryDirectory() as tmp:
        model: dict[str, dict[str, dict[str, Any]]] = {"a": {}, "b": {}}
        asyncio.run(_run_model(Path(tmp), ops, model))
        with open_repository(Path(tmp)) as repo:
            for table, docs in model.items():
                assert repo.all(table) == docs


async def _run_model(
    root: Path, ops: list[tuple[str, str, str, int]], model: dict[str, dict[str, dict[str, Any]]]
) -> None:
    """Gathered coroutines run their synchronous parts in order, as the model does."""
    with open_repository(root) as repo:
        calls, refused = [], []
        for kind, table, raw_key, value in ops:
            key = raw_key or "empty"
            refused.append(kind == "insert" and key in model[table])
            if kind == "delete":
                model[table].pop(key, None)
                calls.append(repo.delete(table, key))
                continue
            if not refused[-1]:
                model[table][key] = {"v": value}
            calls.append(getattr(repo, kind)(table, key, {"v": value}))
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert [isinstance(r, KeyExists) for r in results] == refused
        assert all(r is None for r in results if not isinstance(r, KeyExists))
        for table, docs in model.items():
            assert repo.all(table) == docs
