"""Fixtures for the hub's own parts."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest


@pytest.fixture
def scrypt_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The cost (n) of every scrypt hashlib runs from now on: what a password check or a
    hub's start really paid."""
    runs: list[int] = []
    real_scrypt = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        runs.append(kwargs["n"])
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return runs
