"""One shard as a TinyDB: whole-doc replace, delete of absent keys, and rollback to the
snapshot, which holds only because docs are replaced, never edited in place."""

from __future__ import annotations

import json
from pathlib import Path

from hub_core.storage._tinydb import ShardDB


def shard(tmp_path: Path) -> ShardDB:
    return ShardDB(tmp_path / "0.json", "players", {"players": {"ann": {"name": "Ann", "x": 1}}})


def test_replace_sets_the_whole_doc(tmp_path: Path) -> None:
    db = shard(tmp_path)
    db.apply("ann", json.dumps({"name": "Ann"}))
    db.apply("bob", json.dumps({"name": "Bob"}))
    db.apply("nobody", None)  # deleting an absent key is no error
    assert db.text_of("ann") == '{"name":"Ann"}'
    assert db.text_of("bob") == '{"name":"Bob"}'


def test_rollback_returns_to_the_state_before_the_batch(tmp_path: Path) -> None:
    db = shard(tmp_path)
    db.begin()
    db.apply("ann", json.dumps({"name": "Ann", "x": 2}))
    db.apply("bob", json.dumps({"name": "Bob"}))
    db.rollback()
    assert db.text_of("ann") == '{"name":"Ann","x":1}'
    assert db.text_of("bob") is None


def test_commit_writes_the_shard_file(tmp_path: Path) -> None:
    db = shard(tmp_path)
    db.apply("ann", None)
    db.commit()
    assert json.loads((tmp_path / "0.json").read_bytes()) == {"players": {}}
    assert [p.name for p in tmp_path.iterdir()] == ["0.json"]
