"""What happens around a room: its page, the start question, the game client, the rating.

Reacts to the room's snapshots as they change:

    waiting  : after a match this player played, ask (non-modal) for a rating
    proposed : a guest who has not answered gets the start question
    in_game  : a new match: run the game client; a CLI game gets a console tab
    closed   : the room page goes away and the player is told why

However a match ends (the game reports it, closes the room, its server dies, the player
leaves), its console stays with the output and the result, marked finished, until the
player closes it, and the rating question follows.

It owns at most one room at a time, as the hub seats a player in one room at a time.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QTabWidget, QWidget

from gamehub_qt.base.ask import Asker, confirmed, run_modal
from gamehub_qt.player.console import ConsoleTab
from gamehub_qt.player.game_runner import STOP_GRACE, GameRunner
from gamehub_qt.player.installer import Installer
from gamehub_qt.player.matches import summary_line
from gamehub_qt.player.prompts import RatingDialog, StartPrompt
from gamehub_qt.player.reviews import ask_review
from gamehub_qt.player.room_page import RoomPage
from gamehub_qt.player.room_session import RoomSession
from gamehub_qt.player.rooms_page import RoomsPage
from gamehub_qt.player.state import PlayerState
from hub_core.wire.schema import RoomState, RoomView

KEPT_CONSOLES = 5  # finished consoles kept open at most; the oldest goes first


class PlayController(QObject):
    """Enters and leaves rooms and runs their matches inside the Player tab's tabs."""

    def __init__(
        self, state: PlayerState, installer: Installer, tabs: QTabWidget, rooms: RoomsPage
    ) -> None:
        super().__init__()
        self.state = state
        self.installer = installer
        self.tabs = tabs
        self.rooms = rooms
        self.session: RoomSession | None = None
        self.page: RoomPage | None = None
        self.runner: GameRunner | None = None
        self.console: ConsoleTab | None = None
        self.start_prompt: StartPrompt | None = None
        self.rating: RatingDialog | None = None
        self.finished: list[ConsoleTab] = []  # consoles of matches that ended, oldest first
        self._launched = 0  # the match number this app last ran a client for
        self._rated = 0
        self._match_before = ""  # the room's last recorded match when ours started
        self.ask_to_leave: Asker = run_modal  # tests answer the question instead of a user
        rooms.entered.connect(self.enter)
        state.context.player.state_changed.connect(self._hub_state)

    # -- entering and leaving ------------------------------------------------------------

    def enter(self, room: RoomView) -> None:
        """Shows the room's page and follows the room (after the hub seated us)."""
        if self.session is not None:
            return
        self.session = RoomSession(self.state, room)
        self.page = RoomPage(self.state, self.installer, self.session)
        self._launched = self._rated = room.matches
        self.session.room_changed.connect(self._on_room)
        self.session.gone.connect(self.close_room)
        self.page.leave_requested.connect(self.leave)
        self.tabs.addTab(self.page, self._room_title(room))
        self.tabs.setCurrentWidget(self.page)
        self.rooms.set_in_room(True)
        self.session.start()

    def leave(self) -> None:
        """Leave room: during a match, only once the player confirmed it."""
        if self.session is None:
            return
        if self.session.room.state is RoomState.IN_GAME and not confirmed(
            self._leave_question(), self.ask_to_leave
        ):
            return
        self.session.leave(lambda: self.close_room(""))

    def _leave_question(self) -> QMessageBox:
        box = QMessageBox(self.page)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Leave the match?"))
        box.setText(self.tr("A match is running in this room."))
        box.setInformativeText(
            self.tr("If you leave, your game stops and the others play on without you.")
        )
        box.addButton(self.tr("Leave the match"), QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(self.tr("Stay"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        return box

    def close_room(self, why: str) -> None:
        """Takes down everything of the current room; ``why`` is told to the user if set."""
        session, self.session = self.session, None
        if session is None:
            return
        session.room_changed.disconnect(self._on_room)
        session.gone.disconnect(self.close_room)
        session.stop()
        if self._launched > self._rated:  # the client may still print who won: a moment
            self._match_over(session.room, why or self.tr("You left before the match ended."))
            self._stop_game(grace=bool(why))
        else:
            self._stop_game()
        self._remove_tab(self.page)  # the console stays: its output is still worth reading
        self.page = None
        self._close_start_prompt()
        self.rooms.set_in_room(False)
        if why:
            self.state.context.messages.info(why)

    def end(self) -> None:
        """The player logged out: nothing of theirs stays open."""
        self._rated = self._launched  # no rating question on the way out
        self.close_room("")
        for console in [*self.finished, self.console]:
            self._remove_tab(console)
        self.finished, self.console = [], None
        if self.rating is not None:
            self.rating.close()
            self.rating = None

    # -- following the room --------------------------------------------------------------

    def refresh(self) -> None:
        """Looks at the current room again, if there is one (F5)."""
        if self.session is not None:
            self.session.refresh()

    def _hub_state(self, state: str) -> None:
        """A silent hub may have lost the room: say so, and look again once it answers."""
        if self.session is None or self.page is None:
            return
        if state == "lost":
            self.page.show_problem(
                self.tr("The hub is not answering. You can wait here or leave the room.")
            )
        elif state == "connected":
            self.page.show_notice("")
            self.session.refresh()

    def _on_room(self, room: RoomView) -> None:
        state, match = room.state, room.matches
        if state is not RoomState.PROPOSED:
            self._close_start_prompt()
        if state is RoomState.CLOSED:
            self.close_room(self.tr("The room closed: {0}").format(room.closed_reason))
        elif state is RoomState.PROPOSED:
            self._maybe_ask_start(room)
        elif state is RoomState.IN_GAME and match > self._launched:
            self._launched = match
            self._launch(room)
        elif state is RoomState.WAITING and self._launched > self._rated:
            self._match_over(room)

    def _maybe_ask_start(self, room: RoomView) -> None:
        me = self.state.user
        if room.owner == me or me in room.accepted or self.start_prompt is not None:
            return
        prompt = StartPrompt(room.owner, room.display_name, self.page)
        prompt.answered.connect(self._answered)
        self.start_prompt = prompt
        prompt.show()

    def _answered(self, accept: bool) -> None:
        self.start_prompt = None
        if self.session is not None:
            self.session.respond(accept)

    def _close_start_prompt(self) -> None:
        prompt, self.start_prompt = self.start_prompt, None
        if prompt is not None:
            prompt.answered.disconnect(self._answered)
            prompt.close()

    # -- the game client -----------------------------------------------------------------

    def _launch(self, room: RoomView) -> None:
        """Runs the client for this match; its output goes to a console tab."""
        self._stop_game()
        self._keep_finished(self.console)
        self._match_before = room.last_match.id if room.last_match else ""
        runner = GameRunner(self.state, room)
        cli = room.type.upper() != "GUI"
        console = ConsoleTab(runner, interactive=cli)
        self.tabs.addTab(console, self._console_title(room, cli))
        if cli:
            self.tabs.setCurrentWidget(console)
            console.input.setFocus()
        runner.exited.connect(self._client_exited)
        runner.failed.connect(self._client_failed)
        self.runner, self.console = runner, console
        runner.start()

    def _client_exited(self, code: int) -> None:
        if self.page is None or self.console is None:
            return
        if code == 0:
            self.page.show_notice(self.tr("The game client ended."))
        else:
            text = self.console.crash_text(code)
            self.page.show_problem(text + "\n" + self.tr("You are still in the room."))
            self.state.context.messages.error(text.splitlines()[0])

    def _client_failed(self, why: str) -> None:
        if self.page is not None:
            self.page.show_problem(self.tr("The game could not start: {0}").format(why))

    def _stop_game(self, grace: bool = False) -> None:
        """Stops the client; with ``grace``, only if it has not ended by itself a moment later
        (a game that closes the room usually tells its players who won first)."""
        runner, self.runner = self.runner, None
        if runner is None:
            return
        if grace:
            QTimer.singleShot(int(STOP_GRACE * 1000), runner.stop)
        else:
            runner.stop()

    # -- after the match -----------------------------------------------------------------

    def _match_over(self, room: RoomView, why: str = "") -> None:
        """The match this app ran a client for ended, however: the console keeps its output
        and shows the result, the history pages hear of it, and the rating question follows."""
        self._rated = self._launched
        match = room.last_match
        ours = match is not None and match.id != self._match_before
        if ours and match is not None:
            self._finish_console(room, lambda: summary_line(match))
            self.state.match_ended.emit(match)
            if self.page is not None and room.state is RoomState.WAITING:
                self.page.show_notice(summary_line(match))
        else:
            self._finish_console(room, lambda: self.tr("Match over: {0}").format(why))
        self._ask_rating(room)

    def _finish_console(self, room: RoomView, result: Callable[[], str]) -> None:
        console = self.console
        if console is None or console.finished:
            return
        console.mark_finished(result)
        console.close_requested.connect(lambda: self._close_console(console))
        self._set_title(console, self._console_title(room, console.interactive, True))

    def _keep_finished(self, console: ConsoleTab | None) -> None:
        """A new match starts: the last one's console stays, up to KEPT_CONSOLES of them."""
        if console is None:
            return
        self.finished.append(console)
        while len(self.finished) > KEPT_CONSOLES:
            self._remove_tab(self.finished.pop(0))

    def _close_console(self, console: ConsoleTab) -> None:
        if console is self.console:
            self.console = None
        if console in self.finished:
            self.finished.remove(console)
        self._remove_tab(console)

    def _ask_rating(self, room: RoomView) -> None:
        if self.rating is not None:
            self.rating.close()
        self.rating = ask_review(self.state, self.tabs, room.game)

    # -- tab titles --------------------------------------------------------------------

    def retranslate(self) -> None:
        """Re-titles the room's and the console's tabs (the Player tab asks, on a language
        switch: this QObject gets no LanguageChange of its own)."""
        if self.session is not None:
            self._set_title(self.page, self._room_title(self.session.room))
        for console in [*self.finished, self.console]:
            if console is not None:
                title = self._console_title(
                    console.runner.room, console.interactive, console.finished
                )
                self._set_title(console, title)

    def _room_title(self, room: RoomView) -> str:
        return self.tr("Room: {0}").format(room.display_name)

    def _console_title(self, room: RoomView, cli: bool, finished: bool = False) -> str:
        if finished:
            title = self.tr("{0} console (finished)") if cli else self.tr("{0} log (finished)")
        else:
            title = self.tr("{0} console") if cli else self.tr("{0} log")
        return title.format(room.display_name)

    def _set_title(self, widget: QWidget | None, title: str) -> None:
        index = self.tabs.indexOf(widget) if widget is not None else -1
        if index >= 0:
            self.tabs.setTabText(index, title)

    # -- helpers -----------------------------------------------------------------------

    def _remove_tab(self, widget: QWidget | None) -> None:
        if widget is None:
            return
        index = self.tabs.indexOf(widget)
        if index >= 0:
            self.tabs.removeTab(index)
        widget.deleteLater()
