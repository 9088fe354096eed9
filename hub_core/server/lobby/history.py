"""Match history (DESIGN §6): every finished match, kept per game up to a count.

One record per match in the ``matches`` table: game, version, players, the results as
the game reported them, start, end and how it ended. Growth is bounded: past ``kept``
records for one game, the oldest of that game go. A small summary of every record stays
in memory (game, end time, players, winner), so queries and pruning never decode the
whole table; the records themselves are read only for the matches a reply returns.
"""

from __future__ import annotations

import heapq
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any

import msgspec

from hub_core.server.lobby.rooms import EndedMatch, Room
from hub_core.storage import Repository
from hub_core.wire.schema import LeaderRow, MatchHistoryReply, MatchView

log = logging.getLogger(__name__)

MATCHES = "matches"
DEFAULT_KEPT = 500  # matches kept per game unless the hub is told otherwise
MAX_LIMIT = 500  # the most matches one reply carries
LEADERBOARD_ROWS = 20


def winner_of(results: Any, players: list[str]) -> str | None:
    """The winner a game reported, if it named one of the match's players."""
    if isinstance(results, dict):
        winner = results.get("winner")
        if isinstance(winner, str) and winner in players:
            return winner
    return None


@dataclass(frozen=True)
class _Entry:
    """What stays in memory of one record."""

    key: str
    game: str
    version: str
    ended: float
    players: frozenset[str]  # user keys
    names: tuple[str, ...]
    winner: str | None


class History:
    """Records and answers match history; every method runs on the hub's loop."""

    def __init__(self, repo: Repository, kept: int = DEFAULT_KEPT) -> None:
        """Reads every record's summary (blocking: the hub builds it in a thread at start)."""
        if kept < 1:
            raise ValueError("At least one match per game must be kept.")
        self.repo = repo
        self.kept = kept
        self._by_game: dict[str, list[_Entry]] = {}  # oldest first
        for key, doc in repo.all(MATCHES).items():
            self._by_game.setdefault(doc["game"], []).append(_entry(key, doc))
        for entries in self._by_game.values():
            entries.sort(key=lambda e: e.ended)

    async def prune_all(self) -> int:
        """Drops what is over the count for every game (the count may have been lowered)."""
        return sum([await self._prune(game) for game in list(self._by_game)], 0)

    async def record(self, room: Room, ended: EndedMatch) -> MatchView:
        """Stores one match (durable on return) and drops that game's oldest beyond the count."""
        key = f"{ended.ended:017.6f}-{secrets.token_hex(4)}"
        doc = {
            "id": key,
            "game": room.game,
            "display_name": room.display_name,
            "version": room.version,
            "room": room.id,
            "players": ended.names,
            "keys": ended.players,
            "results": ended.results,
            "winner": winner_of(ended.results, ended.names),
            "started": ended.started,
            "ended": ended.ended,
            "ending": ended.ending.value,
            "closed_room": ended.closed_room,
        }
        await self.repo.put(MATCHES, key, doc)
        self._by_game.setdefault(room.game, []).append(_entry(key, doc))
        await self._prune(room.game)
        log.info("Recorded a match of %s in room %s (%s)", room.game, room.id, ended.ending)
        return msgspec.convert(doc, MatchView)

    def query(
        self, *, game: str | None = None, player: str | None = None, limit: int = 50
    ) -> MatchHistoryReply:
        """Newest first; ``player`` is a user key. One game's reply adds its leaderboard."""
        limit = max(0, min(limit, MAX_LIMIT))
        pool = self._by_game.get(game, []) if game is not None else self._every()
        if player is not None:
            pool = [e for e in pool if player in e.players]
        newest = heapq.nlargest(limit, pool, key=lambda e: e.ended)
        matches = [self._view(e.key) for e in newest]
        if game is None:
            return MatchHistoryReply(matches=[m for m in matches if m], kept=self.kept)
        everyone = self._by_game.get(game, [])
        return MatchHistoryReply(
            matches=[m for m in matches if m],
            leaderboard=leaderboard(everyone),
            per_version=dict(Counter(e.version for e in everyone)),
            kept=self.kept,
        )

    def _every(self) -> list[_Entry]:
        return [e for entries in self._by_game.values() for e in entries]

    def _view(self, key: str) -> MatchView | None:
        doc = self.repo.get(MATCHES, key)
        return None if doc is None else msgspec.convert(doc, MatchView)

    async def _prune(self, game: str) -> int:
        entries = self._by_game.get(game, [])
        extra = len(entries) - self.kept
        if extra <= 0:
            return 0
        gone, self._by_game[game] = entries[:extra], entries[extra:]
        for entry in gone:
            await self.repo.delete(MATCHES, entry.key)
        return extra


def leaderboard(entries: list[_Entry]) -> list[LeaderRow]:
    """Wins per player (most first, then fewer matches), only when the game reports winners."""
    wins = Counter(e.winner for e in entries if e.winner is not None)
    if not wins:
        return []
    played = Counter(name for e in entries for name in e.names)
    rows = [LeaderRow(player=name, wins=wins.get(name, 0), matches=n) for name, n in played.items()]
    rows.sort(key=lambda r: (-r.wins, r.matches, r.player.casefold()))
    return rows[:LEADERBOARD_ROWS]


def _entry(key: str, doc: dict[str, Any]) -> _Entry:
    return _Entry(
        key=key,
        game=doc["game"],
        version=doc["version"],
        ended=float(doc["ended"]),
        players=frozenset(doc.get("keys", [])),
        names=tuple(doc.get("players", [])),
        winner=doc.get("winner"),
    )
