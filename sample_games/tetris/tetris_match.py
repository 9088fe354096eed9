"""One Tetris match on the server, without sockets: relays boards and garbage, names the winner.

Each client runs its own game and reports it: {"type": "board", "rows", "score", "lines"},
{"type": "garbage", "rows": N} after clearing two lines or more, and {"type": "lost"}
when a piece cannot spawn. The server passes boards and garbage to the opponent and
ends the match when one player is left standing.
"""

from __future__ import annotations

import random

from tetris_engine import GARBAGE, HEIGHT, KINDS, WIDTH

# typing costs a game server ~10 ms of its start (re, collections...): for type checkers only
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    Outgoing: TypeAlias = list[tuple[int | None, dict[str, Any]]]

CELLS = set(KINDS + GARBAGE + ".")


class TetrisMatch:
    def __init__(self, names: list[str], seed: int | None = None) -> None:
        if len(names) != 2:
            raise ValueError("Tetris needs exactly two players.")
        self.names = names
        self.seed = random.randrange(2**31) if seed is None else seed
        self.alive = [True, True]
        self.scores = [0, 0]
        self.finished = False
        self.winner: int | None = None

    def start(self) -> Outgoing:
        out: Outgoing = []
        for seat, name in enumerate(self.names):
            other = self.names[1 - seat]
            out.append((seat, {
                "type": "start", "players": self.names, "you": name, "opponent": other,
                "seed": self.seed, "text": f"The match starts: you against {other}. Good luck!",
            }))  # fmt: skip
        return out

    def on_message(self, seat: int, message: Any) -> Outgoing:
        if self.finished or not isinstance(message, dict) or not self.alive[seat]:
            return []
        kind = message.get("type")
        other = 1 - seat
        if isinstance(message.get("score"), int):
            self.scores[seat] = max(0, message["score"])
        if kind == "board" and _valid_rows(message.get("rows")):
            lines = message.get("lines") if isinstance(message.get("lines"), int) else 0
            board = {"type": "opponent", "name": self.names[seat], "rows": message["rows"],
                     "score": self.scores[seat], "lines": lines}  # fmt: skip
            return [(other, board)]
        if kind == "garbage" and isinstance(message.get("rows"), int):
            rows = max(0, min(4, message["rows"]))
            return (
                [(other, {"type": "garbage", "rows": rows, "from": self.names[seat]})]
                if rows
                else []
            )
        if kind == "lost":
            return self._knock_out(seat)
        return []

    def on_leave(self, seat: int) -> Outgoing:
        if self.finished or not self.alive[seat]:
            return []
        return self._knock_out(seat, left=True)

    def results(self) -> dict[str, Any]:
        winner = None if self.winner is None else self.names[self.winner]
        return {"winner": winner, "scores": dict(zip(self.names, self.scores, strict=True))}

    def _knock_out(self, seat: int, left: bool = False) -> Outgoing:
        self.alive[seat] = False
        standing = [i for i, alive in enumerate(self.alive) if alive]
        if len(standing) > 1:
            return []
        self.finished = True
        self.winner = standing[0] if standing else None
        out: Outgoing = []
        for i, name in enumerate(self.names):
            if i == self.winner:
                how = "left the match" if left else "topped out"
                text = f"{self.names[seat]} {how}. You win with {self.scores[i]} points!"
            elif self.winner is None:
                text = "Nobody is left standing: the match is a draw."
            else:
                text = (
                    f"You topped out. {self.names[self.winner]} wins. Your score: {self.scores[i]}."
                )
            out.append((i, {"type": "end", **self.results(), "text": text, "you": name}))
        return out


def _valid_rows(rows: Any) -> bool:
    return (
        isinstance(rows, list)
        and len(rows) == HEIGHT
        and all(isinstance(r, str) and len(r) == WIDTH and set(r) <= CELLS for r in rows)
    )
