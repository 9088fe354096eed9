"""Match history on screen: a game's recent matches and leaderboard (with a Rate button)
in the store, and the player's own matches in My games.

The hub records every match that ends (``match_history``); these widgets fetch it when
they are shown for a game, when a match this player played ends (``match_ended``), and on
F5. Nothing here writes: rating goes through reviews.ask_review like everywhere else.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.rows import even_rows
from gamehub_qt.base.widgets import note_label, when
from gamehub_qt.player.common import fit_columns, need_client
from gamehub_qt.player.reviews import ask_review
from gamehub_qt.player.state import PlayerState
from hub_core.client.hub_client import HubClient
from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.schema import LeaderRow, MatchEnding, MatchHistoryReply, MatchView

RECENT = 20  # matches a game's section shows
MINE = 50  # matches My games shows


def _t(text: str) -> str:
    return QCoreApplication.translate("Matches", text)


def ending_text(ending: MatchEnding) -> str:
    """How a match ended, in words."""
    if ending is MatchEnding.SERVER_DIED:
        return _t("the game's server stopped")
    if ending is MatchEnding.PLAYERS_LEFT:
        return _t("the players left")
    if ending is MatchEnding.HUB_STOPPED:
        return _t("the hub stopped")
    return _t("finished")


def scores_text(results: Any) -> str:
    """'ann 2 · bob 0' from results["scores"], when the game sent scores."""
    scores = results.get("scores") if isinstance(results, dict) else None
    if not isinstance(scores, dict) or not scores:
        return ""
    return " · ".join(f"{name} {value}" for name, value in scores.items())


def result_text(match: MatchView) -> str:
    """'ann won (ann 2 · bob 0)', 'no winner', or how it ended when the game said nothing."""
    if match.ending is not MatchEnding.FINISHED:
        return ending_text(match.ending)
    text = _t("{0} won").format(match.winner) if match.winner else _t("no winner")
    scores = scores_text(match.results)
    return f"{text} ({scores})" if scores else text


def summary_line(match: MatchView) -> str:
    """The sentence a finished console shows under the game's output."""
    return _t("Match over: {0}.").format(result_text(match))


class MatchTable(QTreeWidget):
    """Matches, newest first: when, (game,) version, players, result."""

    def __init__(self, with_game: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.with_game = with_game
        self.setRootIsDecorated(False)
        even_rows(self)
        self.setAlternatingRowColors(True)
        self.matches: list[MatchView] = []

    def set_headers(self) -> None:
        heads = [_t("Ended"), _t("Game"), _t("Version"), _t("Players"), _t("Result")]
        self.setHeaderLabels(heads if self.with_game else heads[:1] + heads[2:])

    def fill(self, matches: list[MatchView]) -> None:
        self.matches = matches
        self.clear()
        for m in matches:
            row = [when(m.ended), m.display_name, m.version, ", ".join(m.players), result_text(m)]
            self.addTopLevelItem(QTreeWidgetItem(row if self.with_game else row[:1] + row[2:]))
        fit_columns(self)


class GameMatches(Retranslated, QWidget):
    """The store's section for one game: Rate, its recent matches and its leaderboard."""

    def __init__(self, state: PlayerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.name = ""
        self.played = 0  # this player's matches of the shown game
        self.reply = MatchHistoryReply(matches=[])
        self.rate = QPushButton()
        self.rate_note = note_label()
        self.table = MatchTable(with_game=False)
        self.board = QTreeWidget()
        self.board.setRootIsDecorated(False)
        even_rows(self.board)
        self.lists = QTabWidget()  # recent matches, and the leaderboard when there is one
        self.lists.addTab(self.table, "")
        self.lists.addTab(self.board, "")
        self._layout()
        self.rate.clicked.connect(self._rate)
        state.match_ended.connect(self._match_ended)
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text; runs again when the user switches languages."""
        self.rate.setText(self.tr("Rate this game…"))
        self.lists.setTabText(0, self.tr("Recent matches"))
        self.lists.setTabText(1, self.tr("Leaderboard"))
        self.table.set_headers()
        self.board.setHeaderLabels(
            [self.tr("#"), self.tr("Player"), self.tr("Wins"), self.tr("Matches")]
        )
        self._fill()

    def _layout(self) -> None:
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate)
        rate_row.addWidget(self.rate_note, 1)
        layout = QVBoxLayout(self)  # default margins: lined up with the details above
        layout.addLayout(rate_row)
        layout.addWidget(self.lists, 1)

    def show_game(self, name: str) -> None:
        self.name = name
        self.played = 0
        self.reply = MatchHistoryReply(matches=[])
        self._fill()
        self.refresh()

    def refresh(self) -> None:
        """Fetches the game's matches and whether this player has played it (F5 too)."""
        name = self.name
        if not name or self.state.session is None:
            return

        async def work() -> tuple[MatchHistoryReply, int]:
            client = need_client(self.state.context)
            played = (await client.played()).get(name, 0)
            return await _history(client, name, mine=False, limit=RECENT), played

        self.state.op(self, work).success(lambda got: self._arrived(name, *got)).run()

    def _arrived(self, name: str, reply: MatchHistoryReply, played: int) -> None:
        if name == self.name:
            self.reply, self.played = reply, played
            self._fill()

    def _match_ended(self, match: MatchView) -> None:
        if match.game == self.name:
            self.refresh()

    def _fill(self) -> None:
        self.setVisible(bool(self.name))
        self.rate.setEnabled(self.played > 0)
        self.rate_note.setText(
            "" if self.played else self.tr("You can rate a game once you have played it.")
        )
        self.table.fill(self.reply.matches)
        self._fill_board(self.reply.leaderboard)

    def _fill_board(self, rows: list[LeaderRow]) -> None:
        self.board.clear()
        for place, row in enumerate(rows, start=1):
            cells = [str(place), row.player, str(row.wins), str(row.matches)]
            self.board.addTopLevelItem(QTreeWidgetItem(cells))
        fit_columns(self.board)
        self.lists.setTabVisible(1, bool(rows))  # only games that report a winner have one

    def _rate(self) -> None:
        if self.name:
            ask_review(self.state, self, self.name)


class MyMatches(Retranslated, QWidget):
    """My games' section: the matches this player played, newest first."""

    def __init__(self, state: PlayerState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.label = QLabel()
        self.table = MatchTable(with_game=True)
        self.empty = note_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        state.match_ended.connect(lambda _match: self.refresh())
        self.retranslate()

    def retranslate(self) -> None:
        """Every fixed text; runs again when the user switches languages."""
        self.label.setText(self.tr("My matches"))
        self.empty.setText(self.tr("Matches you play appear here, with who won."))
        self.table.set_headers()
        self.table.fill(self.table.matches)

    def refresh(self) -> None:
        async def work() -> MatchHistoryReply:
            return await _history(need_client(self.state.context), None, mine=True, limit=MINE)

        self.state.op(self, work).success(self._arrived).run()

    def _arrived(self, reply: MatchHistoryReply) -> None:
        self.table.fill(reply.matches)
        self.empty.setVisible(not reply.matches)


async def _history(
    client: HubClient, name: str | None, *, mine: bool, limit: int
) -> MatchHistoryReply:
    """The hub's match history; none from a hub too old to keep one (it says so politely)."""
    try:
        return await client.match_history(name, mine=mine, limit=limit)
    except RequestRefused as exc:
        if exc.code == Code.UNKNOWN_KIND:
            return MatchHistoryReply(matches=[])
        raise
