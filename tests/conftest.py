"""Shared fixtures: tmp data folders, free ports, and the mDNS guard."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

IN_NETNS = os.environ.get("GAMEHUB_NETNS") == "1"
# No display here or in CI: Qt would abort at start without this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """mDNS tests run only inside the private network namespace scripts/test makes."""
    if IN_NETNS:
        return
    skip = pytest.mark.skip(
        reason="mDNS runs only inside a private network namespace (use scripts/test)"
    )
    for item in items:
        if "mdns" in item.keywords:
            item.add_marker(skip)
