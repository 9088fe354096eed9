"""Rooms as an explicit state machine (DESIGN §6); no I/O here, so every rule is unit-testable.

    waiting  : players join and leave, and mark themselves ready (the game is installed)
    proposed : the owner asked to start; each guest accepts (→ in_game) or declines (→ waiting)
    in_game  : the game's clients are running; the server's game_finished report ends it
    closed   : the room is gone: emptied, closed by the game (kick_all), or its server died

Every method either changes the room and returns, or raises RequestRefused with the
sentence the player sees, leaving the room as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.schema import MatchEnding, MatchView, RoomState, RoomView

__all__ = ["EndedMatch", "Room", "RoomState"]


@dataclass(frozen=True)
class EndedMatch:
    """A match that just ended, however it ended, for the lobby to record in the history."""

    players: list[str]  # user keys in seat order, as the match started
    names: list[str]  # their display names
    started: float
    ended: float
    ending: MatchEnding
    results: Any = None
    closed_room: bool = False


@dataclass
class Room:
    """One room; ``players`` are user keys in seat order, ``names`` their display names."""

    id: str
    game: str
    version: str
    display_name: str
    type: str
    min_players: int
    max_players: int
    owner: str
    players: list[str]
    names: dict[str, str]
    state: RoomState = RoomState.WAITING
    ready: set[str] = field(default_factory=set)
    accepted: set[str] = field(default_factory=set)
    server_port: int = 0
    matches: int = 0
    last_results: Any = None
    closed_reason: str = ""
    created: float = field(default_factory=time.time)
    match_started: float = 0.0  # when the running match started
    match_players: list[str] = field(default_factory=list)  # who started it (keys)
    ended_match: EndedMatch | None = None  # set when a match ends; the lobby takes it
    last_match: MatchView | None = None  # the lobby's record of the last match, for members

    # -- who may do what -------------------------------------------------------------

    def join(self, key: str, name: str) -> None:
        if key in self.players:
            return  # joining twice (e.g. after a reconnect) is harmless
        self._must_be_open("join")
        if len(self.players) >= self.max_players:
            raise RequestRefused(Code.ROOM_FULL, f"This room is full ({self.max_players} players).")
        self.players.append(key)
        self.names[key] = name

    def leave(self, key: str) -> None:
        """Removes a player; ownership passes on; an empty room closes."""
        self._must_be_member(key)
        self.players.remove(key)
        self.ready.discard(key)
        self.accepted.discard(key)
        if not self.players:
            self.close("Everyone left the room.", MatchEnding.PLAYERS_LEFT)
            return
        if self.owner == key:
            self.owner = self.players[0]
        if self.state is RoomState.PROPOSED:
            self._back_to_waiting()

    def set_ready(self, key: str, ready: bool) -> None:
        self._must_be_member(key)
        if self.state is not RoomState.WAITING:
            raise RequestRefused(Code.ROOM_BUSY, "Ready can change only while the room is waiting.")
        (self.ready.add if ready else self.ready.discard)(key)

    def propose(self, key: str) -> bool:
        """The owner asks to start: enough players, every one of them ready.

        Returns True if that started the match (a room of one needs no one's consent).
        """
        self._must_be_member(key)
        if key != self.owner:
            raise RequestRefused(Code.NOT_OWNER, "Only the room's owner can start the game.")
        if self.state is not RoomState.WAITING:
            raise RequestRefused(
                Code.ROOM_BUSY, f"The room is {self.state.value.replace('_', ' ')}."
            )
        if len(self.players) < self.min_players:
            raise RequestRefused(Code.NOT_READY, self._need_players())
        unready = [self.names[p] for p in self.players if p not in self.ready]
        if unready:
            raise RequestRefused(
                Code.NOT_READY, f"Not everyone is ready yet: {', '.join(unready)}."
            )
        self.state = RoomState.PROPOSED
        self.accepted = {key}
        return self._start_if_all_accepted()

    def respond(self, key: str, accept: bool) -> bool:
        """A guest accepts or declines; returns True if that started the match."""
        self._must_be_member(key)
        if self.state is not RoomState.PROPOSED:
            raise RequestRefused(Code.NO_PROPOSAL, "No start has been proposed in this room.")
        if not accept:
            self._back_to_waiting()
            return False
        self.accepted.add(key)
        return self._start_if_all_accepted()

    def finished(self, kick_all: bool, results: Any) -> None:
        """The game server reported the end of a match."""
        if self.state is not RoomState.IN_GAME:
            raise RequestRefused(Code.ROOM_BUSY, "No game is running in this room.")
        self.last_results = results
        self._end_match(MatchEnding.FINISHED, results, closed_room=kick_all)
        if kick_all:
            self.close("The game closed the room.")
        else:
            self._back_to_waiting()
            self.ready.clear()

    def close(self, reason: str, ending: MatchEnding = MatchEnding.SERVER_DIED) -> None:
        """Closes the room; a match still running ends as ``ending``."""
        self._end_match(ending)
        self.state = RoomState.CLOSED
        self.closed_reason = reason

    def take_ended_match(self) -> EndedMatch | None:
        """The match that ended since the last call, if one did (the lobby records it)."""
        ended, self.ended_match = self.ended_match, None
        return ended

    # -- views -----------------------------------------------------------------------

    def snapshot(self) -> RoomView:
        """Everything members see; the same shape in events and replies."""
        return RoomView(
            id=self.id,
            game=self.game,
            version=self.version,
            display_name=self.display_name,
            type=self.type,
            min_players=self.min_players,
            max_players=self.max_players,
            owner=self.names.get(self.owner, self.owner),
            players=[self.names[p] for p in self.players],
            ready=[self.names[p] for p in self.players if p in self.ready],
            accepted=[self.names[p] for p in self.players if p in self.accepted],
            state=self.state,
            server_port=self.server_port,
            matches=self.matches,
            last_results=self.last_results,
            closed_reason=self.closed_reason,
            created=self.created,
            last_match=self.last_match,
        )

    # -- helpers ---------------------------------------------------------------------

    def _start_if_all_accepted(self) -> bool:
        if not set(self.players) <= self.accepted:
            return False
        self.state = RoomState.IN_GAME
        self.accepted = set()
        self.matches += 1
        self.match_started = time.time()
        self.match_players = list(self.players)
        return True

    def _end_match(
        self, ending: MatchEnding, results: Any = None, closed_room: bool = False
    ) -> None:
        if self.state is not RoomState.IN_GAME or not self.match_started:
            return  # no match running, or its end is already taken down
        self.ended_match = EndedMatch(
            players=self.match_players,
            names=[self.names.get(p, p) for p in self.match_players],
            started=self.match_started,
            ended=time.time(),
            ending=ending,
            results=results,
            closed_room=closed_room,
        )
        self.match_started = 0.0

    def _back_to_waiting(self) -> None:
        self.state = RoomState.WAITING
        self.accepted = set()

    def _must_be_open(self, doing: str) -> None:
        if self.state is RoomState.CLOSED:
            raise RequestRefused(Code.NO_SUCH_ROOM, "This room has closed.")
        if self.state is not RoomState.WAITING:
            what = (
                "a game is running" if self.state is RoomState.IN_GAME else "a start was proposed"
            )
            raise RequestRefused(Code.ROOM_BUSY, f"You cannot {doing} now: {what} in this room.")

    def _must_be_member(self, key: str) -> None:
        if self.state is RoomState.CLOSED:
            raise RequestRefused(Code.NO_SUCH_ROOM, "This room has closed.")
        if key not in self.players:
            raise RequestRefused(Code.NOT_IN_ROOM, "You are not in this room.")

    def _need_players(self) -> str:
        have, need = len(self.players), self.min_players
        if need == self.max_players:
            return f"The room must be full to start ({have} of {need} players)."
        return f"At least {need} players are needed to start ({have} so far)."
