"""Fixtures for the storage tests: a fresh repository in a tmp folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub_core.storage import Repository, open_repository


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "db"


@pytest.fixture
def repo(root: Path) -> Iterator[Repository]:
    repository = open_repository(root)
    yield repository
    repository.close()
