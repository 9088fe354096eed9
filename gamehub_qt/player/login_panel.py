"""The player's login and registration form, with its errors shown right under it.

The name is remembered in the settings; the password only in the system keyring, and
only if the user asks and ``keyring`` is installed. A successful login is announced by
``Connection.session_changed``, which the tab listens to; this panel only runs the form.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.context import AppContext
from gamehub_qt.ops import HubOp
from gamehub_qt.player import remember

USER_KEY = "player/user"
REMEMBER_KEY = "player/remember"


class LoginPanel(QWidget):
    """Name, password, Log in / Create account; inline errors; busy while working."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.user = QLineEdit(str(context.settings.value(USER_KEY, "") or ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("Remember me on this computer"))
        self.remember.setVisible(remember.available())
        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setDefault(True)
        self.register_button = QPushButton(self.tr("Create account"))
        self.hint = QLabel()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self._layout()
        self.user.returnPressed.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.login_button.clicked.connect(self.submit)
        self.register_button.clicked.connect(self.create_account)
        context.player.state_changed.connect(self._hub_state)
        self._hub_state(context.player.state)
        self._recall_password()

    def _layout(self) -> None:
        title = QLabel(self.tr("Log in to play"))
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        form = QFormLayout()
        form.addRow(self.tr("Player name"), self.user)
        form.addRow(self.tr("Password"), self.password)
        form.addRow("", self.remember)
        buttons = QHBoxLayout()
        buttons.addWidget(self.login_button)
        buttons.addWidget(self.register_button)
        buttons.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(420)
        inner = QVBoxLayout(box)
        for widget in (title, self.hint):
            inner.addWidget(widget)
        inner.addLayout(form)
        inner.addLayout(buttons)
        inner.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    # -- what the user sees --------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def _hub_state(self, state: str) -> None:
        hints = {
            "disconnected": self.tr("Choose a hub at the top of the window first."),
            "connecting": self.tr("Connecting to the hub…"),
            "lost": self.tr("The hub is not answering; GameHub keeps trying."),
        }
        self.hint.setText(hints.get(state, ""))
        self.hint.setVisible(state in hints)

    def _set_busy(self, busy: bool, doing: str = "") -> None:
        for widget in (self.user, self.password, self.remember, self.register_button):
            widget.setEnabled(not busy)
        self.login_button.setEnabled(not busy)
        self.login_button.setText(doing if busy else self.tr("Log in"))

    # -- acting ------------------------------------------------------------------------

    def submit(self) -> None:
        """Logs in with the form's name and password (Enter in either field, or the button)."""
        self._run(self.tr("Logging in…"), register=False)

    def create_account(self) -> None:
        """Creates the account, then logs in with it."""
        self._run(self.tr("Creating account…"), register=True)

    def _run(self, doing: str, *, register: bool) -> None:
        user, password = self.user.text().strip(), self.password.text()
        problem = self._form_problem(user, password)
        if problem:
            self.show_error(problem)
            return
        self.show_error("")
        keep = self.remember.isChecked() and remember.available()
        hub = self.context.endpoint
        conn = self.context.player

        async def work() -> None:
            if register:
                await conn.register(user, password)
            await conn.login(user, password)
            if keep:
                await asyncio.to_thread(remember.save, hub, user, password)
            elif remember.available():
                await asyncio.to_thread(remember.forget, hub, user)

        self._op(work).success(lambda _: self._logged_in(user, keep)).failure(
            lambda exc: self.show_error(str(exc))
        ).busy(lambda on: self._set_busy(on, doing)).run()

    def _form_problem(self, user: str, password: str) -> str:
        if not user:
            return self.tr("Enter your player name.")
        if not password:
            return self.tr("Enter your password.")
        return ""

    def _logged_in(self, user: str, keep: bool) -> None:
        self.context.settings.setValue(USER_KEY, user)
        self.context.settings.setValue(REMEMBER_KEY, keep)
        if not keep:
            self.password.clear()

    def _recall_password(self) -> None:
        """Fills the password from the keyring if the user asked to be remembered."""
        wanted = str(self.context.settings.value(REMEMBER_KEY, "false")).lower() == "true"
        if not (wanted and remember.available() and self.user.text()):
            return
        hub, user = self.context.endpoint, self.user.text()

        async def work() -> str | None:
            return await asyncio.to_thread(remember.load, hub, user)

        self._op(work).success(self._recalled).failure(lambda _exc: None).run()

    def _recalled(self, password: str | None) -> None:
        if password and not self.password.text():
            self.password.setText(password)
            self.remember.setChecked(True)

    def _op(self, work: Callable[[], Coroutine[Any, Any, Any]]) -> HubOp:
        return HubOp(self, work)
