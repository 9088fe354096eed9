"""One local test run: a game_finished listener, the game's server and N clients on loopback.

Everything here runs on the network thread (start, send and stop are coroutines for
HubOp); what the window must show leaves by Qt signals, which Qt delivers on the
window's thread. The server is started exactly as a hub starts it (gameprocs), so a
game that works here works in a room.

    idle      nothing runs
    starting  listener up; the server is starting (GameStartError ends the run)
    running   server listening, clients started; their output streams to the consoles
    stopped   stop() ended the clients, the server's group and the listener
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from gamehub_qt.developer.localtest.procs import ClientProcess, LogTail
from hub_core.gameprocs import GameServer, ServerSpec, game_command, start_server
from hub_core.gameprocs.clients import local_client_env
from hub_core.packages import Manifest
from hub_core.server.lobby.callback import GameFinished, LobbyCallback

ROOM_ID = "local-test"
LOCAL_VERSION = "0.0.0"  # nothing is published yet; games only pass GAME_VERSION along
HOST = "127.0.0.1"
SERVER = "server"  # the ``who`` of the server's output


@dataclass(frozen=True)
class LocalPlan:
    """What to run: the package, how many clients, and where logs and records go."""

    folder: Path
    manifest: Manifest
    players: int
    log_path: Path
    state_dir: Path

    @property
    def names(self) -> list[str]:
        return [f"tester{number}" for number in range(1, self.players + 1)]


def client_env(plan: LocalPlan, port: int, who: str) -> dict[str, str]:
    """The game contract's client environment (DESIGN §5), as a player's app sets it."""
    return local_client_env(
        host=HOST,
        port=port,
        room_id=ROOM_ID,
        game=plan.manifest.name,
        version=LOCAL_VERSION,
        player=who,
    )


class LocalRun(QObject):
    """Runs one local test; make a new one for each run."""

    output = Signal(str, str)  # who ("server" or "testerN"), text
    client_ended = Signal(str, int)  # who, return code (negative: killed by that signal)
    server_ended = Signal(str)  # the sentence about how it ended
    game_finished = Signal(object)  # the results the game reported (anything JSON)

    def __init__(self, plan: LocalPlan) -> None:
        super().__init__()
        self.plan = plan
        self.clients: dict[str, ClientProcess] = {}
        self.server: GameServer | None = None
        self.stopping = False
        self._callback = LobbyCallback(self._finished, host=HOST)
        self._tail: LogTail | None = None
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> int:
        """Starts everything; returns the server's port. On failure, all is stopped again."""
        try:
            lobby_port = await self._callback.start()
            self.plan.log_path.parent.mkdir(parents=True, exist_ok=True)
            self.plan.state_dir.mkdir(parents=True, exist_ok=True)
            self._tail = LogTail(SERVER, self.plan.log_path, self.output.emit)
            self.server = await start_server(self._spec(lobby_port), state_dir=self.plan.state_dir)
            self._watch = asyncio.ensure_future(self._watch_server(self.server))
            for who in self.plan.names:
                await self._start_client(who, self.server.port)
        except BaseException:
            await self.stop()
            raise
        return self.server.port

    def _spec(self, lobby_port: int) -> ServerSpec:
        return ServerSpec(
            room_id=ROOM_ID,
            game=self.plan.manifest.name,
            version=LOCAL_VERSION,
            package_dir=self.plan.folder,
            entry=self.plan.manifest.entry_server,
            players=self.plan.names,
            bind_host=HOST,
            lobby_host=HOST,
            lobby_connect_host=HOST,
            lobby_port=lobby_port,
            log_path=self.plan.log_path,
        )

    async def _start_client(self, who: str, port: int) -> None:
        script = self.plan.folder / self.plan.manifest.entry_client
        self.clients[who] = await ClientProcess.start(
            who,
            game_command(script),
            self.plan.folder,
            client_env(self.plan, port, who),
            self.output.emit,
            self._client_exited,
        )

    async def send(self, who: str, text: str) -> None:
        client = self.clients.get(who)
        if client is not None:
            await client.write(text)

    async def stop(self) -> None:
        """Ends the clients, then the server's whole group, then the listener; safe twice."""
        self.stopping = True
        await asyncio.gather(*(c.stop() for c in self.clients.values()), return_exceptions=True)
        if self.server is not None:
            await self.server.stop()
        if self._watch is not None:
            self._watch.cancel()
        if self._tail is not None:
            await self._tail.stop()
        await self._callback.stop()

    def _client_exited(self, who: str, code: int) -> None:
        if not self.stopping:
            self.client_ended.emit(who, code)

    async def _watch_server(self, server: GameServer) -> None:
        ended = await server.wait()
        if self._tail is not None:
            await self._tail.read_new()  # its last words first, then how it ended
        if not self.stopping:
            self.server_ended.emit(ended.describe())

    async def _finished(self, report: GameFinished) -> tuple[bool, str]:
        """The game's game_finished report, answered as a hub would."""
        if report.room_id != ROOM_ID:
            return False, f"This local test runs room {ROOM_ID!r}, not {report.room_id!r}."
        self.game_finished.emit(report.results)
        return True, "The local test recorded the end of the game."
