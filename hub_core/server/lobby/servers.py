"""Starting a room's game server: the version's folder and libraries, then the process.

Apart from the lobby because both a new room and a room handed over from another hub
(lobby/moving.py) start one, and neither needs the lobby's bookkeeping to do it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub_core.errors import RequestRefused
from hub_core.gameprocs import GameServer, GameStartError, ServerSpec, start_server
from hub_core.packages import PackageError, index_from_wire
from hub_core.packages.wheels import deps_from_wire
from hub_core.server.store.unpacked import Unpacked
from hub_core.wire.codes import Code

if TYPE_CHECKING:
    from hub_core.server.lobby.lobby import LobbyConfig


async def start_room_server(
    config: LobbyConfig,
    unpacked: Unpacked,
    lobby_port: int,
    room_id: str,
    version: dict[str, Any],
    players: Sequence[str],
) -> GameServer:
    """Starts a room's game server; raises RequestRefused with the reason it did not."""
    manifest = version["manifest"]
    folder, libs = await asyncio.to_thread(_unpack, config, unpacked, version)
    spec = ServerSpec(
        room_id=room_id,
        game=version["game"],
        version=version["version"],
        package_dir=folder,
        entry=manifest["entry_server"],
        players=list(players),
        bind_host=config.bind_host,
        lobby_host="127.0.0.1",
        lobby_connect_host="127.0.0.1",
        lobby_port=lobby_port,
        log_path=config.log_dir / f"{room_id}.log",
        libs_dir=libs,
    )
    try:
        return await start_server(
            spec,
            limits=config.limits,
            ready_timeout=config.ready_timeout,
            state_dir=config.state_dir,
            spare=config.spare,
        )
    except GameStartError as exc:
        raise _start_failed(manifest, exc) from None


def _unpack(
    config: LobbyConfig, unpacked: Unpacked, version: dict[str, Any]
) -> tuple[Path, Path | None]:
    """The version's folder and its libraries for this hub (blocking: run in a thread)."""
    name, number = version["game"], version["version"]
    folder = unpacked.folder(name, number, index_from_wire(version["index"]))
    try:
        deps = deps_from_wire(version.get("deps", []))
        return folder, unpacked.libs(name, number, deps, config.package_limits)
    except PackageError as exc:
        raise _start_failed(version["manifest"], exc) from None


def _start_failed(manifest: dict[str, Any], why: Exception) -> RequestRefused:
    shown = manifest["display_name"]
    return RequestRefused(Code.GAME_START_FAILED, f"{shown} could not start: {why}")
