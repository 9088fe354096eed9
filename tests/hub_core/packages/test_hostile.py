"""Every hostile package in the corpus is refused with its words, and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub_core.packages import Limits, PackageError, check_index, extract_zip, index_from_wire
from tests.hub_core.packages.hostile import (
    EXPECTED,
    EXPECTED_INDEX,
    GOOD_FILES,
    HOSTILE,
    HOSTILE_INDEXES,
    HOSTILE_LIMITS,
    check_built,
    package_zip,
    write_folder,
)


def test_every_case_has_words() -> None:
    assert set(HOSTILE) == set(EXPECTED)
    assert set(HOSTILE_INDEXES) == set(EXPECTED_INDEX)
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_package_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "built").mkdir()
    built = HOSTILE[name](tmp_path / "built")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(PackageError) as info:
        check_built(built, out / "game")
    assert EXPECTED[name] in str(info.value)
    assert not (out / "game").exists()
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("name", ["zip_bomb", "zip_bomb_lying_sizes"])
def test_bombs_are_small_and_refused_under_default_limits(tmp_path: Path, name: str) -> None:
    built = HOSTILE[name](tmp_path)
    assert built.stat().st_size < 64 * 1024
    (tmp_path / "out").mkdir()
    with pytest.raises(PackageError, match=EXPECTED[name]):
        extract_zip(built, tmp_path / "out" / "game", Limits())
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("name", sorted(HOSTILE_INDEXES))
def test_hostile_index_is_refused(name: str) -> None:
    with pytest.raises(PackageError) as info:
        check_index(index_from_wire(HOSTILE_INDEXES[name]), HOSTILE_LIMITS)
    assert EXPECTED_INDEX[name] in str(info.value)


def test_the_good_package_passes(tmp_path: Path) -> None:
    check_built(package_zip(tmp_path / "good.zip", {}), tmp_path / "out" / "game")
    check_built(write_folder(tmp_path / "good", GOOD_FILES), tmp_path / "unused")
    assert (tmp_path / "out" / "game" / "manifest.json").is_file()
