"""Dots and Boxes without a screen: the board, turns, boxes, scores, and a simple bot.

Players take turns drawing a line between two neighbouring dots. Whoever draws the
fourth side of a box owns it and plays again. When every line is drawn, the player with
the most boxes wins. A player who leaves is skipped; the last one left wins.

A line is ("h", row, col): from dot (row, col) to dot (row, col + 1), or ("v", row, col):
from dot (row, col) to dot (row + 1, col). Boxes are (col, row) of their top-left dot.
"""

from __future__ import annotations

import random

# typing costs a game server ~10 ms of its start (re, collections...): for type checkers only
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Line = tuple[str, int, int]
Box = tuple[int, int]

# Boxes across and down for each table size: bigger tables, bigger boards.
SIZES = {2: (4, 4), 3: (5, 4), 4: (5, 5)}


class MoveError(ValueError):
    """A move the rules refuse; the message is a sentence for the player."""


class DotsGame:
    def __init__(self, players: list[str], cols: int | None = None, rows: int | None = None):
        if not 2 <= len(players) <= 4:
            raise ValueError("Dots and Boxes is for two to four players.")
        default_cols, default_rows = SIZES[len(players)]
        self.players = list(players)
        self.cols, self.rows = cols or default_cols, rows or default_rows
        self.lines: dict[Line, int] = {}
        self.boxes: dict[Box, int] = {}
        self.turn = 0
        self.active = [True] * len(players)

    # --- the board --------------------------------------------------------------------

    def all_lines(self) -> list[Line]:
        across = [("h", r, c) for r in range(self.rows + 1) for c in range(self.cols)]
        down = [("v", r, c) for r in range(self.rows) for c in range(self.cols + 1)]
        return across + down

    def free_lines(self) -> list[Line]:
        return [line for line in self.all_lines() if line not in self.lines]

    def is_line(self, line: Line) -> bool:
        kind, r, c = line
        if kind == "h":
            return 0 <= r <= self.rows and 0 <= c < self.cols
        return kind == "v" and 0 <= r < self.rows and 0 <= c <= self.cols

    def sides(self, box: Box) -> list[Line]:
        c, r = box
        return [("h", r, c), ("h", r + 1, c), ("v", r, c), ("v", r, c + 1)]

    def boxes_beside(self, line: Line) -> list[Box]:
        kind, r, c = line
        if kind == "h":
            return [(c, row) for row in (r - 1, r) if 0 <= row < self.rows]
        return [(col, r) for col in (c - 1, c) if 0 <= col < self.cols]

    def drawn_sides(self, box: Box) -> int:
        return sum(side in self.lines for side in self.sides(box))

    # --- play -------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return len(self.lines) == len(self.all_lines()) or sum(self.active) <= 1

    def play(self, seat: int, line: Line) -> list[Box]:
        """Draws a line for ``seat``; returns the boxes it completed (then ``seat`` goes again)."""
        if self.finished:
            raise MoveError("The game is over.")
        if seat != self.turn:
            raise MoveError(f"It is {self.players[self.turn]}'s turn, not yours.")
        if not self.is_line(line):
            raise MoveError("That is not a line between two neighbouring dots.")
        if line in self.lines:
            raise MoveError("That line is already drawn; pick another one.")
        self.lines[line] = seat
        completed = [box for box in self.boxes_beside(line) if self.drawn_sides(box) == 4]
        for box in completed:
            self.boxes[box] = seat
        if not completed:
            self._pass_turn()
        return completed

    def leave(self, seat: int) -> None:
        """The player left: their boxes stay on the board, their turns are skipped."""
        self.active[seat] = False
        if self.turn == seat and not self.finished:
            self._pass_turn()

    def _pass_turn(self) -> None:
        for step in range(1, len(self.players) + 1):
            candidate = (self.turn + step) % len(self.players)
            if self.active[candidate]:
                self.turn = candidate
                return

    def scores(self) -> list[int]:
        return [
            sum(1 for owner in self.boxes.values() if owner == s) for s in range(len(self.players))
        ]

    def leaders(self) -> list[int]:
        """The seats with the most boxes among players still here (several on a tie)."""
        present = [s for s, here in enumerate(self.active) if here]
        if len(present) <= 1:
            return present
        scores = self.scores()
        best = max(scores[s] for s in present)
        return [s for s in present if scores[s] == best]

    # --- the wire ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "players": self.players, "cols": self.cols, "rows": self.rows,
            "lines": [[k, r, c, who] for (k, r, c), who in self.lines.items()],
            "boxes": [[c, r, who] for (c, r), who in self.boxes.items()],
            "turn": self.turn, "active": self.active, "scores": self.scores(),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DotsGame:
        game = cls(list(data["players"]), int(data["cols"]), int(data["rows"]))
        game.lines = {(str(k), int(r), int(c)): int(who) for k, r, c, who in data["lines"]}
        game.boxes = {(int(c), int(r)): int(who) for c, r, who in data["boxes"]}
        game.turn = int(data["turn"])
        game.active = [bool(a) for a in data["active"]]
        return game


def parse_line(value: Any) -> Line | None:
    """["h", 2, 3] from the wire -> ("h", 2, 3); anything malformed -> None."""
    if not isinstance(value, list) or len(value) != 3 or value[0] not in ("h", "v"):
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value[1:]):
        return None
    return (value[0], value[1], value[2])


def bot_line(game: DotsGame, rng: random.Random) -> Line:
    """Completes a box if it can; else avoids drawing a box's third side; else anything."""
    free = game.free_lines()
    closing = [ln for ln in free if any(game.drawn_sides(b) == 3 for b in game.boxes_beside(ln))]
    if closing:
        return rng.choice(closing)
    safe = [ln for ln in free if all(game.drawn_sides(b) < 2 for b in game.boxes_beside(ln))]
    return rng.choice(safe or free)
