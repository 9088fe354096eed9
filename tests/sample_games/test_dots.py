"""Dots and Boxes: the rules (no Qt), the bot, the server's match, the window, whole matches."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest
from dots_logic import SIZES, DotsGame, MoveError, bot_line, parse_line
from dots_match import DotsMatch

from tests.sample_games import FakeChannel, GameClient, RawPlayer, check_results, game_server


def play_box(game: DotsGame, box: tuple[int, int], seat_order: list[int]) -> list[Any]:
    """Draws the four sides of a box, each by the seat whose turn it is; returns completions."""
    completed: list[Any] = []
    for side in game.sides(box):
        assert game.turn in seat_order
        completed.append(game.play(game.turn, side))
    return completed


# --- the board --------------------------------------------------------------------------


@pytest.mark.parametrize("players", [2, 3, 4])
def test_board_size_grows_with_the_table(players: int) -> None:
    game = DotsGame([f"p{i}" for i in range(players)])
    cols, rows = SIZES[players]
    assert (game.cols, game.rows) == (cols, rows)
    assert len(game.all_lines()) == (rows + 1) * cols + rows * (cols + 1)
    assert len(set(game.all_lines())) == len(game.all_lines())


def test_table_size_limits() -> None:
    with pytest.raises(ValueError, match="two to four"):
        DotsGame(["solo"])
    with pytest.raises(ValueError, match="two to four"):
        DotsGame(list("abcde"))


def test_lines_and_boxes_agree() -> None:
    game = DotsGame(["a", "b"], cols=3, rows=2)
    for line in game.all_lines():
        assert game.is_line(line)
        for box in game.boxes_beside(line):
            assert line in game.sides(box)
    assert game.boxes_beside(("h", 0, 0)) == [(0, 0)]
    assert game.boxes_beside(("h", 1, 2)) == [(2, 0), (2, 1)]
    assert game.boxes_beside(("v", 1, 3)) == [(2, 1)]
    for bad in [("h", 3, 0), ("h", 0, 3), ("v", 2, 0), ("v", 0, 4), ("d", 0, 0), ("h", -1, 0)]:
        assert not game.is_line(bad)


def test_parse_line() -> None:
    assert parse_line(["h", 1, 2]) == ("h", 1, 2)
    assert parse_line(["v", 0, 0]) == ("v", 0, 0)
    for bad in [None, "h12", ["x", 1, 2], ["h", 1], ["h", "1", 2], ["h", True, 2], ["h", 1.0, 2]]:
        assert parse_line(bad) is None


# --- turns, boxes, scores ---------------------------------------------------------------


def test_turns_pass_until_a_box_is_closed() -> None:
    game = DotsGame(["a", "b", "c"])
    assert game.play(0, ("h", 0, 0)) == []
    assert game.turn == 1
    game.play(1, ("h", 1, 0))
    game.play(2, ("v", 0, 0))
    assert game.turn == 0
    assert game.play(0, ("v", 0, 1)) == [(0, 0)]
    assert game.turn == 0  # closing a box earns another turn
    assert game.boxes == {(0, 0): 0}
    assert game.scores() == [1, 0, 0]


def test_one_line_can_close_two_boxes() -> None:
    game = DotsGame(["a", "b"])
    for line in [("h", 0, 0), ("h", 1, 0), ("v", 0, 0), ("h", 0, 1), ("h", 1, 1), ("v", 0, 2)]:
        game.play(game.turn, line)
    seat = game.turn
    assert sorted(game.play(seat, ("v", 0, 1))) == [(0, 0), (1, 0)]
    assert game.scores()[seat] == 2


def test_refused_moves() -> None:
    game = DotsGame(["a", "b"])
    with pytest.raises(MoveError, match="It is a's turn, not yours"):
        game.play(1, ("h", 0, 0))
    with pytest.raises(MoveError, match="not a line"):
        game.play(0, ("h", 9, 9))
    game.play(0, ("h", 0, 0))
    with pytest.raises(MoveError, match="already drawn"):
        game.play(1, ("h", 0, 0))


def test_a_whole_game_ends_with_the_most_boxes_winning() -> None:
    game = DotsGame(["a", "b"], cols=2, rows=1)
    for line in [("h", 0, 0), ("h", 0, 1), ("h", 1, 0), ("v", 0, 0), ("h", 1, 1)]:
        game.play(game.turn, line)
    # Box (0, 0) has three sides and box (1, 0) two: the middle line closes the first,
    # and the extra turn closes the second.
    seat = game.turn
    assert game.play(seat, ("v", 0, 1)) == [(0, 0)]
    assert game.play(seat, ("v", 0, 2)) == [(1, 0)]
    assert game.finished
    assert game.leaders() == [seat]
    with pytest.raises(MoveError, match="over"):
        game.play(seat, ("h", 0, 0))


def test_ties_have_several_leaders() -> None:
    game = DotsGame(["a", "b"], cols=2, rows=1)
    game.boxes = {(0, 0): 0, (1, 0): 1}
    assert game.leaders() == [0, 1]


def test_leaving_skips_turns_and_the_last_one_wins() -> None:
    game = DotsGame(["a", "b", "c"])
    game.leave(0)
    assert game.turn == 1
    game.play(1, ("h", 0, 0))
    assert game.turn == 2
    game.play(2, ("h", 0, 1))
    assert game.turn == 1
    assert not game.finished
    game.leave(2)
    assert game.finished
    assert game.leaders() == [1]


def test_wire_round_trip() -> None:
    game = DotsGame(["a", "b", "c"])
    play_box(game, (1, 1), [0, 1, 2])
    game.leave(2)
    copy = DotsGame.from_dict(game.to_dict())
    assert copy.to_dict() == game.to_dict()
    assert copy.lines == game.lines and copy.boxes == game.boxes


# --- the bot ----------------------------------------------------------------------------


def test_bot_closes_a_box_when_it_can() -> None:
    game = DotsGame(["a", "b"])
    for line in [("h", 2, 2), ("h", 3, 2), ("v", 2, 2)]:
        game.lines[line] = 0
    assert bot_line(game, random.Random(1)) == ("v", 2, 3)


def test_bot_avoids_drawing_a_third_side() -> None:
    game = DotsGame(["a", "b"], cols=2, rows=1)
    game.lines = {("h", 0, 0): 0, ("h", 1, 0): 1}
    for seed in range(20):
        line = bot_line(game, random.Random(seed))
        assert all(game.drawn_sides(box) < 2 for box in game.boxes_beside(line))


def test_bots_finish_a_game() -> None:
    rng = random.Random(8)
    game = DotsGame(["a", "b", "c", "d"])
    moves = 0
    while not game.finished:
        game.play(game.turn, bot_line(game, rng))
        moves += 1
    assert moves == len(game.all_lines())
    assert sum(game.scores()) == game.cols * game.rows


# --- the server's match -----------------------------------------------------------------


def test_match_broadcasts_state_and_refuses_bad_moves() -> None:
    match = DotsMatch(["alice", "bob"])
    start = match.start()
    assert [seat for seat, _ in start] == [0, 1]
    assert start[1][1]["seat"] == 1 and start[1][1]["you"] == "bob"
    assert "alice plays first" in start[0][1]["text"]
    out = match.on_message(0, {"type": "line", "line": ["h", 0, 0]})
    assert out[0][0] is None
    assert out[0][1]["type"] == "state"
    assert out[0][1]["text"] == "alice drew a line."
    assert out[0][1]["state"]["turn"] == 1
    assert match.on_message(0, {"type": "line", "line": ["h", 1, 0]}) == [
        (0, {"type": "error", "text": "It is bob's turn, not yours."})
    ]
    assert match.on_message(1, {"type": "line", "line": "nonsense"})[0][1]["type"] == "error"
    assert match.on_message(1, {"type": "chat"}) == []


def test_match_plays_to_the_end() -> None:
    match = DotsMatch(["alice", "bob"])
    rng = random.Random(2)
    out: list[Any] = []
    while not match.finished:
        line = bot_line(match.game, rng)
        out = match.on_message(match.game.turn, {"type": "line", "line": list(line)})
    assert out[-1][1]["type"] == "end"
    results = match.results()
    assert sum(results["scores"].values()) == 16
    scores = results["scores"]
    if results["winner"] is None:
        assert len(set(scores.values())) == 1
        assert "tie" in out[-1][1]["text"]
    else:
        assert scores[results["winner"]] == max(scores.values())
        assert f"{results['winner']} wins with" in out[-1][1]["text"]


def test_match_leaving() -> None:
    match = DotsMatch(["alice", "bob", "carol"])
    match.start()
    out = match.on_leave(0)
    assert out[0][1]["type"] == "state"
    assert out[0][1]["text"] == "alice left the match."
    assert out[0][1]["state"]["turn"] == 1
    out = match.on_leave(2)
    assert out[0][1]["type"] == "end"
    assert match.results()["winner"] == "bob"
    assert match.on_leave(1) == []


# --- the window, in this process with a fake connection ---------------------------------


def test_window_clicks_draw_lines_on_your_turn(qtbot: Any) -> None:
    from dots_window import CELL, MARGIN, DotsWindow, Link
    from PySide6.QtCore import QPoint, Qt

    channel = FakeChannel()
    window = DotsWindow(Link(channel), "alice")
    qtbot.addWidget(window)
    window.show()
    match = DotsMatch(["alice", "bob"])
    window._on_message(match.start()[0][1])
    assert "Your turn" in window.status.text()
    top_edge = QPoint(MARGIN + CELL // 2, MARGIN)  # the middle of line ("h", 0, 0)
    assert window.board.line_at(top_edge.x(), top_edge.y()) == ("h", 0, 0)
    assert window.board.line_at(MARGIN + CELL // 2, MARGIN + CELL // 2) is None  # a box middle
    qtbot.mouseClick(window.board, Qt.MouseButton.LeftButton, pos=top_edge)
    assert channel.sent == [{"type": "line", "line": ["h", 0, 0]}]
    qtbot.mouseClick(window.board, Qt.MouseButton.LeftButton, pos=top_edge)
    assert len(channel.sent) == 1  # one move until the server answers
    window._on_message(match.on_message(0, channel.sent[0])[0][1])
    assert "Waiting for bob" in window.status.text()
    assert window.score_labels[0].text().endswith("alice (you): 0 boxes")
    window._on_message(match.on_leave(1)[0][1])
    assert window.board.banner == "You win!"
    assert channel.closed


# --- whole matches: server and clients as child processes -------------------------------


def check_dots_results(report: Any, names: set[str]) -> None:
    results = check_results(report, "room-7", names)
    scores = results["scores"]
    if results["winner"] is None:
        best = max(scores.values())
        assert sum(score == best for score in scores.values()) > 1
    else:
        assert scores[results["winner"]] == max(scores.values())


@pytest.mark.slow
def test_dots_matches_end_to_end(tmp_path: Path) -> None:
    with game_server("dots", tmp_path) as (server, lobby):
        # Two players: the server starts after two quiet seconds.
        started = time.monotonic()
        clients = [GameClient(server, name, GAMEHUB_AUTOPLAY="1") for name in ("alice", "bob")]
        for client in clients:
            assert client.finish() == 0, client.output
        assert time.monotonic() - started >= 2
        report = lobby.wait_reports(1)[0]
        check_dots_results(report, {"alice", "bob"})
        assert sum(report["results"]["scores"].values()) == 16
        assert server.proc.poll() is None

        # Three players on the same server: a bigger board.
        names = ("alice", "bob", "carol")
        clients = [GameClient(server, name, GAMEHUB_AUTOPLAY="1") for name in names]
        for client in clients:
            assert client.finish() == 0, client.output
        report = lobby.wait_reports(2)[1]
        check_dots_results(report, set(names))
        assert sum(report["results"]["scores"].values()) == 20
        assert server.proc.poll() is None


@pytest.mark.slow
def test_dots_player_leaving_mid_match(tmp_path: Path) -> None:
    with game_server("dots", tmp_path) as (server, lobby):
        alice = GameClient(server, "alice", GAMEHUB_AUTOPLAY="1")
        bob = RawPlayer(server.port, "bob")
        start = bob.recv_until("start")
        assert set(start["state"]["players"]) == {"alice", "bob"}
        bob.close()
        assert alice.finish() == 0, alice.output
        results = check_results(lobby.wait_reports(1)[0], "room-7", {"alice", "bob"})
        assert results["winner"] == "alice"
        assert server.proc.poll() is None
