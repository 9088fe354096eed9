"""Small helpers the Player tab's screens share: the logged-in client, stars, dates, sizes.

Nothing here touches the network by itself; ``need_client`` is called inside coroutines
that already run on the network thread.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTreeWidget

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.widgets import stars
from gamehub_qt.shell.connection import LinkState
from hub_core.client.hub_client import HubClient
from hub_core.errors import HubUnreachable


def tr(text: str) -> str:
    """Translates text said outside any widget (in the Player tab's context)."""
    return QCoreApplication.translate("PlayerTab", text)


def need_client(context: AppContext) -> HubClient:
    """The player connection's client; a clear sentence at once if the hub link is down.

    While the connection is 'lost' (the hub said it stops, or stopped answering pings),
    failing fast beats making the user wait out a request's timeouts; the connection
    keeps pinging and is 'connected' again as soon as the hub answers.
    """
    client = context.player.client
    if client is None:
        raise HubUnreachable(tr("Not connected to a hub; choose a hub first."))
    if context.player.state is LinkState.LOST:
        raise HubUnreachable(tr("The hub is not answering right now; try again in a moment."))
    return client


def on_net(context: AppContext, step: Callable[[], None]) -> None:
    """Runs a quick, non-blocking ``step`` on the network thread, if it still runs.

    For clean-ups (unsubscribing, stopping a heartbeat) that may come while the app is
    quitting: a step that never runs then creates no coroutine that is never awaited.
    """
    with contextlib.suppress(RuntimeError):  # the loop is closed: nothing left to clean
        context.net.loop.call_soon_threadsafe(step)


_background: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> None:
    """Starts ``coro`` on the running (network) loop and keeps it referenced until done."""
    task = asyncio.ensure_future(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)


def rating_text(rating: float | None, count: int) -> str:
    """'★★★★☆ 4.2 (3)'; plain stars when nobody has rated the game yet."""
    if not rating or not count:
        return stars(None)
    return f"{stars(rating)} {rating:.1f} ({count})"


def fit_columns(tree: QTreeWidget) -> None:
    """Sizes every column but the last (which stretches) to what it holds."""
    for column in range(tree.columnCount() - 1):
        tree.resizeColumnToContents(column)
