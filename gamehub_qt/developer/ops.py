"""The Developer tab's hub work, as coroutines for HubOp (they run on the network thread).

Each one reads ``conn.client`` only there, because the network thread owns it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication

from gamehub_qt.shell.connection import Connection
from hub_core.client.hub_client import HubClient
from hub_core.client.publishing import Libraries, Progress, PublishResult, publish
from hub_core.errors import GameHubError
from hub_core.wire.schema import (
    GameDetails,
    MatchHistoryReply,
    SessionInfo,
    Unpublished,
    VersionHintReply,
)


def _client(conn: Connection) -> HubClient:
    client = conn.client
    if client is None or client.session is None:
        raise GameHubError(
            QCoreApplication.translate("DeveloperOps", "Log in as a developer first.")
        )
    return client


async def my_games(conn: Connection) -> list[GameDetails]:
    return await _client(conn).my_games()


async def version_hint(conn: Connection, name: str) -> VersionHintReply:
    return await _client(conn).version_hint(name)


async def unpublish(conn: Connection, name: str) -> Unpublished:
    return await _client(conn).unpublish(name)  # removing twice is harmless


async def publish_package(
    conn: Connection,
    source: Path,
    version: str,
    progress: Progress,
    libraries: Libraries | None = None,
) -> PublishResult:
    """Publishes; ``publish`` checks the package again first, so nothing broken is sent."""
    client = _client(conn)
    return await publish(client, source, version=version, progress=progress, libraries=libraries)


def session_of(conn: Connection) -> SessionInfo | None:
    """The session now (a plain attribute read; the tab asks once, when it is built)."""
    client = conn.client
    return None if client is None else client.session


async def match_history(conn: Connection, name: str, limit: int) -> MatchHistoryReply:
    return await _client(conn).match_history(name, limit=limit)
