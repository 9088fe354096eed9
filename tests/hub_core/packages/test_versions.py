"""Versions: strict parsing, numeric order, the publish hint and the strictly-newer rule."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub_core.packages import PackageError, Version, check_newer, version_hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.0.0", Version(1, 0, 0)),
        ("0.0.0", Version(0, 0, 0)),
        ("10.20.30", Version(10, 20, 30)),
        ("01.0.0", Version(1, 0, 0)),
        ("1.002.0010", Version(1, 2, 10)),
    ],
)
def test_parse(text: str, expected: Version) -> None:
    assert Version.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.0",
        "1",
        "",
        "1.0.0.0",
        "+1.0.0",
        "-1.0.0",
        "1.0.-1",
        " 1.0.0",
        "1.0.0 ",
        "1.0.0\n",
        "1 .0.0",
        "v1.0.0",
        "1.0.x",
        "1..0",
        "1.0.0-beta",
        "١.٢.٣",
        "1" * 100 + ".0.0",
    ],
)
def test_parse_refuses(text: str) -> None:
    with pytest.raises(
        PackageError, match=re.escape("must look like major.minor.patch, e.g. 1.0.0")
    ):
        Version.parse(text)


def test_parse_message() -> None:
    with pytest.raises(PackageError) as info:
        Version.parse("1.0")
    assert str(info.value) == "Version '1.0' must look like major.minor.patch, e.g. 1.0.0."


def test_order_is_numeric() -> None:
    texts = ["1.10.0", "1.9.0", "1.9.10", "0.0.1", "2.0.0", "1.9.2"]
    ordered = [str(v) for v in sorted(Version.parse(t) for t in texts)]
    assert ordered == ["0.0.1", "1.9.0", "1.9.2", "1.9.10", "1.10.0", "2.0.0"]


def test_str_and_next_patch() -> None:
    assert str(Version.parse("01.02.03")) == "1.2.3"
    assert Version(1, 2, 9).next_patch() == Version(1, 2, 10)


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_round_trip(major: int, minor: int, patch: int) -> None:
    version = Version(major, minor, patch)
    assert Version.parse(str(version)) == version


def test_hint_for_a_new_game() -> None:
    assert version_hint([]) == {
        "exists": False,
        "latest": None,
        "versions": [],
        "suggested": "1.0.0",
    }


def test_hint_for_an_existing_game() -> None:
    assert version_hint(["1.10.0", "1.2.0", "1.9.3"]) == {
        "exists": True,
        "latest": "1.10.0",
        "versions": ["1.2.0", "1.9.3", "1.10.0"],
        "suggested": "1.10.1",
    }


def test_check_newer() -> None:
    assert check_newer("1.0.0", None) == Version(1, 0, 0)
    assert check_newer("1.3.0", "1.2.0") == Version(1, 3, 0)
    assert check_newer("1.10.0", "1.9.0") == Version(1, 10, 0)


@pytest.mark.parametrize("new", ["1.0.0", "1.2.0", "01.2.0", "0.9.9"])
def test_check_newer_refuses_older_or_equal(new: str) -> None:
    with pytest.raises(PackageError) as info:
        check_newer(new, "1.2.0")
    assert f"Version {Version.parse(new)} is not greater than the latest, 1.2.0." in str(info.value)
    assert "1.2.1" in str(info.value)


def test_check_newer_refuses_bad_text() -> None:
    with pytest.raises(PackageError, match=re.escape("major.minor.patch")):
        check_newer("2.0", "1.0.0")
