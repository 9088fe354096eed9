"""The file index: hashing, check_index rules, scan_folder (links, skips, early stop), wire form."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from hub_core.packages import (
    HASH_CHUNK,
    FileEntry,
    Limits,
    PackageError,
    block_problem,
    check_index,
    hash_file,
    index_from_wire,
    index_to_wire,
    scan_folder,
)
from hub_core.packages.index import file_matches
from hub_core.util import digests
from hub_core.util.digests import HashKind
from tests.hub_core.packages.hostile import GOOD_FILES, write_folder

H = "a" * 64
SMALL = Limits(max_files=10, max_total_bytes=1000, max_file_bytes=500)
BASE = [FileEntry("manifest.json", 10, H)]


def problems_of(entries: list[FileEntry], limits: Limits = SMALL) -> list[str]:
    with pytest.raises(PackageError) as info:
        check_index(entries, limits)
    return info.value.messages


def test_hash_file_streams(tmp_path: Path) -> None:
    data = os.urandom(HASH_CHUNK * 2 + 123)
    (tmp_path / "f").write_bytes(data)
    assert hash_file(tmp_path / "f") == hashlib.sha256(data).hexdigest()


def test_good_index() -> None:
    check_index([*BASE, FileEntry("a/b.txt", 0, H), FileEntry("a/c.txt", 500, H)], SMALL)


def test_an_index_may_hold_packages_of_either_hash() -> None:
    b3 = "b3-" + H
    check_index([*BASE, FileEntry("new.bin", 3, b3, (b3,), (3,))], SMALL)


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (FileEntry("a", 3, H, ("b3-" + H,), (3,)), "'a' mixes SHA-256 and BLAKE3 hashes"),
        (FileEntry("a", 6, "b3-" + H, ("b3-" + H, H), (3, 3)), "mixes SHA-256 and BLAKE3"),
        (FileEntry("a", 3, H, ("B" * 64,), (3,)), "'a' has a block hash that is not 64"),
        (FileEntry("a", 3, "", ("b3-" + H, H), (1, 2)), "mixes"),  # ahead: hash not named yet
    ],
)
def test_a_file_s_blocks_are_hashed_as_the_file_is(entry: FileEntry, words: str) -> None:
    problem = block_problem(entry)
    assert problem is not None and words in problem


@pytest.mark.parametrize("kind", list(HashKind))
def test_scan_hashes_with_the_kind_asked_for(tmp_path: Path, kind: HashKind) -> None:
    data = os.urandom(3 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(data)
    (tmp_path / "manifest.json").write_bytes(b"{}")
    entries = {e.path: e for e in scan_folder(tmp_path, Limits(), kind=kind)}
    big = entries["big.bin"]
    if kind is HashKind.SHA256:  # over the bytes
        assert big.hash == digests.digest(data, kind) == hash_file(tmp_path / "big.bin")
    else:  # over the blocks' hashes
        assert big.hash == digests.of_blocks(big.blocks) != digests.digest(data, kind)
    assert all(digests.kind_of(b) is kind for b in big.blocks)
    assert all(digests.matches(data[o : o + n], d) for d, o, n in big.spans())
    assert file_matches(tmp_path / "big.bin", big)
    assert not file_matches(tmp_path / "manifest.json", big)
    (tmp_path / "big.bin").write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # its last byte
    assert not file_matches(tmp_path / "big.bin", big)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ([FileEntry("../x", 1, H)], "The path '../x' has a '..' part"),
        ([FileEntry("/x", 1, H)], "is absolute"),
        ([FileEntry("a\\b", 1, H)], "backslash"),
        ([FileEntry("con.txt", 1, H)], "reserved device name"),
        ([FileEntry("a.txt", 1, H), FileEntry("a.txt", 2, H)], "'a.txt' is listed twice."),
        (
            [FileEntry("Data/a.txt", 1, H), FileEntry("data/a.txt", 1, H)],
            "'Data/a.txt' and 'data/a.txt' differ only in case;",
        ),
        ([FileEntry("é.txt", 1, H), FileEntry("e\u0301.txt", 1, H)], "differ only in case"),
        (
            [FileEntry("a", 1, H), FileEntry("a/b", 1, H)],
            "'a' is both a file and a folder ('a/b' is inside it).",
        ),
        ([FileEntry("A", 1, H), FileEntry("a/b/c", 1, H)], "'A' is both a file and a folder"),
        ([FileEntry("a.txt", -1, H)], "'a.txt' has a bad size (-1)"),
        ([FileEntry("a.txt", True, H)], "'a.txt' has a bad size (True)"),
        ([FileEntry("a.txt", 1, "A" * 64)], "'a.txt' has a bad hash"),
        ([FileEntry("a.txt", 1, "a" * 63)], "bad hash"),
        ([FileEntry("a.txt", 1, "g" * 64)], "bad hash"),
        ([FileEntry("a.txt", 1, "b3-" + "A" * 64)], "bad hash"),
        ([FileEntry("a.txt", 1, "b3:" + "a" * 64)], "bad hash"),
        ([FileEntry("a.txt", 1, "blake3-" + "a" * 64)], "bad hash"),
        ([FileEntry("big.bin", 501, H)], "'big.bin' is 501 bytes; the limit for one file is 500"),
        (
            [FileEntry(f"f{i}", 200, H) for i in range(5)],
            "The package holds 1,010 bytes (1,010 bytes); the limit is 1,000 bytes",
        ),
        (
            [FileEntry(f"f{i}", 0, H) for i in range(10)],
            "The package has 11 files; the limit is 10.",
        ),
    ],
)
def test_index_rules(extra: list[FileEntry], words: str) -> None:
    problems = problems_of([*BASE, *extra])
    assert any(words in p for p in problems), problems


def test_no_manifest_at_root() -> None:
    problems = problems_of([FileEntry("game/manifest.json", 1, H)])
    assert problems == ["The package has no manifest.json at its root."]


def test_limit_sentence_states_the_numbers() -> None:
    entries = [*BASE, *(FileEntry(f"f{i}", 0, H) for i in range(60_000))]
    assert problems_of(entries, Limits()) == ["The package has 60,001 files; the limit is 50,000."]


def test_every_problem_at_once() -> None:
    entries = [FileEntry("../x", -1, "nope"), FileEntry("A", 1, H), FileEntry("a", 1, H)]
    problems = problems_of(entries)
    assert len(problems) == 5, problems


def test_long_lists_are_cut() -> None:
    problems = problems_of([*BASE, *(FileEntry(f"../{i}", 1, H) for i in range(200))], Limits())
    assert len(problems) == 51
    assert problems[-1] == "... and 150 more problems like these."


def test_wire_round_trip() -> None:
    entries = [*BASE, FileEntry("a/b.txt", 5, H)]
    wire = index_to_wire(entries)
    assert wire == [["manifest.json", 10, H, []], ["a/b.txt", 5, H, []]]
    assert index_from_wire(wire) == entries
    assert index_from_wire([tuple(item) for item in wire]) == entries
    with_blocks = [FileEntry("a.bin", 5, H, (H,))]
    assert index_from_wire(index_to_wire(with_blocks)) == with_blocks
    assert index_from_wire([["a.bin", 5, H]]) == [FileEntry("a.bin", 5, H)]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"a": 1}, "The file index must be a list of [path, size, hash] entries."),
        (None, "must be a list"),
        ([["a", 1]], "Entry 1 of the file index must be [path, size, hash, blocks]"),
        ([["a", 1, H], ["b", "1", H]], "Entry 2 of"),
        ([["a", 1.0, H]], "Entry 1 of"),
        ([["a", True, H]], "Entry 1 of"),
        ([[1, 1, H]], "Entry 1 of"),
        ([["a", 1, None]], "Entry 1 of"),
        (["a"], "Entry 1 of"),
    ],
)
def test_wire_shape(data: Any, words: str) -> None:
    with pytest.raises(PackageError) as info:
        index_from_wire(data)
    assert words in str(info.value)


def test_scan_a_normal_package(tmp_path: Path) -> None:
    files = {
        **GOOD_FILES,
        "assets/sprites/hero.png": os.urandom(3000),
        "assets/a.txt": b"",
        "lib/util.py": b"x = 1\n",
        "lib/__pycache__/util.cpython-311.pyc": b"junk",
        "lib/old.pyc": b"junk",
        ".DS_Store": b"junk",
        "assets/.DS_Store": b"junk",
    }
    folder = write_folder(tmp_path / "rps", files)
    (folder / "empty").mkdir()
    seen: list[tuple[int, int]] = []
    entries = scan_folder(folder, Limits(), progress=lambda done, total: seen.append((done, total)))
    expected = sorted(
        (name, data) for name, data in files.items() if "pyc" not in name and "DS_" not in name
    )
    assert [(e.path, e.size) for e in entries] == [(n, len(d)) for n, d in expected]
    assert [e.hash for e in entries] == [hashlib.sha256(d).hexdigest() for _, d in expected]
    total = sum(len(d) for _, d in expected)
    assert seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_scan_refuses_links(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "rps", {**GOOD_FILES, "assets/a.png": b"x"})
    try:
        (folder / "assets" / "link").symlink_to(folder / "assets" / "a.png")
        (folder / "outside").symlink_to(tmp_path, target_is_directory=True)
    except OSError:
        pytest.skip("this system cannot make symlinks")
    with pytest.raises(PackageError) as info:
        scan_folder(folder, Limits())
    assert info.value.messages == [
        "'assets/link' is a link; packages may not contain links.",
        "'outside' is a link; packages may not contain links.",
    ]


def test_scan_stops_early_at_the_file_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"d{d}/f{f}.txt": b"x" for d in range(5) for f in range(20)}
    folder = write_folder(tmp_path / "big", {**GOOD_FILES, **files})
    listed: list[Any] = []
    real_scandir = os.scandir

    def counting_scandir(path: Any) -> Any:
        listed.append(path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", counting_scandir)
    with pytest.raises(PackageError) as info:
        scan_folder(folder, Limits(max_files=10))
    assert str(info.value) == "The package has more than 10 files; the limit is 10."
    assert len(listed) == 2  # the root and one folder, not all six


def test_scan_stops_at_the_folder_limit(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "deep", GOOD_FILES)
    for i in range(20):
        (folder / f"empty{i}").mkdir()
    with pytest.raises(PackageError, match="more than 10 folders"):
        scan_folder(folder, SMALL)


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"big.bin": b"x" * 501}, "'big.bin' is 501 bytes; the limit for one file is 500"),
        ({f"f{i}.bin": b"x" * 300 for i in range(4)}, "the limit is 1,000 bytes"),
    ],
)
def test_scan_stops_at_size_limits(tmp_path: Path, files: dict[str, bytes], words: str) -> None:
    folder = write_folder(tmp_path / "p", {"manifest.json": b"{}", **files})
    with pytest.raises(PackageError) as info:
        scan_folder(folder, SMALL)
    assert words in str(info.value)


def test_scan_runs_check_index(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "p", {"game.py": b"x", "con.txt": b"x"})
    with pytest.raises(PackageError) as info:
        scan_folder(folder, SMALL)
    assert any("reserved device name" in p for p in info.value.messages)
    assert "The package has no manifest.json at its root." in info.value.messages


def test_scan_needs_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(PackageError, match="is not a folder"):
        scan_folder(tmp_path / "file", SMALL)
    with pytest.raises(PackageError, match="is not a folder"):
        scan_folder(tmp_path / "missing", SMALL)
