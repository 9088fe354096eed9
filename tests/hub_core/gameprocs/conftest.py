"""Fixtures every game-process test uses: a copy of the fake games, a state folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FAKEGAMES = Path(__file__).parent.parent / "fakegames"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(FAKEGAMES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"
