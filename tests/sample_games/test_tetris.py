"""Tetris: the engine (no Qt), the server's match, the window, and whole matches."""

from __future__ import annotations

import random
import socket
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tetris_bot import losing_drop, random_drop
from tetris_engine import (
    EMPTY,
    GARBAGE,
    HEIGHT,
    KINDS,
    WIDTH,
    Piece,
    SevenBag,
    Tetris,
    shape_cells,
    spawn_piece,
)
from tetris_match import TetrisMatch

from tests.sample_games import FakeChannel, GameClient, RawPlayer, check_results, game_server


def game_with(kind: str, seed: int = 1) -> Tetris:
    """A fresh game whose current piece is ``kind`` at its spawn place."""
    game = Tetris(seed=seed)
    game.piece = spawn_piece(kind)
    return game


def fill_row(game: Tetris, y: int, hole: int | None = None) -> None:
    game.grid[y] = [GARBAGE if x != hole else EMPTY for x in range(WIDTH)]


# --- pieces and the bag -----------------------------------------------------------------


def test_every_piece_has_four_cells_in_every_rotation() -> None:
    for kind in KINDS:
        for rotation in range(4):
            cells = shape_cells(kind, rotation)
            assert len(set(cells)) == 4
        assert shape_cells(kind, 4) == shape_cells(kind, 0)


def test_rotation_turns_clockwise() -> None:
    assert shape_cells("T", 0) == ((0, 1), (1, 0), (1, 1), (2, 1))  # nose up
    assert shape_cells("T", 1) == ((1, 0), (1, 1), (1, 2), (2, 1))  # nose right
    assert shape_cells("I", 1) == ((2, 0), (2, 1), (2, 2), (2, 3))  # upright
    assert shape_cells("O", 1) == shape_cells("O", 0)


def test_spawn_is_centred_at_the_top() -> None:
    for kind in KINDS:
        cells = spawn_piece(kind).cells()
        assert min(y for _, y in cells) == 0
        xs = [x for x, _ in cells]
        assert min(xs) >= 3
        assert max(xs) <= 6


def test_seven_bag_deals_each_piece_once_per_bag() -> None:
    bag = SevenBag(random.Random(3))
    for _ in range(5):
        assert sorted(bag.next() for _ in range(7)) == sorted(KINDS)


def test_same_seed_same_pieces() -> None:
    a, b = Tetris(seed=42), Tetris(seed=42)
    for _ in range(10):
        assert (a.piece, a.next_kind) == (b.piece, b.next_kind)
        a.hard_drop()
        b.hard_drop()


# --- moves ------------------------------------------------------------------------------


def test_moves_stop_at_the_walls() -> None:
    game = game_with("O")
    while game.move(-1):
        pass
    assert game.piece is not None
    assert min(x for x, _ in game.piece.cells()) == 0
    while game.move(1):
        pass
    assert max(x for x, _ in game.piece.cells()) == WIDTH - 1


def test_moves_stop_at_blocks() -> None:
    game = game_with("O")
    game.grid[0][3] = GARBAGE
    game.grid[1][3] = GARBAGE
    assert game.piece == Piece("O", 0, 4, 0)
    assert not game.move(-1)
    assert game.move(1)


def test_wall_kick_lets_an_i_piece_turn_beside_the_wall() -> None:
    game = game_with("I")
    game.rotate(1)
    while game.move(-1):
        pass
    assert game.piece is not None
    assert min(x for x, _ in game.piece.cells()) == 0  # upright against the left wall
    assert game.rotate(1)  # lying flat would stick out: the kick pushes it in
    assert sorted(x for x, _ in game.piece.cells()) == [0, 1, 2, 3]


def test_rotation_fails_when_boxed_in() -> None:
    game = game_with("I")
    game.piece = Piece("I", 1, 3, 10)  # upright in column 5, rows 10..13
    for y in range(8, 16):
        for x in range(WIDTH):
            if x != 5:
                game.grid[y][x] = GARBAGE
    assert not game.rotate(1)
    assert not game.rotate(-1)
    assert game.piece == Piece("I", 1, 3, 10)


def test_rotating_both_ways_returns_the_piece() -> None:
    game = game_with("T")
    game.soft_drop()
    game.soft_drop()
    before = game.piece
    assert game.rotate(1) and game.rotate(-1)
    assert game.piece == before


def test_soft_drop_scores_and_gravity_locks() -> None:
    game = game_with("O")
    assert game.soft_drop()
    assert game.score == 1
    for _ in range(HEIGHT):
        game.tick()
        if game.grid[HEIGHT - 1][4] != EMPTY:
            break
    assert game.grid[HEIGHT - 1][4:6] == ["O", "O"]
    assert game.grid[HEIGHT - 2][4:6] == ["O", "O"]
    assert game.piece is not None and game.piece.y <= 1  # the next piece is in play


def test_hard_drop_scores_two_per_row_and_locks() -> None:
    game = game_with("O")
    rows = game.hard_drop()
    assert rows == HEIGHT - 2
    assert game.score == 2 * rows
    assert game.grid[HEIGHT - 1][4] == "O"


def test_ghost_shows_the_landing_place() -> None:
    game = game_with("I")
    ghost = game.ghost()
    assert ghost is not None
    assert {y for _, y in ghost.cells()} == {HEIGHT - 1}


def test_rows_snapshot_includes_the_piece() -> None:
    game = game_with("O")
    rows = game.rows()
    assert len(rows) == HEIGHT and all(len(r) == WIDTH for r in rows)
    assert rows[0] == "....OO...."
    assert game.rows(with_piece=False)[0] == "." * WIDTH


# --- clears, scoring, levels ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "points", "garbage"), [(1, 100, 0), (2, 300, 1), (3, 500, 2), (4, 800, 4)]
)
def test_line_clears_score_and_make_garbage(lines: int, points: int, garbage: int) -> None:
    game = game_with("I")
    game.piece = Piece("I", 1, -2, HEIGHT - 4)  # upright in column 0, at the bottom
    for y in range(HEIGHT - lines, HEIGHT):
        fill_row(game, y, hole=0)
    game.grid[HEIGHT - 5][5] = "T"  # a block above the cleared rows falls down
    game.lock()
    assert game.lines == lines
    assert game.last_cleared == lines
    assert game.score == points
    assert game.take_garbage() == garbage
    assert game.take_garbage() == 0
    assert game.grid[HEIGHT - 5 + lines][5] == "T"
    assert sum(cell != EMPTY for row in game.grid for cell in row) == 1 + 4 - lines


def test_level_and_gravity_speed_up() -> None:
    game = Tetris(seed=1)
    assert (game.level, game.gravity_ms) == (1, 800)
    game.lines = 10
    assert game.level == 2
    assert game.gravity_ms < 800
    game.lines = 300
    assert game.gravity_ms == 60


def test_score_multiplies_by_level() -> None:
    game = game_with("I")
    game.lines = 10  # level 2
    game.piece = Piece("I", 0, 0, HEIGHT - 2)  # flat in the bottom row, columns 0..3
    game.grid[HEIGHT - 1] = [EMPTY] * 4 + [GARBAGE] * 6
    game.lock()
    assert game.score == 200
    assert game.lines == 11


# --- garbage and the end ----------------------------------------------------------------


def test_garbage_rises_at_the_next_lock_with_one_hole() -> None:
    game = game_with("O")
    game.add_garbage(3)
    game.add_garbage(0)
    assert game.incoming == [3]
    assert all(cell == EMPTY for cell in game.grid[HEIGHT - 1])
    game.hard_drop()
    bottom = game.grid[HEIGHT - 3 :]
    for row in bottom:
        assert row.count(EMPTY) == 1
        assert row.count(GARBAGE) == WIDTH - 1
    assert len({row.index(EMPTY) for row in bottom}) == 1  # one batch, one hole column
    assert game.grid[HEIGHT - 4][4] == "O"  # the locked piece was pushed up
    assert game.incoming == []


def test_garbage_can_top_a_player_out() -> None:
    game = game_with("O")
    for y in range(2, HEIGHT):
        fill_row(game, y, hole=y % WIDTH)
    game.piece = Piece("O", 0, 0, 0)
    game.grid[0][9] = "T"
    game.add_garbage(4)
    game.lock()
    assert game.over
    assert game.piece is None


def test_game_over_when_a_piece_cannot_spawn() -> None:
    game = Tetris(seed=5)
    for y in range(2, HEIGHT):
        fill_row(game, y, hole=y % 2)  # never a full row
    game.grid[1][4] = GARBAGE
    game.hard_drop()
    assert game.over
    assert game.piece is None
    assert not game.move(1)
    assert not game.rotate(1)
    assert game.hard_drop() == 0


def test_a_stack_down_the_middle_tops_out_quickly() -> None:
    game = Tetris(seed=9)
    pieces = 0
    while not game.over and pieces < 40:
        losing_drop(game)
        pieces += 1
    assert game.over
    assert pieces < 20


def test_random_bot_plays_legal_moves_until_it_tops_out() -> None:
    rng = random.Random(4)
    game = Tetris(seed=4)
    for _ in range(2000):
        random_drop(game, rng)
        assert all(len(row) == WIDTH for row in game.grid)
        if game.over:
            break
    assert game.over
    counts = Counter(cell for row in game.grid for cell in row if cell not in (EMPTY, GARBAGE))
    assert set(counts) <= set(KINDS)


# --- the server's match -----------------------------------------------------------------


def board(score: int = 0) -> dict[str, Any]:
    return {"type": "board", "rows": ["." * WIDTH] * HEIGHT, "score": score, "lines": 0}


def test_match_start_gives_both_the_same_seed() -> None:
    match = TetrisMatch(["alice", "bob"], seed=7)
    out = match.start()
    assert [seat for seat, _ in out] == [0, 1]
    assert out[0][1]["opponent"] == "bob" and out[1][1]["opponent"] == "alice"
    assert out[0][1]["seed"] == out[1][1]["seed"] == 7


def test_match_relays_boards_and_garbage() -> None:
    match = TetrisMatch(["alice", "bob"])
    out = match.on_message(0, board(score=120))
    assert out == [
        (
            1,
            {
                "type": "opponent",
                "name": "alice",
                "rows": board()["rows"],
                "score": 120,
                "lines": 0,
            },
        )
    ]
    assert match.on_message(1, {"type": "garbage", "rows": 9}) == [
        (0, {"type": "garbage", "rows": 4, "from": "bob"})
    ]
    assert match.on_message(1, {"type": "garbage", "rows": 0}) == []
    bad_rows = board() | {"rows": ["x" * WIDTH] * HEIGHT}
    assert match.on_message(0, bad_rows) == []
    assert match.on_message(0, board() | {"rows": ["."] * 3}) == []
    assert match.on_message(0, "junk") == []


def test_match_last_one_standing_wins() -> None:
    match = TetrisMatch(["alice", "bob"])
    match.on_message(0, board(score=300))
    out = match.on_message(1, {"type": "lost", "score": 90})
    assert match.finished
    assert match.results() == {"winner": "alice", "scores": {"alice": 300, "bob": 90}}
    ends = {seat: msg for seat, msg in out}
    assert ends[0]["type"] == ends[1]["type"] == "end"
    assert ends[0]["text"] == "bob topped out. You win with 300 points!"
    assert ends[1]["text"] == "You topped out. alice wins. Your score: 90."
    assert match.on_message(0, board()) == []
    assert match.on_leave(0) == []


def test_match_leaving_gives_the_other_the_win() -> None:
    match = TetrisMatch(["alice", "bob"])
    out = match.on_leave(0)
    assert match.results()["winner"] == "bob"
    assert out[1][1]["text"].startswith("alice left the match. You win")


# --- the window, in this process with a fake connection ---------------------------------


def test_window_keys_move_the_piece_and_report(qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from tetris_window import Link, TetrisWindow

    channel = FakeChannel()
    window = TetrisWindow(Link(channel), "alice")
    qtbot.addWidget(window)
    window.show()
    window._on_message({"type": "start", "seed": 3, "you": "alice", "opponent": "bob"})
    game = window.game
    assert game is not None and game.piece is not None
    x = game.piece.x
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert game.piece.x == x - 1
    rotation = game.piece.rotation
    qtbot.keyClick(window, Qt.Key.Key_Up)
    assert game.piece.rotation == (rotation + 1) % 4
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert game.score > 0
    window._send_board()
    assert channel.sent[-1]["type"] == "board"
    window._on_message({"type": "garbage", "rows": 2, "from": "bob"})
    assert game.incoming == [2]
    assert "bob sent you 2 garbage rows" in window.status.text()
    window._on_message(
        {"type": "opponent", "name": "bob", "rows": ["." * WIDTH] * HEIGHT, "score": 5}
    )
    assert "bob: 5 points" in window.opponent_label.text()
    window._on_message({"type": "end", "winner": "alice", "text": "bob topped out."})
    assert window.board.banner == "You win!"
    assert channel.closed
    assert not window.gravity.isActive()


def test_window_reports_topping_out(qtbot: Any) -> None:
    from tetris_window import Link, TetrisWindow

    channel = FakeChannel()
    window = TetrisWindow(Link(channel), "bob")
    qtbot.addWidget(window)
    window._on_message({"type": "start", "seed": 3, "you": "bob", "opponent": "alice"})
    for _ in range(40):
        window._act(losing_drop)
    assert {"type": "lost", "score": window.game.score} in channel.sent  # type: ignore[union-attr]
    assert "topped out" in window.status.text()


# --- whole matches: server and clients as child processes -------------------------------


@pytest.mark.slow
def test_tetris_matches_end_to_end(tmp_path: Path) -> None:
    with game_server("tetris", tmp_path) as (server, lobby):
        for match, (winner, loser) in enumerate([("alice", "bob"), ("bob", "alice")], 1):
            # The winner's bot drops at a quarter of the loser's pace: a random dropper can
            # top out too, and under load (CI) the loser's process may start late.
            clients = [
                GameClient(server, winner, GAMEHUB_AUTOPLAY="1", GAMEHUB_AUTOPLAY_MS="200"),
                GameClient(server, loser, GAMEHUB_AUTOPLAY="1", GAMEHUB_AUTOPLAY_LOSE="1"),
            ]
            for client in clients:
                assert client.finish() == 0, client.output
            report = lobby.wait_reports(match)[-1]
            results = check_results(report, "room-7", {"alice", "bob"})
            assert results["winner"] == winner
            assert server.proc.poll() is None


@pytest.mark.slow
def test_tetris_player_leaving_mid_match(tmp_path: Path) -> None:
    with game_server("tetris", tmp_path) as (server, lobby):
        alice = GameClient(server, "alice", GAMEHUB_AUTOPLAY="1")
        bob = RawPlayer(server.port, "bob")
        start = bob.recv_until("start")
        assert start["you"] == "bob" and start["opponent"] == "alice"
        bob.sock.shutdown(socket.SHUT_RDWR)
        bob.close()
        assert alice.finish() == 0, alice.output
        results = check_results(lobby.wait_reports(1)[0], "room-7", {"alice", "bob"})
        assert results["winner"] == "alice"
        assert server.proc.poll() is None
