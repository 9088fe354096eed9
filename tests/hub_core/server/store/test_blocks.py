"""The block store on its own: its folders, and a block whose folder went missing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from hub_core.server.store.blocks import BlockError, BlockStore


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_every_folder_is_made_once_at_start(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    assert len([p for p in store.root.iterdir() if p.is_dir()]) == 256
    BlockStore(tmp_path / "blocks")  # again: nothing to do, nothing lost
    assert len(list(store.root.iterdir())) == 256


def test_a_block_whose_folder_was_removed_is_still_stored(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    data = b"a block"
    shutil.rmtree(store.root / _digest(data)[:2])
    store.put(_digest(data), data)
    assert store.read(_digest(data)) == data


def test_a_block_that_does_not_match_its_hash_is_refused(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    with pytest.raises(BlockError, match="does not match"):
        store.put(_digest(b"one"), b"other")
    assert not store.has(_digest(b"one"))
