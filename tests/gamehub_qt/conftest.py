"""Fixtures for the app's tests: a real hub on 127.0.0.1 and an app context around tmp folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.gc_pin import GuiThreadCollector
from hub_core.server.hub import HubConfig
from hub_core.server.passwords import HashCost
from hub_core.server.thread import HubThread

FAST_HASH = HashCost(n=2**8, r=8, p=1)


@pytest.fixture(autouse=True)
def gui_thread_gc(qapp: object) -> Iterator[None]:
    """As in the app: collections only on the Qt thread, and one after each test, so no
    hub or network thread of the next test collects this test's widgets."""
    collector = GuiThreadCollector().start()
    yield
    collector.stop()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubThread]:
    """A real hub with the sample games published, on its own thread."""
    thread = HubThread(
        HubConfig(
            name="Test hub",
            data_dir=tmp_path / "hub",
            bind="127.0.0.1",
            port=0,
            discovery=False,
            hash_cost=FAST_HASH,
            samples=True,
        )
    )
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def endpoint(hub: HubThread) -> str:
    assert hub.hub.endpoints is not None
    return hub.hub.endpoints.endpoint("127.0.0.1")


@pytest.fixture
def context(qapp: object, tmp_path: Path) -> Iterator[AppContext]:
    """An app context (network thread, settings, connections) under tmp_path/app."""
    ctx = AppContext.create(tmp_path / "app")
    yield ctx
    ctx.shutdown()


@pytest.fixture
def connected(context: AppContext, endpoint: str) -> Iterator[AppContext]:
    """The context with both role connections joined to the test hub.

    They leave it again before the hub stops, so no teardown waits on a stopped hub.
    """
    for conn in (context.player, context.developer):
        context.net.call(conn.join_hub(endpoint))
    context.endpoint = endpoint
    yield context
    for conn in (context.player, context.developer):
        context.net.call(conn.leave_hub(), timeout=10)
