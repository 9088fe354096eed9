"""The Tetris window: your board, the next piece, your opponent's board, and the controls."""

from __future__ import annotations

import contextlib
import os
import random
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)
from tetris_bot import losing_drop, random_drop
from tetris_engine import HEIGHT, WIDTH, Piece, Tetris, shape_cells

COLORS = {
    "I": "#31c7ef", "O": "#f7d308", "T": "#ad4d9c", "S": "#42b642",
    "Z": "#ef2029", "J": "#5a65ad", "L": "#ef7921", "G": "#8a8a8a",
}  # fmt: skip
BACKGROUND, GRID = QColor("#1e1e24"), QColor("#2c2c34")
STATUS_LINES = 3
CONTROLS = (
    "Controls: ← and → move, ↓ soft drop, ↑ or X rotate right, Z rotate left, "
    "Space hard drop. Clear two lines or more to send garbage to your opponent."
)


class Link(QObject):
    """The server connection: lines are read on a thread and delivered on the GUI thread."""

    received = Signal(object)

    def __init__(self, channel: Any) -> None:
        super().__init__()
        self.channel = channel

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                msg = self.channel.recv()
            except OSError:
                msg = None
            self.received.emit(msg)
            if msg is None:
                return

    def send(self, obj: Any) -> None:
        with contextlib.suppress(OSError):  # the reader thread reports a lost connection
            self.channel.send(obj)

    def close(self) -> None:
        self.channel.close()


class BoardView(QWidget):
    """Draws 20 rows of 10 cells; ghost cells show where the piece will land."""

    def __init__(self, cell: int) -> None:
        super().__init__()
        self.cell = cell
        self.rows = ["." * WIDTH] * HEIGHT
        self.ghost: list[tuple[int, int]] = []
        self.banner = ""
        self.setFixedSize(WIDTH * cell + 1, HEIGHT * cell + 1)

    def show_rows(self, rows: list[str], ghost: Piece | None = None) -> None:
        self.rows = rows
        self.ghost = ghost.cells() if ghost is not None else []
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        c = self.cell
        p.fillRect(self.rect(), BACKGROUND)
        p.setPen(GRID)
        for x in range(WIDTH + 1):
            p.drawLine(x * c, 0, x * c, HEIGHT * c)
        for y in range(HEIGHT + 1):
            p.drawLine(0, y * c, WIDTH * c, y * c)
        for x, y in self.ghost:
            if y >= 0 and self.rows[y][x] == ".":
                p.setPen(QColor("#bbbbbb"))
                p.drawRect(x * c + 2, y * c + 2, c - 4, c - 4)
        for y, row in enumerate(self.rows):
            for x, ch in enumerate(row):
                if ch != ".":
                    p.fillRect(x * c + 1, y * c + 1, c - 1, c - 1, QColor(COLORS.get(ch, "#888")))
        if self.banner:
            p.fillRect(0, self.height() // 2 - 30, self.width(), 60, QColor(0, 0, 0, 190))
            p.setPen(QColor("white"))
            p.setFont(QFont(p.font().family(), max(10, c // 2), QFont.Weight.Bold))
            p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.banner)
        p.end()


class PreviewView(QWidget):
    """The next piece."""

    def __init__(self, cell: int = 20) -> None:
        super().__init__()
        self.cell, self.kind = cell, ""
        self.setFixedSize(4 * cell + 8, 3 * cell)

    def show_kind(self, kind: str) -> None:
        self.kind = kind
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), BACKGROUND)
        if self.kind:
            cells = shape_cells(self.kind, 0)
            left = (4 - (max(x for x, _ in cells) + 1)) * self.cell // 2 + 4
            top = -min(y for _, y in cells) * self.cell + self.cell // 2
            for x, y in cells:
                box = (left + x * self.cell, top + y * self.cell, self.cell - 1, self.cell - 1)
                p.fillRect(*box, QColor(COLORS[self.kind]))
        p.end()


class TetrisWindow(QWidget):
    """One player's match. ``autoplay`` is None, "random" or "lose" (unattended tests)."""

    def __init__(self, link: Link, me: str, autoplay: str | None = None) -> None:
        super().__init__()
        self.link, self.me, self.autoplay = link, me, autoplay
        self.game: Tetris | None = None
        self.ended = self.lost_sent = self.dirty = False
        self.rng = random.Random()
        self.setWindowTitle(f"Tetris — {me}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.status = QLabel("Connecting to the game server…")
        self.status.setWordWrap(True)
        # Room for the longest message (the end of the match wraps to three lines), taken
        # from the start: a label that grows later pushed the board's bottom row out of the
        # window.
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * STATUS_LINES)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.board, self.preview, self.opponent = BoardView(28), PreviewView(), BoardView(12)
        self.stats, self.opponent_label = QLabel(), QLabel("Opponent")
        controls = QLabel(CONTROLS)
        controls.setWordWrap(True)
        side = QVBoxLayout()
        for widget in (QLabel("Next piece"), self.preview, self.stats, self.opponent_label):
            side.addWidget(widget)
        side.addWidget(self.opponent)
        side.addWidget(controls)
        side.addStretch()
        row = QHBoxLayout()
        row.addWidget(self.board)
        row.addLayout(side)
        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # never clip the board
        outer.addWidget(self.status)
        outer.addLayout(row)
        self.gravity = self._timer(800, lambda: self._act(Tetris.tick))
        self.board_timer = self._timer(100, self._send_board)
        self.bot = self._timer(int(os.environ.get("GAMEHUB_AUTOPLAY_MS", "50")), self._bot_step)
        link.received.connect(self._on_message)
        self._redraw()

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- messages from the server ---------------------------------------------------

    def _on_message(self, msg: Any) -> None:
        if msg is None:
            self._lost_connection()
        elif isinstance(msg, dict):
            handler = getattr(self, f"_on_{msg.get('type')}", None)
            if handler is not None:
                handler(msg)

    def _on_waiting(self, msg: dict[str, Any]) -> None:
        self.status.setText(str(msg.get("text", "")))

    def _on_start(self, msg: dict[str, Any]) -> None:
        self.game = Tetris(seed=int(msg.get("seed", 0)))
        self.me = str(msg.get("you", self.me))
        self.opponent_label.setText(f"{msg.get('opponent', 'Opponent')}: 0 points")
        self.status.setText(str(msg.get("text", "The match starts.")))
        self.gravity.start(self.game.gravity_ms)
        self.board_timer.start()
        if self.autoplay:
            self.bot.start()
        self.dirty = True
        self._redraw()

    def _on_opponent(self, msg: dict[str, Any]) -> None:
        self.opponent.show_rows(list(msg["rows"]))
        self.opponent_label.setText(
            f"{msg.get('name')}: {msg.get('score', 0)} points, {msg.get('lines', 0)} lines"
        )

    def _on_garbage(self, msg: dict[str, Any]) -> None:
        if self.game is not None and not self.game.over:
            rows = int(msg.get("rows", 0))
            self.game.add_garbage(rows)
            plural = "row" if rows == 1 else "rows"
            self.status.setText(f"{msg.get('from')} sent you {rows} garbage {plural}!")

    def _on_end(self, msg: dict[str, Any]) -> None:
        self.ended = True
        self._stop()
        self._send_board()
        won = msg.get("winner") == self.me
        self.board.banner = (
            "You win!" if won else ("Draw" if msg.get("winner") is None else "Game over")
        )
        self.board.update()
        self.status.setText(f"{msg.get('text', '')} The match is over; you can close this window.")
        self.link.close()
        if self.autoplay:
            QTimer.singleShot(200, lambda: QApplication.exit(0))

    def _lost_connection(self) -> None:
        if self.ended:
            return
        self.ended = True
        self._stop()
        self.status.setText("The connection to the game server was lost.")
        if self.autoplay:
            QApplication.exit(1)

    # --- playing ----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, keys = event.key(), Qt.Key
        actions: dict[Any, Callable[[Tetris], object]] = {
            keys.Key_Left: lambda g: g.move(-1),
            keys.Key_Right: lambda g: g.move(1),
            keys.Key_Down: Tetris.soft_drop,
            keys.Key_Up: lambda g: g.rotate(1),
            keys.Key_X: lambda g: g.rotate(1),
            keys.Key_Z: lambda g: g.rotate(-1),
            keys.Key_Space: Tetris.hard_drop,
        }
        if key not in actions or self.autoplay:
            super().keyPressEvent(event)
        elif not (event.isAutoRepeat() and key == keys.Key_Space):
            self._act(actions[key])

    def _bot_step(self) -> None:
        if self.autoplay == "lose":
            self._act(losing_drop)
        else:
            self._act(lambda g: random_drop(g, self.rng))

    def _act(self, action: Callable[[Tetris], object]) -> None:
        game = self.game
        if game is None or game.over or self.ended:
            return
        action(game)
        rows = game.take_garbage()
        if rows:
            self.link.send({"type": "garbage", "rows": rows, "score": game.score})
        if self.gravity.interval() != game.gravity_ms:
            self.gravity.setInterval(game.gravity_ms)
        self.dirty = True
        self._redraw()
        if game.over and not self.lost_sent:
            self.lost_sent = True
            self._stop()
            self._send_board()
            self.link.send({"type": "lost", "score": game.score})
            self.board.banner = "Topped out"
            self.status.setText("You topped out. Waiting for the result…")

    def _send_board(self) -> None:
        game = self.game
        if game is not None and self.dirty:
            self.dirty = False
            board = {"type": "board", "rows": game.rows(), "score": game.score, "lines": game.lines}
            self.link.send(board)

    def _stop(self) -> None:
        for timer in (self.gravity, self.board_timer, self.bot):
            timer.stop()

    def _redraw(self) -> None:
        game = self.game
        if game is None:
            return
        self.board.show_rows(game.rows(), game.ghost())
        self.preview.show_kind(game.next_kind)
        self.stats.setText(f"Score {game.score}\nLines {game.lines}\nLevel {game.level}")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ended:
            self.ended = True
            self.link.close()  # the server counts it as leaving: the opponent wins
        event.accept()


def run(channel: Any, me: str, autoplay: str | None = None) -> int:
    """Shows the window and plays one match; returns the exit code."""
    app = QApplication.instance() or QApplication([])
    link = Link(channel)
    window = TetrisWindow(link, me, autoplay)
    window.show()
    window.activateWindow()
    link.start()
    return app.exec()
