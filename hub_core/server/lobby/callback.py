"""The game_finished listener (DESIGN §5): a game server reports the end of a match.

Plain TCP, exactly as games written for the original system expect: the game connects,
sends one JSON line, reads one JSON line back and closes. Like the original's
``readline``, a message that ends with the connection instead of a newline counts too.

    → {"kind": "game_finished", "room_id": "ab12cd34", "kick_all": false, "results": {...}}
    ← {"ok": true, "message": "The room is waiting again."}
    ← {"ok": false, "error": "There is no open room 'ab12cd34' on this hub."}

Anything else is answered with ``{"ok": false, "error": <sentence>}`` wherever the
connection still allows it, and never stops the listener. Every connection is served
on its own task, so a silent or slow client delays nobody else.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hub_core.util.ratelog import RateLimitedLog

log = logging.getLogger(__name__)

MAX_LINE = 64 * 1024  # longest message accepted, newline not counted
READ_TIMEOUT = 5.0  # a client has this long to send its message
LINGER = 0.5  # after answering, how long to discard what a client still sends
LINGER_BYTES = 1024 * 1024
MAX_CONNECTIONS = 128  # more at once are told the hub is busy


class CallState(StrEnum):
    """Where one game's connection to the listener stands; they only move down this list."""

    # up to MAX_LINE bytes, until a newline or the client's end, within the read timeout
    # (a connection over MAX_CONNECTIONS skips this: it is told the hub is busy)
    READING = "reading"
    # the message is checked and handed to on_finished, or refused; one line goes back
    ANSWERING = "answering"
    # our side is shut for writing; what the client still sends is discarded for a moment,
    # because closing with unread data resets the connection, which can destroy the
    # answer before the client has read it
    LINGERING = "lingering"
    # the socket is closed (also straight from any state when the client goes or we stop)
    CLOSED = "closed"


OnState = Callable[[int, CallState], None]


@dataclass(frozen=True)
class GameFinished:
    """A game server's report that a match ended."""

    room_id: str
    kick_all: bool = False  # true closes the room; false returns it to waiting
    results: Any = None  # whatever the game sent (winner, scores...), if anything


OnFinished = Callable[[GameFinished], Awaitable[tuple[bool, str]]]


class ReportError(ValueError):
    """A message the listener refuses; the text is the error sent back."""


def parse_report(line: bytes) -> GameFinished:
    """Checks one message; raises ReportError with a sentence for anything but a report."""
    text = line.strip()
    if not text:
        raise ReportError("The message is empty.")
    try:
        message = json.loads(text)
    except RecursionError:
        raise ReportError("The message is nested too deeply.") from None
    except ValueError:
        raise ReportError("The message is not valid JSON.") from None
    if not isinstance(message, dict):
        raise ReportError("The message must be a JSON object.")
    kind = message.get("kind")
    if not isinstance(kind, str):
        raise ReportError('The message has no "kind"; this port takes only "game_finished".')
    if kind != "game_finished":
        raise ReportError(f'This port takes only "game_finished" messages, not {kind!r}.')
    room_id = message.get("room_id")
    if not isinstance(room_id, str) or not room_id.strip():
        raise ReportError('"room_id" must name the room, as ROOM_ID does.')
    kick_all = message.get("kick_all", False)
    if not isinstance(kick_all, bool):
        raise ReportError('"kick_all" must be true or false.')
    return GameFinished(room_id=room_id, kick_all=kick_all, results=message.get("results"))


class LobbyCallback:
    """Listens for game_finished reports and hands each to ``on_finished``."""

    def __init__(
        self,
        on_finished: OnFinished,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        read_timeout: float = READ_TIMEOUT,
        on_state: OnState | None = None,
    ) -> None:
        """``on_state(connection number, state)`` hears every transition (logs, tests)."""
        self._on_finished = on_finished
        self._on_state = on_state
        self._numbers = itertools.count(1)
        self._states: dict[int, CallState] = {}  # open connections' states, by number
        self._host = host
        self._port = port
        self._read_timeout = read_timeout
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._refused = RateLimitedLog(log, "refused game_finished messages")

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> int:
        """Starts listening; returns the port (useful when asked for port 0)."""
        self._server = await asyncio.start_server(
            self._serve, self._host, self._port, limit=MAX_LINE
        )
        self._port = int(self._server.sockets[0].getsockname()[1])
        log.info("Listening for game_finished reports on %s:%d", self._host, self._port)
        return self._port

    async def stop(self) -> None:
        """Stops listening and drops open connections; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = writer.get_extra_info("peername")
        number = next(self._numbers)
        try:
            if len(self._connections) > MAX_CONNECTIONS:
                self._enter(number, CallState.ANSWERING)
                reply = _refusal("The hub is busy; try again in a moment.")
            else:
                self._enter(number, CallState.READING)
                reply = await self._answer(reader, peer, number)
            await _send(writer, reply)
            self._enter(number, CallState.LINGERING)
            await _linger(reader)
        except OSError as exc:  # the client left before its answer
            log.debug("Lost the connection from %s before answering it: %s", peer, exc)
        except Exception:
            log.exception("Unexpected failure while answering %s", peer)
        finally:
            self._connections.discard(task)
            writer.close()
            self._enter(number, CallState.CLOSED)
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    def _enter(self, number: int, state: CallState) -> None:
        if self._states.get(number) is state:
            return
        if state is CallState.CLOSED:
            self._states.pop(number, None)
        else:
            self._states[number] = state
        log.debug("game_finished connection %d: %s", number, state)
        if self._on_state is not None:
            self._on_state(number, state)

    async def _answer(self, reader: asyncio.StreamReader, peer: Any, number: int) -> dict[str, Any]:
        try:
            line = await self._read_message(reader)
            self._enter(number, CallState.ANSWERING)
            report = parse_report(line)
        except ReportError as exc:  # logged once per host per interval, not per message
            self._enter(number, CallState.ANSWERING)  # also when the read itself failed
            host = peer[0] if isinstance(peer, tuple) and peer else peer
            self._refused.note(host, str(exc))
            return _refusal(str(exc))
        return await self._deliver(report)

    async def _read_message(self, reader: asyncio.StreamReader) -> bytes:
        try:
            async with asyncio.timeout(self._read_timeout):
                return await reader.readuntil(b"\n")
        except TimeoutError:
            raise ReportError(
                f"No message arrived within {self._read_timeout:g} seconds."
            ) from None
        except asyncio.LimitOverrunError:
            raise ReportError(f"The message is longer than {MAX_LINE // 1024} KiB.") from None
        except asyncio.IncompleteReadError as exc:
            return _ended_message(exc.partial)

    async def _deliver(self, report: GameFinished) -> dict[str, Any]:
        try:
            ok, message = await self._on_finished(report)
        except Exception:
            log.exception("Recording the end of the game in room %s failed", report.room_id)
            return _refusal("The hub could not record the end of the game.")
        if not ok:  # e.g. a room that does not exist: anyone can send that, so sparingly
            self._refused.note("game servers", f"room {report.room_id}: {message}")
            return _refusal(message)
        log.info(
            "Room %s reported the end of a game (kick_all=%s): %s",
            report.room_id,
            report.kick_all,
            message,
        )
        return {"ok": True, "message": message}


def _ended_message(partial: bytes) -> bytes:
    """A message the client ended by closing its side: whole JSON counts, half does not."""
    if not partial.strip():
        raise ReportError("The connection closed before a message arrived.")
    try:
        json.loads(partial)
    except (ValueError, RecursionError):
        raise ReportError("The connection closed in the middle of a message.") from None
    return partial


def _refusal(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


async def _send(writer: asyncio.StreamWriter, reply: dict[str, Any]) -> None:
    writer.write(json.dumps(reply).encode() + b"\n")
    async with asyncio.timeout(READ_TIMEOUT):
        await writer.drain()
    if writer.can_write_eof():
        writer.write_eof()


async def _linger(reader: asyncio.StreamReader) -> None:
    """Discards what the client still sends, until it closes or LINGER passes."""
    with contextlib.suppress(TimeoutError, OSError):
        async with asyncio.timeout(LINGER):
            received = 0
            while received < LINGER_BYTES:
                chunk = await reader.read(64 * 1024)
                if not chunk:
                    return
                received += len(chunk)
