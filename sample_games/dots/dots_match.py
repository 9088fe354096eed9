"""One Dots and Boxes match on the server, without sockets: checks moves, tells everyone.

Clients send {"type": "line", "line": ["h", row, col]}. After every move each player gets
{"type": "state", "state": {...}, "text": "..."} (the state says whose turn it is); the
last one is {"type": "end", "winner", "scores", "state", "text"}. A refused move gets
{"type": "error", "text": "..."} and the same player tries again.
"""

from __future__ import annotations

from dots_logic import DotsGame, MoveError, parse_line

# typing costs a game server ~10 ms of its start (re, collections...): for type checkers only
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    Outgoing: TypeAlias = list[tuple[int | None, dict[str, Any]]]


class DotsMatch:
    def __init__(self, names: list[str]) -> None:
        self.game = DotsGame(names)
        self.names = names

    @property
    def finished(self) -> bool:
        return self.game.finished

    def start(self) -> Outgoing:
        g = self.game
        text = (
            f"The match starts on a {g.cols} by {g.rows} board. {self.names[g.turn]} plays first."
        )
        return [
            (seat, {"type": "start", "you": name, "seat": seat, "state": g.to_dict(), "text": text})
            for seat, name in enumerate(self.names)
        ]

    def on_message(self, seat: int, message: Any) -> Outgoing:
        if self.finished or not isinstance(message, dict) or message.get("type") != "line":
            return []
        line = parse_line(message.get("line"))
        try:
            if line is None:
                raise MoveError("That is not a line between two neighbouring dots.")
            completed = self.game.play(seat, line)
        except MoveError as exc:
            return [(seat, {"type": "error", "text": str(exc)})]
        name = self.names[seat]
        if completed:
            boxes = "a box" if len(completed) == 1 else "two boxes"
            text = f"{name} completed {boxes} and plays again."
        else:
            text = f"{name} drew a line."
        return self._update(text)

    def on_leave(self, seat: int) -> Outgoing:
        if self.finished or not self.game.active[seat]:
            return []
        self.game.leave(seat)
        return self._update(f"{self.names[seat]} left the match.")

    def results(self) -> dict[str, Any]:
        leaders = self.game.leaders()
        winner = self.names[leaders[0]] if len(leaders) == 1 else None
        scores = dict(zip(self.names, self.game.scores(), strict=True))
        return {"winner": winner, "scores": scores}

    def _update(self, text: str) -> Outgoing:
        if not self.finished:
            return [(None, {"type": "state", "state": self.game.to_dict(), "text": text})]
        results = self.results()
        winner = results["winner"]
        if winner is None:
            tied = " and ".join(self.names[s] for s in self.game.leaders())
            verdict = f"The match is a tie between {tied}."
        else:
            verdict = f"{winner} wins with {results['scores'][winner]} boxes!"
        end = {"type": "end", **results, "state": self.game.to_dict(), "text": f"{text} {verdict}"}
        return [(None, end)]
