"""The block store on its own: packs, blocks stored one file each by older hubs, and what
a damaged or interrupted write leaves."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from hub_core.server.store import _packs
from hub_core.server.store.blocks import PACKS, BlockError, BlockStore, Held, named_digest
from hub_core.util import digests
from hub_core.util.digests import HashKind


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _items(*blocks: bytes) -> list[tuple[str, bytes]]:
    return [(_digest(b), b) for b in blocks]


def test_a_batch_is_one_pack_named_by_its_list_of_blocks(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_items(b"one", b"two", b"three"))
    (pack,) = store.packs.iterdir()
    raw = pack.read_bytes()
    head = raw[: len(raw) - len(b"onetwothree")]
    assert raw.endswith(b"onetwothree") and pack.name == _digest(head) + ".pack"
    assert named_digest((PACKS, pack.name)) == _digest(head)
    for block in (b"one", b"two", b"three"):
        assert store.read(_digest(block)) == block


def test_a_copy_of_a_pack_is_checked_block_by_block(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_items(b"one", b"two"))
    (pack,) = store.packs.iterdir()
    raw, name = pack.read_bytes(), pack.name.removesuffix(".pack")
    assert _packs.matches(raw, name)
    assert not _packs.matches(raw[:-1] + b"X", name)  # one byte of a block changed
    assert not _packs.matches(raw, _digest(b"another name"))
    assert not _packs.matches(raw[:10], name)


def _b3_items(*blocks: bytes) -> list[tuple[str, bytes]]:
    return [(digests.digest(b, HashKind.BLAKE3), b) for b in blocks]


def test_sha256_blocks_alone_are_packed_as_older_hubs_read_them(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_items(b"one", b"two"))
    (pack,) = store.packs.iterdir()
    assert pack.read_bytes().startswith(_packs.MAGIC)


@pytest.mark.parametrize("blocks", [[b"one", b"two"], [b"one", b"two", b"sha"]])
def test_blake3_blocks_are_packed_with_their_kind(tmp_path: Path, blocks: list[bytes]) -> None:
    items = _b3_items(*blocks[:2]) + _items(*blocks[2:])
    store = BlockStore(tmp_path / "blocks")
    store.put_many(items)
    (pack,) = store.packs.iterdir()
    raw, name = pack.read_bytes(), pack.name.removesuffix(".pack")
    assert raw.startswith(_packs.MAGIC_KINDS)
    assert sorted(_packs.read_index(pack)) == sorted(d for d, _ in items)
    assert _packs.matches(raw, name)
    assert not _packs.matches(raw[:-1] + b"X", name)
    again = BlockStore(tmp_path / "blocks")  # a restart reads the head back
    for digest, data in items:
        assert again.read(digest) == data


def test_a_pack_naming_an_unknown_kind_of_hash_is_left_out(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_b3_items(b"one"))
    (pack,) = store.packs.iterdir()
    raw = bytearray(pack.read_bytes())
    raw[len(_packs.MAGIC_KINDS) + 4] = 7  # the first block's kind byte
    head = bytes(raw[: len(raw) - 3])
    pack.unlink()
    (store.packs / f"{_digest(head)}.pack").write_bytes(raw)
    assert not BlockStore(tmp_path / "blocks").has(_b3_items(b"one")[0][0])


def test_a_blake3_block_that_lies_is_refused(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    with pytest.raises(BlockError, match="does not match its announced hash"):
        store.put_many([(digests.digest(b"one", HashKind.BLAKE3), b"other")])
    with pytest.raises(BlockError, match="does not match"):  # the same bytes, the other kind
        store.put_many([("b3-" + _digest(b"one"), b"one")])


def test_blocks_are_found_again_after_a_restart(tmp_path: Path) -> None:
    BlockStore(tmp_path / "blocks").put_many(_items(b"kept", b"also kept"))
    again = BlockStore(tmp_path / "blocks")
    assert again.has(_digest(b"kept")) and again.read(_digest(b"also kept")) == b"also kept"


def test_blocks_the_store_has_are_not_written_again(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_items(b"old"))
    store.put_many(_items(b"old"))
    store.put_many(_items(b"old", b"new", b"new"))  # and a block twice in one batch
    packs = [_packs.read_index(p) for p in store.packs.iterdir()]
    assert sorted(len(p) for p in packs) == [1, 1]
    assert store.read(_digest(b"new")) == b"new"


def _older_hubs_block(root: Path) -> str:
    """A block stored one file each, as hubs before packs did; returns its hash."""
    digest = _digest(b"from an older hub")
    (root / digest[:2]).mkdir(parents=True)
    (root / digest[:2] / digest[2:]).write_bytes(b"from an older hub")
    return digest


def test_blocks_stored_one_file_each_by_an_older_hub_are_still_read(tmp_path: Path) -> None:
    root = tmp_path / "blocks"
    digest = _older_hubs_block(root)
    store = BlockStore(root)
    assert store.has(digest) and store.read(digest) == b"from an older hub"
    store.put_many(_items(b"from an older hub"))
    assert list(store.packs.iterdir()) == []  # it had it already
    assert named_digest((digest[:2], digest[2:])) == digest


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda raw: raw[:-1], "not what its list of blocks adds up to"),
        (lambda raw: b"GHPACK0\n" + raw[8:], "does not start like a pack"),
        (lambda raw: raw[:20], "cut short"),
        (lambda raw: raw[:8] + b"\xff\xff\xff\xff" + raw[12:], "claims"),
        (lambda raw: raw[:14] + bytes([raw[14] ^ 1]) + raw[15:], "does not match its name"),
    ],
)
def test_a_damaged_pack_is_left_out_and_its_blocks_sent_again(
    tmp_path: Path, damage: object, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "blocks"
    BlockStore(root).put_many(_items(b"a block", b"another"))
    (pack,) = (root / PACKS).iterdir()
    pack.write_bytes(damage(pack.read_bytes()))  # type: ignore[operator]
    store = BlockStore(root)
    assert why in caplog.text
    assert not store.has(_digest(b"a block"))
    store.put_many(_items(b"a block"))
    assert store.read(_digest(b"a block")) == b"a block"


def test_a_write_cut_short_by_a_crash_is_cleaned_up(tmp_path: Path) -> None:
    root = tmp_path / "blocks"
    BlockStore(root)
    (root / PACKS / "abc.pack.1234.tmp").write_bytes(b"GHPACK1\n half")
    store = BlockStore(root)
    assert list(store.packs.iterdir()) == []


def test_a_block_whose_folder_was_removed_is_still_stored(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    shutil.rmtree(store.packs)
    store.put(_digest(b"a block"), b"a block")
    assert store.read(_digest(b"a block")) == b"a block"


def test_a_block_that_does_not_match_its_hash_is_refused(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    with pytest.raises(BlockError, match="does not match"):
        store.put(_digest(b"one"), b"other")
    assert not store.has(_digest(b"one"))


@pytest.mark.parametrize("name", ["../../etc/passwd", "AB" * 32, "ab" * 31, ""])
def test_only_content_hashes_are_looked_up(tmp_path: Path, name: str) -> None:
    store = BlockStore(tmp_path / "blocks")
    with pytest.raises(BlockError, match="is not a content hash"):
        store.read(name)


# -- sweeping (the policy is in test_sweep.py) ------------------------------------------


def _everything(store: BlockStore) -> list[Held]:
    return store.files_older_than(-60)  # a cutoff in the future: every file


def test_an_unwanted_pack_is_forgotten_then_deleted(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    pack = store.put_many(_items(b"one", b"two"))
    (held,) = _everything(store)
    assert (held.path, sorted(held.blocks)) == (pack, sorted(_digest(b) for b in (b"one", b"two")))
    assert store.forget([held], lambda _: False, grace=60) == [held]
    assert not store.has(_digest(b"one"))  # a publish is asked for it again from here on
    store.delete([held])
    assert not held.path.exists()
    assert BlockStore(tmp_path / "blocks").missing([_digest(b"two")]) == [_digest(b"two")]


def test_a_pack_with_one_wanted_block_stays_whole(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_items(b"one", b"two"))
    assert store.forget(_everything(store), {_digest(b"two")}.__contains__, grace=60) == []
    assert store.read(_digest(b"one")) == b"one"


def test_a_block_a_publish_found_stored_is_kept_for_a_while(tmp_path: Path) -> None:
    """The publish has not noted its claim yet when it learns the block is there: the
    sweep must not take it from under it."""
    store = BlockStore(tmp_path / "blocks")
    store.put_many(_items(b"one"))
    held = _everything(store)
    assert store.missing([_digest(b"one"), _digest(b"new")]) == [_digest(b"new")]
    assert store.forget(held, lambda _: False, grace=60) == []
    assert store.forget(held, lambda _: False, grace=0) == held


def test_only_old_files_are_offered_unless_named(tmp_path: Path) -> None:
    store = BlockStore(tmp_path / "blocks")
    young = store.put_many(_items(b"young"))
    assert store.files_older_than(60) == []
    assert [h.path for h in store.files_older_than(60, also=[young])] == [young]
    old = store.put_many(_items(b"old"))
    assert old is not None
    os.utime(old, (time.time() - 120, time.time() - 120))
    assert [h.path for h in store.files_older_than(60)] == [old]


def test_a_loose_block_of_an_older_hub_is_swept_too(tmp_path: Path) -> None:
    root = tmp_path / "blocks"
    digest = _older_hubs_block(root)
    store = BlockStore(root)
    (held,) = _everything(store)
    assert held.blocks == [digest] and held.size == len(b"from an older hub")
    store.delete(store.forget([held], lambda _: False, grace=0))
    assert not store.has(digest) and not held.path.exists()
