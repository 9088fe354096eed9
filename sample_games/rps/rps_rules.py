"""Rock Paper Scissors rules and one match on the server, without sockets.

A match is best of three: the first player to win two rounds wins. A drawn round is
played again; after MAX_ROUNDS rounds the player ahead wins, or the match is a draw.
"""

from __future__ import annotations

# typing costs a game server ~10 ms of its start (re, collections...): for type checkers only
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    Outgoing: TypeAlias = list[tuple[int | None, dict[str, Any]]]

MOVES = ("rock", "paper", "scissors")
BEATS = {"rock": "scissors", "paper": "rock", "scissors": "paper"}
WINS_NEEDED = 2
MAX_ROUNDS = 9
_SHORT = {"r": "rock", "p": "paper", "s": "scissors"}


def parse_move(text: str) -> str | None:
    """'r', 'rock', ' Rock ' -> 'rock'; anything else -> None."""
    word = text.strip().lower()
    return _SHORT.get(word, word if word in MOVES else None)


def round_winner(a: str, b: str) -> int | None:
    """0 if move a wins, 1 if move b wins, None for a draw."""
    if a == b:
        return None
    return 0 if BEATS[a] == b else 1


def ask_text(round_no: int) -> str:
    return f"Round {round_no}: type r (rock), p (paper) or s (scissors) and press Enter."


class RpsMatch:
    """One best-of-three match between two named players (seat 0 and seat 1)."""

    def __init__(self, names: list[str]) -> None:
        if len(names) != 2:
            raise ValueError("Rock Paper Scissors needs exactly two players.")
        self.names = names
        self.wins = [0, 0]
        self.round_no = 0
        self.moves: list[str | None] = [None, None]
        self.finished = False
        self.winner: int | None = None

    def start(self) -> Outgoing:
        a, b = self.names
        text = f"The match starts: {a} against {b}. The first to win two rounds wins."
        return [(None, {"type": "say", "text": text}), *self._next_round()]

    def on_message(self, seat: int, message: Any) -> Outgoing:
        if self.finished or not isinstance(message, dict) or message.get("type") != "move":
            return []
        move = parse_move(str(message.get("move", "")))
        if move is None:
            text = "That is not a move. " + ask_text(self.round_no)
            return [(seat, {"type": "ask", "round": self.round_no, "text": text})]
        other = 1 - seat
        if self.moves[seat] is not None:
            return [(seat, _say(f"You already chose. Waiting for {self.names[other]}."))]
        self.moves[seat] = move
        if self.moves[other] is None:
            return [
                (seat, _say(f"You chose {move}. Waiting for {self.names[other]} to choose.")),
                (other, _say(f"{self.names[seat]} has chosen.")),
            ]
        return self._finish_round()

    def on_leave(self, seat: int) -> Outgoing:
        if self.finished:
            return []
        other = 1 - seat
        self.finished, self.winner = True, other
        text = f"{self.names[seat]} left the match. You win!"
        return [(other, self._end_message(text))]

    def results(self) -> dict[str, Any]:
        winner = None if self.winner is None else self.names[self.winner]
        return {"winner": winner, "scores": dict(zip(self.names, self.wins, strict=True))}

    def _next_round(self) -> Outgoing:
        self.round_no += 1
        self.moves = [None, None]
        text = ask_text(self.round_no)
        return [(None, {"type": "ask", "round": self.round_no, "text": text})]

    def _finish_round(self) -> Outgoing:
        moves = [m or "" for m in self.moves]
        won = round_winner(moves[0], moves[1])
        if won is not None:
            self.wins[won] += 1
        out: Outgoing = []
        for seat in (0, 1):
            other = 1 - seat
            verdict = {None: "This round is a draw.", seat: "You win this round."}.get(
                won, f"{self.names[other]} wins this round."
            )
            text = (
                f"Round {self.round_no}: you played {moves[seat]}, {self.names[other]} played "
                f"{moves[other]}. {verdict} Score: you {self.wins[seat]}, "
                f"{self.names[other]} {self.wins[other]}."
            )
            out.append((seat, _say(text)))
        if max(self.wins) >= WINS_NEEDED or self.round_no >= MAX_ROUNDS:
            return out + self._end()
        return out + self._next_round()

    def _end(self) -> Outgoing:
        self.finished = True
        if self.wins[0] != self.wins[1]:
            self.winner = 0 if self.wins[0] > self.wins[1] else 1
        out: Outgoing = []
        for seat in (0, 1):
            if self.winner is None:
                text = "The match is a draw."
            elif self.winner == seat:
                text = f"You win the match {self.wins[seat]} to {self.wins[1 - seat]}!"
            else:
                text = (
                    f"You lost the match {self.wins[seat]} to {self.wins[1 - seat]}. "
                    f"{self.names[1 - seat]} wins."
                )
            out.append((seat, self._end_message(text)))
        return out

    def _end_message(self, text: str) -> dict[str, Any]:
        return {"type": "end", **self.results(), "text": text}


def _say(text: str) -> dict[str, Any]:
    return {"type": "say", "text": text}
