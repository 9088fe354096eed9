"""What the Hub tab reads from the hosted hub: a snapshot taken on the hub's own thread,
and the new lines of a room's game server log, read by a worker a tail at a time.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from hub_core.server.thread import HubThread
from hub_core.wire.schema import RoomView

TAIL_BYTES = 256 * 1024  # a new log view starts with at most this much of the file


@dataclass(frozen=True)
class HubView:
    players: list[str]
    rooms: list[RoomView]
    log: str = ""  # new text of the chosen room's log
    log_offset: int = 0  # where the next read starts
    log_reset: bool = False  # the file was replaced: show ``log`` from scratch


def read_log(path: Path, offset: int) -> tuple[str, int, bool]:
    """The text after ``offset`` (or the last TAIL_BYTES when offset is -1 or the file shrank)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "", 0, offset > 0
    reset = offset < 0 or size < offset
    start = max(0, size - TAIL_BYTES) if reset else offset
    with path.open("rb") as file:
        file.seek(start)
        data = file.read(size - start)
    return data.decode("utf-8", errors="replace"), start + len(data), reset


async def poll_hub(thread: HubThread, log_path: Path | None, offset: int) -> HubView:
    """On the network thread: the hub's snapshot, then the log's new lines from a worker."""
    status = await thread.status()
    if log_path is None:
        return HubView(status.players, status.rooms)
    text, end, reset = await asyncio.to_thread(read_log, log_path, offset)
    return HubView(status.players, status.rooms, text, end, reset)
