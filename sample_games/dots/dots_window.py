"""The Dots and Boxes window: the board, everyone's score, and whose turn it is."""

from __future__ import annotations

import contextlib
import math
import random
import threading
from typing import Any

from dots_logic import DotsGame, Line, bot_line
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

COLORS = ["#e53935", "#1e88e5", "#43a047", "#8e24aa"]
CELL, MARGIN = 72, 28
HELP = (
    "How to play: click between two neighbouring dots to draw a line. Close the fourth "
    "side of a box to claim it and play again. Most boxes wins."
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
    """Dots, drawn lines in their player's colour, claimed boxes, and the line under the mouse."""

    clicked = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.game: DotsGame | None = None
        self.my_turn = False
        self.hover: Line | None = None
        self.banner = ""
        self.setMouseTracking(True)
        self.setFixedSize(4 * CELL + 2 * MARGIN, 4 * CELL + 2 * MARGIN)

    def show_game(self, game: DotsGame, my_turn: bool) -> None:
        self.game, self.my_turn = game, my_turn
        size = (game.cols * CELL + 2 * MARGIN, game.rows * CELL + 2 * MARGIN)
        if (self.width(), self.height()) != size:
            self.setFixedSize(*size)
        self.update()

    def line_at(self, x: float, y: float) -> Line | None:
        """The free line nearest to a point, if the point is close enough to it."""
        if self.game is None:
            return None
        gx, gy = (x - MARGIN) / CELL, (y - MARGIN) / CELL
        best, best_distance = None, 0.3
        for line in self.game.free_lines():
            kind, r, c = line
            cx, cy = (c + 0.5, r) if kind == "h" else (c, r + 0.5)
            distance = math.hypot(gx - cx, gy - cy)
            if distance < best_distance:
                best, best_distance = line, distance
        return best

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self.line_at(event.position().x(), event.position().y()) if self.my_turn else None
        if hover != self.hover:
            self.hover = hover
            self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        line = self.line_at(event.position().x(), event.position().y())
        if self.my_turn and line is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(line)

    def paintEvent(self, event: QPaintEvent) -> None:
        game = self.game
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#fafafa"))
        if game is not None:
            self._paint_game(p, game)
        if self.banner:
            p.fillRect(0, self.height() // 2 - 30, self.width(), 60, QColor(0, 0, 0, 170))
            p.setPen(QColor("white"))
            p.setFont(QFont(p.font().family(), 20, QFont.Weight.Bold))
            p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.banner)
        p.end()

    def _paint_game(self, p: QPainter, game: DotsGame) -> None:
        def dot(r: int, c: int) -> QPointF:
            return QPointF(MARGIN + c * CELL, MARGIN + r * CELL)

        p.setFont(QFont(p.font().family(), 22, QFont.Weight.Bold))
        for (c, r), owner in game.boxes.items():
            color = QColor(COLORS[owner])
            color.setAlpha(60)
            box = QRectF(dot(r, c), dot(r + 1, c + 1))
            p.fillRect(box, color)
            p.setPen(QColor(COLORS[owner]))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, game.players[owner][:1].upper())
        drawn = [(line, QColor(COLORS[who])) for line, who in game.lines.items()]
        if self.hover is not None:
            drawn.append((self.hover, QColor("#bdbdbd")))
        for (kind, r, c), color in drawn:
            p.setPen(QPen(color, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            end = dot(r, c + 1) if kind == "h" else dot(r + 1, c)
            p.drawLine(dot(r, c), end)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#263238"))
        for r in range(game.rows + 1):
            for c in range(game.cols + 1):
                p.drawEllipse(dot(r, c), 5, 5)


class DotsWindow(QWidget):
    """One player's match; ``autoplay`` lets a bot play (unattended tests)."""

    def __init__(self, link: Link, me: str, autoplay: bool = False) -> None:
        super().__init__()
        self.link, self.me, self.autoplay = link, me, autoplay
        self.seat = -1
        self.game: DotsGame | None = None
        self.ended = self.sent = False
        self.rng = random.Random()
        self.setWindowTitle(f"Dots and Boxes — {me}")
        self.status = QLabel("Connecting to the game server…")
        self.status.setWordWrap(True)
        self.board = BoardView()
        self.board.clicked.connect(self._draw)
        self.score_labels: list[QLabel] = []
        self.side = QVBoxLayout()
        self.side.addWidget(QLabel("<b>Players</b>"))
        help_label = QLabel(HELP)
        help_label.setWordWrap(True)
        help_label.setMaximumWidth(220)
        row = QHBoxLayout()
        row.addWidget(self.board)
        column = QVBoxLayout()
        column.addLayout(self.side)
        column.addWidget(help_label)
        column.addStretch()
        row.addLayout(column)
        outer = QVBoxLayout(self)
        outer.addWidget(self.status)
        outer.addLayout(row)
        self.bot = QTimer(self)
        self.bot.setInterval(60)
        self.bot.timeout.connect(self._bot_step)
        link.received.connect(self._on_message)

    def _on_message(self, msg: Any) -> None:
        if msg is None:
            if not self.ended:
                self.ended = True
                self.bot.stop()
                self.status.setText("The connection to the game server was lost.")
                if self.autoplay:
                    QApplication.exit(1)
            return
        if not isinstance(msg, dict):
            return
        kind = msg.get("type")
        if kind == "start":
            self.seat, self.me = int(msg["seat"]), str(msg.get("you", self.me))
            if self.autoplay:
                self.bot.start()
        if isinstance(msg.get("state"), dict):
            self._show(DotsGame.from_dict(msg["state"]))
        text = str(msg.get("text", ""))
        if kind == "end":
            self._end(msg, text)
        elif kind == "error":
            self.sent = False
            self.status.setText(text)
        elif text:
            self.status.setText(f"{text} {self._turn_hint()}".strip())

    def _show(self, game: DotsGame) -> None:
        self.game, self.sent = game, False
        self.board.show_game(game, self._my_turn())
        while len(self.score_labels) < len(game.players):
            label = QLabel()
            self.score_labels.append(label)
            self.side.addWidget(label)
        scores = game.scores()
        for seat, (name, label) in enumerate(zip(game.players, self.score_labels, strict=False)):
            mark = "▶ " if seat == game.turn and not game.finished else ""
            gone = "" if game.active[seat] else " (left)"
            you = " (you)" if seat == self.seat else ""
            label.setText(
                f'<span style="color:{COLORS[seat]}">■</span> {mark}{name}{you}{gone}: '
                f"{scores[seat]} boxes"
            )

    def _my_turn(self) -> bool:
        game = self.game
        return game is not None and not game.finished and not self.ended and game.turn == self.seat

    def _turn_hint(self) -> str:
        if self.game is None or self.game.finished:
            return ""
        if self._my_turn():
            return "Your turn: click between two dots."
        return f"Waiting for {self.game.players[self.game.turn]}."

    def _draw(self, line: Line) -> None:
        if self._my_turn() and not self.sent:
            self.sent = True
            self.board.my_turn = False
            self.board.hover = None
            self.link.send({"type": "line", "line": list(line)})

    def _bot_step(self) -> None:
        if self.game is not None and self._my_turn() and not self.sent:
            self._draw(bot_line(self.game, self.rng))

    def _end(self, msg: dict[str, Any], text: str) -> None:
        self.ended = True
        self.bot.stop()
        winner = msg.get("winner")
        self.board.banner = "You win!" if winner == self.me else ("Tie" if winner is None else "")
        self.board.banner = self.board.banner or f"{winner} wins"
        self.board.my_turn = False
        self.board.update()
        self.status.setText(f"{text} The match is over; you can close this window.")
        self.link.close()
        if self.autoplay:
            QTimer.singleShot(200, lambda: QApplication.exit(0))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ended:
            self.ended = True
            self.link.close()  # the server counts it as leaving
        event.accept()


def run(channel: Any, me: str, autoplay: bool = False) -> int:
    """Shows the window and plays one match; returns the exit code."""
    app = QApplication.instance() or QApplication([])
    link = Link(channel)
    window = DotsWindow(link, me, autoplay)
    window.show()
    link.start()
    return app.exec()
