"""Rock Paper Scissors: rules, the server's match, the terminal client, and whole matches."""

from __future__ import annotations

import io
import queue
from pathlib import Path
from typing import Any

import pytest
from rps_client import run
from rps_rules import MAX_ROUNDS, RpsMatch, parse_move, round_winner

from tests.sample_games import GameClient, check_results, game_server


@pytest.mark.parametrize(
    ("text", "move"),
    [("r", "rock"), ("ROCK", "rock"), (" Paper \n", "paper"), ("s", "scissors"),
     ("Scissors", "scissors"), ("P", "paper"), ("", None), ("rocks", None), ("x", None)],
)  # fmt: skip
def test_parse_move(text: str, move: str | None) -> None:
    assert parse_move(text) == move


def test_round_winner() -> None:
    assert round_winner("rock", "scissors") == 0
    assert round_winner("scissors", "paper") == 0
    assert round_winner("paper", "rock") == 0
    assert round_winner("scissors", "rock") == 1
    assert round_winner("paper", "paper") is None


def texts(out: list[tuple[int | None, dict[str, Any]]], seat: int) -> list[str]:
    return [msg["text"] for target, msg in out if target in (seat, None)]


def play(match: RpsMatch, a: str, b: str) -> list[tuple[int | None, dict[str, Any]]]:
    match.on_message(0, {"type": "move", "move": a})
    return match.on_message(1, {"type": "move", "move": b})


def test_match_first_to_two_wins() -> None:
    match = RpsMatch(["alice", "bob"])
    start = match.start()
    assert start[-1] == (None, {"type": "ask", "round": 1, "text": start[-1][1]["text"]})
    out = play(match, "rock", "scissors")
    assert "you played rock, bob played scissors. You win this round." in texts(out, 0)[0]
    assert out[-1][1]["type"] == "ask"
    out = play(match, "paper", "paper")
    assert "draw" in texts(out, 1)[0]
    out = play(match, "r", "s")
    ends = [msg for _, msg in out if msg["type"] == "end"]
    assert len(ends) == 2
    assert match.finished
    assert match.results() == {"winner": "alice", "scores": {"alice": 2, "bob": 0}}
    assert "You win the match 2 to 0!" in texts(out, 0)
    assert "You lost the match 0 to 2. alice wins." in texts(out, 1)


def test_match_refuses_bad_and_repeated_moves() -> None:
    match = RpsMatch(["alice", "bob"])
    match.start()
    out = match.on_message(0, {"type": "move", "move": "lizard"})
    assert out[0][0] == 0
    assert out[0][1]["type"] == "ask"
    assert "not a move" in out[0][1]["text"]
    out = match.on_message(0, {"type": "move", "move": "rock"})
    assert "Waiting for bob to choose." in texts(out, 0)[0]
    assert texts(out, 1) == ["alice has chosen."]
    out = match.on_message(0, {"type": "move", "move": "paper"})
    assert "already chose" in texts(out, 0)[0]
    assert match.on_message(1, "nonsense") == []
    assert match.moves == ["rock", None]


def test_match_all_draws_ends_as_a_draw() -> None:
    match = RpsMatch(["alice", "bob"])
    match.start()
    for _ in range(MAX_ROUNDS):
        out = play(match, "rock", "rock")
    assert match.finished
    assert match.results() == {"winner": None, "scores": {"alice": 0, "bob": 0}}
    assert "The match is a draw." in texts(out, 0)


def test_match_leaving_gives_the_other_the_win() -> None:
    match = RpsMatch(["alice", "bob"])
    match.start()
    play(match, "rock", "paper")
    out = match.on_leave(1)
    assert out == [(0, {"type": "end", **match.results(), "text": "bob left the match. You win!"})]
    assert match.results() == {"winner": "alice", "scores": {"alice": 0, "bob": 1}}
    assert match.on_leave(0) == []
    assert match.on_message(0, {"type": "move", "move": "rock"}) == []


def test_match_needs_two_players() -> None:
    with pytest.raises(ValueError, match="two players"):
        RpsMatch(["solo"])


class FakeLink:
    """The server side of the client, scripted: replies to each move from a queue."""

    def __init__(self, script: list[Any], end_after: int = 2) -> None:
        self.end_after = end_after
        self.inbox: queue.Queue[Any] = queue.Queue()
        for msg in script:
            self.inbox.put(msg)
        self.sent: list[Any] = []

    def send(self, obj: Any) -> None:
        self.sent.append(obj)
        self.inbox.put({"type": "say", "text": f"got {obj['move']}"})
        if len(self.sent) == self.end_after:
            self.inbox.put({"type": "end", "winner": "me", "text": "You win the match 2 to 0!"})

    def recv(self) -> Any:
        try:
            return self.inbox.get(timeout=10)
        except queue.Empty:
            return None


def test_client_reads_typed_lines_and_re_asks() -> None:
    link = FakeLink([{"type": "ask", "round": 1, "text": "Round 1: type r, p or s."}], 1)
    out = io.StringIO()
    code = run(link, io.StringIO("banana\nROCK\nscissors\n"), out)
    assert code == 0
    assert link.sent == [{"type": "move", "move": "rock"}]
    assert "'banana' is not a move." in out.getvalue()
    assert "got rock" in out.getvalue()


def test_client_answers_each_ask_in_order() -> None:
    link = FakeLink([{"type": "ask", "round": 1, "text": "Round 1"}])
    original_send = link.send

    def send(obj: Any) -> None:
        original_send(obj)
        link.inbox.put({"type": "ask", "round": 2, "text": "Round 2"})

    link.send = send  # type: ignore[method-assign]
    out = io.StringIO()
    assert run(link, io.StringIO("p\ns\n"), out) == 0
    assert link.sent == [{"type": "move", "move": "paper"}, {"type": "move", "move": "scissors"}]
    assert out.getvalue().rstrip().endswith("You win the match 2 to 0!")


def test_client_leaves_when_input_ends() -> None:
    link = FakeLink([{"type": "ask", "round": 1, "text": "Round 1"}])
    out = io.StringIO()
    assert run(link, io.StringIO(""), out) == 0
    assert "No more input" in out.getvalue()
    assert link.sent == []


def test_client_reports_a_lost_server() -> None:
    link = FakeLink([{"type": "say", "text": "hello"}, None])
    out = io.StringIO()
    assert run(link, io.StringIO(""), out) == 1
    assert "lost" in out.getvalue()


# --- whole matches: server and clients as child processes -------------------------------


@pytest.mark.slow
def test_rps_matches_end_to_end(tmp_path: Path) -> None:
    with game_server("rps", tmp_path) as (server, lobby):
        alice, bob = GameClient(server, "alice"), GameClient(server, "bob")
        alice.type("banana\nROCK\nr\n", close=True)
        bob.type("s\nscissors\n", close=True)
        assert alice.finish() == 0, alice.output
        assert bob.finish() == 0, bob.output
        assert "'banana' is not a move." in alice.output
        assert "You win the match 2 to 0!" in alice.output
        assert "You lost the match 0 to 2. alice wins." in bob.output
        results = check_results(lobby.wait_reports(1)[0], "room-7", {"alice", "bob"})
        assert results == {"winner": "alice", "scores": {"alice": 2, "bob": 0}}

        # The server is still there for the next match; this time bob wins after a draw.
        assert server.proc.poll() is None
        alice, bob = GameClient(server, "alice"), GameClient(server, "bob")
        alice.type("p\nrock\nr\n", close=True)
        bob.type("paper\np\nP\n", close=True)
        assert alice.finish() == 0, alice.output
        assert bob.finish() == 0, bob.output
        assert "This round is a draw." in bob.output
        results = check_results(lobby.wait_reports(2)[1], "room-7", {"alice", "bob"})
        assert results == {"winner": "bob", "scores": {"alice": 0, "bob": 2}}
        assert server.proc.poll() is None


@pytest.mark.slow
def test_rps_player_leaving_mid_match(tmp_path: Path) -> None:
    with game_server("rps", tmp_path) as (server, lobby):
        alice, bob = GameClient(server, "alice"), GameClient(server, "bob")
        alice.type("r\n")
        alice.wait_for_text("Waiting for bob to choose.")
        bob.kill()
        assert alice.finish() == 0, alice.output
        assert "bob left the match. You win!" in alice.output
        results = check_results(lobby.wait_reports(1)[0], "room-7", {"alice", "bob"})
        assert results["winner"] == "alice"

        # And the next match is played as usual.
        carol, dave = GameClient(server, "carol"), GameClient(server, "dave")
        carol.type("s\ns\n", close=True)
        dave.type("p\np\n", close=True)
        assert carol.finish() == 0, carol.output
        assert dave.finish() == 0, dave.output
        results = check_results(lobby.wait_reports(2)[1], "room-7", {"carol", "dave"})
        assert results["winner"] == "carol"
        assert server.proc.poll() is None
