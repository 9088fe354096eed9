"""Shared fixtures: tmp data folders, free ports, and the mDNS guard."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
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


WHEEL_CACHE = Path(
    os.environ.get("GAMEHUB_TEST_WHEELS", Path.home() / ".cache" / "gamehub-test-wheels")
)


@pytest.fixture(scope="session")
def pygame_wheels() -> Path:
    """A folder holding a pygame wheel for this Python: fetched once with pip, then kept in
    WHEEL_CACHE, so the suite runs with no network afterwards (the e2e tests need none)."""
    from hub_core.packages.wheels import here_tags, wheel_tags

    tags = set(here_tags())

    def fitting() -> bool:
        wheels = WHEEL_CACHE.glob("pygame-*.whl") if WHEEL_CACHE.is_dir() else []
        return any(wheel_tags(w.name) & tags for w in wheels)

    if not fitting():
        WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "pygame", "--only-binary=:all:"]
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run([*command, "--dest", str(WHEEL_CACHE)], capture_output=True, timeout=300)
    if not fitting():
        pytest.skip(
            f"No pygame wheel for this Python in {WHEEL_CACHE}, and pip could not fetch one "
            "(run the suite once with network access, or put the wheel there)."
        )
    return WHEEL_CACHE
