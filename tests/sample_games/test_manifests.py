"""Each sample game is a valid package, as a hub and a player's app check it."""

from __future__ import annotations

import json

import pytest

from hub_core.packages import Limits, load_package
from tests.sample_games import GAMES

EXPECTED = {"rps": ("CLI", 2, 2), "tetris": ("GUI", 2, 2), "dots": ("GUI", 2, 4)}


def test_every_game_folder_is_listed() -> None:
    folders = {p.name for p in GAMES.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert folders == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_manifest_passes_the_package_checks(name: str) -> None:
    folder = GAMES / name
    manifest, entries = load_package(folder, Limits())
    kind, min_players, max_players = EXPECTED[name]
    assert manifest.name == name
    assert manifest.type == kind
    assert (manifest.min_players, manifest.max_players) == (min_players, max_players)
    assert manifest.entry_server == "start_server.py"
    assert manifest.entry_client == "start_client.py"
    assert manifest.extra["authors"]
    paths = {entry.path for entry in entries}
    assert {"manifest.json", "README.md", "start_server.py", "start_client.py"} <= paths
    assert not any("__pycache__" in path or path.endswith(".pyc") for path in paths)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_manifest_has_the_seven_keys_and_more(name: str) -> None:
    raw = json.loads((GAMES / name / "manifest.json").read_text(encoding="utf-8"))
    required = {"name", "display_name", "type", "max_players", "entry_server", "entry_client"}
    assert required | {"description", "min_players", "authors"} <= set(raw)
