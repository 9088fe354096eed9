"""manifest.json: every rule, all problems in one error, unknown keys kept, folders read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hub_core.packages import REQUIRED_KEYS, Manifest, PackageError, load_manifest, parse_manifest
from tests.hub_core.packages.hostile import GOOD_FILES, MANIFEST, write_folder

FILES = ["manifest.json", "start_server.py", "start_client.py"]


def changed(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in {**MANIFEST, **changes}.items() if v is not None}


def problems_of(data: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(PackageError) as info:
        parse_manifest(data, **kwargs)
    assert str(info.value) == "\n".join(info.value.messages)
    return info.value.messages


def test_good_manifest() -> None:
    manifest = parse_manifest(MANIFEST, files=FILES)
    assert manifest.name == "rps"
    assert manifest.type == "CLI"
    assert manifest.max_players == 2
    assert manifest.min_players == 2
    assert manifest.extra == {}


@pytest.mark.parametrize(
    "data",
    [
        json.dumps(MANIFEST),
        json.dumps(MANIFEST).encode(),
        b"\xef\xbb\xbf" + json.dumps(MANIFEST).encode(),
        "\ufeff" + json.dumps(MANIFEST),
    ],
)
def test_text_bytes_and_bom(data: Any) -> None:
    assert parse_manifest(data).to_dict() == MANIFEST


def test_round_trip_keeps_unknown_keys() -> None:
    data = {
        **MANIFEST,
        "min_players": 1,
        "icon": "icon.png",
        "authors": ["ann", "bo"],
        "x-custom": {"nested": [1, 2.5, None, True]},
    }
    manifest = parse_manifest(json.dumps(data))
    assert manifest.to_dict() == data
    assert manifest.extra["authors"] == ["ann", "bo"]
    assert manifest.min_players == 1
    assert parse_manifest(manifest.to_dict()) == manifest


def test_to_dict_is_a_copy() -> None:
    source = {**MANIFEST, "authors": ["ann"]}
    manifest = parse_manifest(source)
    source["authors"].append("eve")
    manifest.to_dict()["authors"].append("eve")
    assert manifest.extra["authors"] == ["ann"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"entry_client": None}, "manifest.json is missing 'entry_client'."),
        ({"name": None}, "manifest.json is missing 'name'."),
        (
            {"max_players": 0},
            "manifest.json: 'max_players' must be a whole number of at least 1 (got 0).",
        ),
        ({"max_players": -3}, "(got -3)"),
        ({"max_players": True}, "'max_players' must be a whole number of at least 1 (got true)"),
        ({"max_players": 2.0}, "(got 2.0)"),
        ({"max_players": "2"}, "(got '2')"),
        ({"max_players": None, "min_players": 1}, "is missing 'max_players'"),
        ({"max_players": 65}, "'max_players' must be at most 64 (got 65)"),
        ({"min_players": 0}, "'min_players' must be a whole number from 1 to 2 (got 0)"),
        ({"min_players": 3}, "from 1 to 2 (got 3)"),
        ({"min_players": "1"}, "(got '1')"),
        ({"type": "VR"}, "manifest.json: 'type' must be CLI or GUI (got 'VR')."),
        ({"type": "cli"}, "must be CLI or GUI (got 'cli')"),
        ({"type": 1}, "'type' must be text (got 1)"),
        ({"name": ""}, "'name' must not be empty"),
        ({"name": "   "}, "'name' must not be empty"),
        ({"name": "Rock Paper"}, "'name' ('Rock Paper') must not contain spaces"),
        ({"name": "Rps"}, "try 'rps'"),
        ({"name": "con"}, "reserved device name"),
        ({"name": ["rps"]}, "'name' must be text (got [\"rps\"])"),
        ({"display_name": "x" * 81}, "'display_name' is 81 characters long; the limit is 80"),
        ({"display_name": "a\x1b[31mred"}, "'display_name' contains a control character"),
        ({"display_name": "two\nlines"}, "'display_name' contains a control character"),
        ({"description": "x" * 2001}, "'description' is 2,001 characters long; the limit is 2,000"),
        ({"description": "bell\x07"}, "'description' contains a control character"),
        ({"description": None}, "is missing 'description'"),
        ({"entry_server": "/abs/server.py"}, "'entry_server' ('/abs/server.py') is absolute"),
        ({"entry_server": "../server.py"}, "would leave the package"),
        (
            {"entry_client": "bin\\client.py"},
            "'entry_client' ('bin\\\\client.py') contains a backslash",
        ),
        ({"entry_client": ""}, "'entry_client' must not be empty"),
        ({"entry_client": None, "entry_server": 5}, "'entry_server' must be text (got 5)"),
    ],
)
def test_manifest_rules(changes: dict[str, Any], words: str) -> None:
    problems = problems_of(changed(**changes))
    assert any(words in p for p in problems), problems


@pytest.mark.parametrize(
    "description", ["Line one.\nLine two.\n\tIndented.", "Windows\r\nlines", "é" * 2000]
)
def test_description_may_have_lines(description: str) -> None:
    assert parse_manifest(changed(description=description)).description == description


def test_entry_missing_from_files() -> None:
    problems = problems_of(changed(entry_server="start_server.py"), files=["manifest.json"])
    assert problems == [
        "manifest.json: 'entry_server' names start_server.py, which is not in the package.",
        "manifest.json: 'entry_client' names start_client.py, which is not in the package.",
    ]


def test_entries_are_not_checked_without_files() -> None:
    assert parse_manifest(changed(entry_server="sub/other.py")).entry_server == "sub/other.py"


def test_every_problem_at_once() -> None:
    data = {
        "name": "Bad Name",
        "type": "VR",
        "max_players": 0,
        "min_players": "x",
        "display_name": "",
        "entry_server": "../s.py",
        "description": 7,
    }
    problems = problems_of(data)
    assert len(problems) == 8, problems
    joined = "\n".join(problems)
    for key in (
        "'entry_client'",
        "'name'",
        "'type'",
        "'max_players'",
        "'min_players'",
        "'display_name'",
        "'entry_server'",
        "'description'",
    ):
        assert key in joined


def test_every_problem_names_its_field() -> None:
    """Each manifest problem carries the key it is about, so a form needs no text search."""
    data = {**MANIFEST, "type": "VR", "max_players": 0, "min_players": "x", "description": 7}
    del data["entry_client"]
    with pytest.raises(PackageError) as info:
        parse_manifest(data)
    assert sorted(str(p.field) for p in info.value.problems) == [
        "description", "entry_client", "max_players", "min_players", "type",
    ]  # fmt: skip
    assert all(p.message.startswith("manifest.json") for p in info.value.problems)


def test_whole_package_problems_have_no_field() -> None:
    with pytest.raises(PackageError) as info:
        parse_manifest("[1]")
    assert [p.field for p in info.value.problems] == [None]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            "{",
            "manifest.json is not valid JSON: Expecting property name enclosed in double "
            "quotes (line 1, column 2).",
        ),
        ('{\n  "name": "rps",\n}', "(line 3, column 1)"),
        ("", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8 text (byte 0)"),
        ("[1, 2]", "must hold a JSON object ({...}), not [1, 2]"),
        ('"rps"', "not 'rps'"),
        ("null", "not null"),
        ("3", "not 3"),
        ('{"name": "a", "name": "b"}', "has the key 'name' more than once"),
        ('{"max_players": NaN}', "NaN is not a JSON number"),
        ('{"max_players": 1e999}', "too large a number"),
        ("[" * 100_000, "nested too deeply"),
        ('{"x": ' + "1" * 5000 + "}", "not valid JSON"),
        (b" " * (1024 * 1024 + 1), "the limit is 1,048,576"),
        ({"name": {1, 2}}, "not plain JSON"),
        ({**MANIFEST, "bad": float("nan")}, "not plain JSON"),
    ],
)
def test_unreadable_manifests(data: Any, words: str) -> None:
    problems = problems_of(data)
    assert len(problems) == 1
    assert words in problems[0]


def test_manifest_is_frozen() -> None:
    manifest = parse_manifest(MANIFEST)
    with pytest.raises(AttributeError):
        manifest.name = "other"  # type: ignore[misc]


def test_min_players_checked_when_built_by_hand() -> None:
    fields = {key: MANIFEST[key] for key in REQUIRED_KEYS}
    manifest = Manifest(**fields, extra={"min_players": 9})
    with pytest.raises(PackageError, match="min_players"):
        _ = manifest.min_players


def test_load_manifest(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "game", GOOD_FILES)
    assert load_manifest(folder).to_dict() == MANIFEST


def test_load_manifest_without_one(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as info:
        load_manifest(tmp_path)
    assert str(info.value) == "This folder has no manifest.json."


def test_load_manifest_checks_entries(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "game", {"manifest.json": GOOD_FILES["manifest.json"]})
    with pytest.raises(
        PackageError, match=re.escape("names start_server.py, which is not in the package")
    ):
        load_manifest(folder)
    assert load_manifest(folder, check_entries=False).name == "rps"


def test_load_manifest_wants_exact_names(tmp_path: Path) -> None:
    files = {**GOOD_FILES, "Start_Server.py": b"x"}
    del files["start_server.py"]
    folder = write_folder(tmp_path / "game", files)
    with pytest.raises(PackageError, match=re.escape("'entry_server' names start_server.py")):
        load_manifest(folder)


def test_load_manifest_entry_is_a_folder(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "game", {**GOOD_FILES, "start_client.py": b"x"})
    (folder / "start_server.py").unlink()
    (folder / "start_server.py").mkdir()
    with pytest.raises(PackageError, match=re.escape("'entry_server' names start_server.py")):
        load_manifest(folder)


def test_load_manifest_refuses_a_linked_manifest(tmp_path: Path) -> None:
    real = write_folder(tmp_path / "real", GOOD_FILES)
    folder = write_folder(tmp_path / "game", {"start_server.py": b"", "start_client.py": b""})
    try:
        (folder / "manifest.json").symlink_to(real / "manifest.json")
    except OSError:
        pytest.skip("this system cannot make symlinks")
    with pytest.raises(PackageError, match="must be a plain file"):
        load_manifest(folder)
