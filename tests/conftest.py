"""Shared fixtures: tmp data folders, free ports, and the mDNS guard."""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

import pytest

IN_NETNS = os.environ.get("GAMEHUB_NETNS") == "1"
# No display here or in CI: Qt would abort at start without this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# Below Linux's ephemeral range (32768 and up): a client retrying a silent port there can
# be given that very port as its own and connect to itself, which then "answers".
PORT_RANGE = (20000, 32000)


def free_port() -> int:
    """A port P on 127.0.0.1 that, with P+1 and P+2 (a hub's hello and event ports), was
    free a moment ago, outside the range the system picks client ports from."""
    rng = random.Random()
    while True:
        port = rng.randrange(*PORT_RANGE)
        if all(_bindable(port + n) for n in range(3)):
            return port


def _bindable(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


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
