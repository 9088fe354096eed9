"""Running a game's client as a child process, with its output and input over pipes.

One coroutine on the network thread owns the whole life of the process: start it from
the installed version (hub_core.client.playing.start_game_client), read its output in chunks
(so a prompt without a newline still shows), and wait for its exit. Text reaches Qt by
the ``output`` signal; the exit code comes back as the HubOp's result. Cancelling the
op (leaving the room, logging out) stops the process.

Pipes work on every OS, so a CLI game plays in the app's console tab; a GUI game opens
its own window and its output is only kept as a log.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib

from PySide6.QtCore import QObject, Signal

from gamehub_qt.base.ops import HubOp
from gamehub_qt.player.common import need_client
from gamehub_qt.player.state import PlayerState
from hub_core.client.installs import read_installed
from hub_core.client.playing import start_game_client
from hub_core.errors import GameHubError
from hub_core.wire.schema import RoomView

CHUNK = 4096
STOP_GRACE = 3.0


class GameRunner(QObject):
    """One run of a game client; ``output(text)``, then ``exited(code)`` or ``failed(text)``."""

    started = Signal()
    output = Signal(str)
    exited = Signal(int)
    failed = Signal(str)

    def __init__(self, state: PlayerState, room: RoomView) -> None:
        super().__init__()
        self.state = state
        self.room = room
        self.running = False
        self._proc: asyncio.subprocess.Process | None = None
        self._op: HubOp | None = None
        self._early: list[bytes] = []  # only touched on the network thread

    def start(self) -> None:
        root = self.state.games_root()
        room = self.room
        missing = self.tr("{0} is not installed.").format(room.display_name)

        async def work() -> int:
            installed = await asyncio.to_thread(read_installed, root, room.game)
            if installed is None:
                raise GameHubError(missing)
            proc = await start_game_client(
                need_client(self.state.context), room, installed, pipe=True
            )
            if proc.stdin is not None:  # lines typed before the process existed, in order
                for data in self._early:
                    proc.stdin.write(data)
            self._early.clear()
            self._proc = proc
            self.started.emit()
            try:
                return await self._pump(proc)
            finally:
                await _stop(proc)

        self.running = True
        self._op = (
            self.state.context.op(None, work)
            .success(self._done)
            .failure(self.state.guard(self._failed))
        )
        self._op.run()

    def send(self, line: str) -> None:
        """Sends one line to the game's standard input."""
        data = (line + "\n").encode("utf-8")

        async def work() -> None:
            if self._proc is None:
                self._early.append(data)  # the start coroutine sends these (same thread)
            else:
                await _write(self._proc, data)

        self.state.context.op(None, work).failure(lambda _exc: None).run()

    def stop(self) -> None:
        """Stops the game client (the player left the room or logged out)."""
        if self._op is not None and self.running:
            self._op.cancel()
            self.running = False

    async def _pump(self, proc: asyncio.subprocess.Process) -> int:
        """Forwards output until the game closes it, then waits for the exit code."""
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(CHUNK):
            self.output.emit(decoder.decode(chunk))
        if tail := decoder.decode(b"", final=True):
            self.output.emit(tail)
        return await proc.wait()

    def _done(self, code: int) -> None:
        self.running = False
        self.exited.emit(code)

    def _failed(self, exc: Exception) -> None:
        self.running = False
        self.failed.emit(str(exc))


async def _write(proc: asyncio.subprocess.Process, data: bytes) -> None:
    if proc.stdin is None or proc.returncode is not None:
        return
    with contextlib.suppress(ConnectionError):  # the game closed its input: nothing to do
        proc.stdin.write(data)
        await proc.stdin.drain()


async def _stop(proc: asyncio.subprocess.Process) -> None:
    """Ends a client that is still running: politely first, then for sure."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), STOP_GRACE)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
