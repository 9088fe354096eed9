"""The Developer tab: the log-in form, or (logged in) a header and My games.

A session that ends anywhere (Log out, the hub changed, the account logged in
elsewhere) brings the log-in form back, with the reason when the hub gave one.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.login_form import DEVELOPER, LoginForm
from gamehub_qt.developer import ops
from gamehub_qt.developer.localtest.dialog import LocalTestDialog
from gamehub_qt.developer.my_games import MyGamesPanel
from gamehub_qt.developer.publish.dialog import PublishDialog, remembered_source
from hub_core.wire.schema import SessionInfo


class DeveloperTab(Retranslated, QWidget):
    """What the main window shows under "Developer"."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.login = LoginForm(context, DEVELOPER)
        self.my_games = MyGamesPanel(context)
        self.who = QLabel()
        self.logout_button = QPushButton()
        self.user = ""
        self.publish_dialog: PublishDialog | None = None
        self.local_test: LocalTestDialog | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self._home())
        QVBoxLayout(self).addWidget(self.stack)
        conn = context.developer
        conn.session_changed.connect(self._on_session)
        self.logout_button.clicked.connect(self.log_out)
        self.my_games.publish_requested.connect(self.open_publish)
        self.my_games.test_requested.connect(self.open_local_test)
        self._on_session(ops.session_of(conn))

    def retranslate(self) -> None:
        """The header's texts; runs again when the user switches languages."""
        self.logout_button.setText(self.tr("Log out"))
        text = self.tr("Logged in as <b>%1</b> (developer)")
        self.who.setText(text.replace("%1", html.escape(self.user)))

    def _home(self) -> QWidget:
        home = QWidget()
        header = QHBoxLayout()
        header.addWidget(self.who, 1)
        header.addWidget(self.logout_button)
        layout = QVBoxLayout(home)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.my_games, 1)
        return home

    @property
    def logged_in(self) -> bool:
        return self.stack.currentIndex() == 1

    def _on_session(self, session: SessionInfo | None) -> None:
        self.my_games.active = session is not None
        if session is None or session.role != "developer":
            self.user = ""
            self.retranslate()
            self.my_games.clear()
            self.stack.setCurrentIndex(0)
            self.login.focus()
            return
        self.login.user.setText(session.user)  # back at the form after Log out, it is there
        self.user = session.user
        self.retranslate()
        self.stack.setCurrentIndex(1)
        self.my_games.refresh()

    def refresh(self) -> None:
        """F5: fetches My games again, for whatever the store's events missed."""
        if self.logged_in:
            self.my_games.refresh()

    def log_out(self) -> None:
        conn = self.context.developer

        def failed(error: Exception) -> None:  # the hub is gone: the session is gone with it
            self._on_session(None)
            self.login.show_reason(str(error))

        self.context.op(self, lambda: DEVELOPER.log_out(conn)).failure(failed).run()

    # -- dialogs --------------------------------------------------------------------------

    def open_publish(self, update: str) -> PublishDialog:
        """Publish new game… (``update`` is "") or Publish update… of the game ``update``."""
        old = self.publish_dialog
        if old is not None and old.isVisible():
            old.raise_()
            return old
        if old is not None:
            old.deleteLater()  # one dialog per publish; a closed one is done
        dialog = PublishDialog(self.context, update=update, parent=self)
        dialog.published.connect(self._published)
        self.publish_dialog = dialog
        dialog.open()
        return dialog

    def _published(self, name: str) -> None:
        self.my_games.refresh(select=name)

    def open_local_test(self, name: str) -> LocalTestDialog:
        old = self.local_test
        if old is not None and old.isVisible():
            old.raise_()
            return old
        if old is not None:
            old.deleteLater()  # closing it already stopped its run
        folder = remembered_source(self.context, name) if name else None
        self.local_test = LocalTestDialog(self.context, folder=folder, parent=self)
        self.local_test.show()
        return self.local_test
