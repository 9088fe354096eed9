"""The one log-in and registration form, which the Player and Developer tabs each show.

A ``LoginRole`` says what differs between them: the connection it logs in on, its
texts, and whether it offers "remember me". Everything else is the same on purpose:
Enter submits, a problem appears as a sentence next to what it is about, the form is
busy while the hub works. The user name is remembered in the settings
("player/user", "developer/user"); a password only in the system keyring, only where the
role offers it, the user asks and ``keyring`` is installed. A successful login is
announced by ``Connection.session_changed``, which the tab listens to.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal, NamedTuple

from PySide6.QtCore import Qt
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

from gamehub_qt.base import remember
from gamehub_qt.base.context import AppContext
from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.ops import Work
from gamehub_qt.base.widgets import error_label, note_label, set_error
from gamehub_qt.shell.connection import Connection
from hub_core.errors import RequestRefused
from hub_core.wire.codes import Code
from hub_core.wire.protocol import STORE_TOPIC, Role
from hub_core.wire.schema import SessionInfo

_USER_CODES = {Code.NAME_TAKEN, Code.NAME_INVALID}
_PASSWORD_CODES = {Code.BAD_CREDENTIALS, Code.PASSWORD_INVALID, Code.THROTTLED}

Doing = Literal["", "login", "create"]  # what the busy form waits for, "" when idle


@dataclass(frozen=True)
class LoginRole:
    """What differs between the two tabs' forms (their texts are in ``LoginForm._texts``)."""

    name: Role  # which connection of the AppContext, and the settings keys' prefix
    offers_remember: bool  # "remember me", shown only if keyring is importable too
    follows: tuple[str, ...] = ()  # event topics to subscribe to once logged in

    async def log_in(
        self, conn: Connection, user: str, password: str, *, create: bool
    ) -> SessionInfo:
        """Logs in (creating the account first when asked), then follows its topics."""
        if create:
            await conn.register(user, password)
        session = await conn.login(user, password)
        for topic in self.follows:
            conn.subscribe(topic)
        return session

    async def log_out(self, conn: Connection) -> None:
        """Stops following its topics and ends the session (forgotten here even when the
        hub does not answer; the error still says so)."""
        for topic in self.follows:
            conn.unsubscribe(topic)
        await conn.logout()

    @property
    def user_key(self) -> str:
        return f"{self.name}/user"

    @property
    def remember_key(self) -> str:
        return f"{self.name}/remember"

    def connection(self, context: AppContext) -> Connection:
        return context.player if self.name == "player" else context.developer


# The Player tab starts following the store itself once logged in (it fetches first).
PLAYER = LoginRole("player", offers_remember=True)
# A developer follows the store, where their games' reviews arrive.
DEVELOPER = LoginRole("developer", offers_remember=False, follows=(STORE_TOPIC,))


class _Texts(NamedTuple):
    title: str
    intro: str
    user_label: str
    enter_user: str


class LoginForm(Retranslated, QWidget):
    """Name, password, Log in / Create account; errors next to the field they are about."""

    def __init__(self, context: AppContext, role: LoginRole, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.role = role
        self.conn = role.connection(context)
        self.doing: Doing = ""
        self.user = QLineEdit(str(context.settings.value(role.user_key, "") or ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox()
        self.remember.setVisible(self.offers_remember)
        self.user_error, self.password_error = error_label(), error_label()
        self.error = error_label()  # the hub's other refusals, and why the user is back here
        self.title, self.intro, self.hub_note = QLabel(), note_label(), note_label()
        self.user_label, self.password_label = QLabel(), QLabel()
        self.login_button, self.register_button = QPushButton(), QPushButton()
        self.login_button.setDefault(True)
        self._layout()
        self.retranslate()
        self._connect()
        self._recall_password()

    @property
    def offers_remember(self) -> bool:
        return self.role.offers_remember and remember.available()

    def _connect(self) -> None:
        self.user.returnPressed.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.login_button.clicked.connect(self.submit)
        self.register_button.clicked.connect(self.create_account)
        self.conn.state_changed.connect(self._show_hub_state)
        self.conn.told.connect(self.show_reason)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.user_label, self.user)
        form.addRow(self.user_error)  # the whole row's width: sentences need room
        form.addRow(self.password_label, self.password)
        form.addRow(self.password_error)
        form.addRow("", self.remember)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.login_button)
        box = QWidget()
        box.setFixedWidth(440)
        column = QVBoxLayout(box)
        for widget in (self.title, self.intro, self.hub_note):
            column.addWidget(widget)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    # -- texts ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Sets every fixed text; runs again when the user switches languages."""
        texts = self._texts()
        self.title.setText(f"<h2>{texts.title}</h2>")
        self.intro.setText(texts.intro)
        self.intro.setVisible(bool(texts.intro))
        self.user_label.setText(texts.user_label)
        self.password_label.setText(self.tr("Password:"))
        self.remember.setText(self.tr("Remember me on this computer"))
        self.register_button.setText(self.tr("Create account"))
        self._show_doing()
        self._show_hub_state(self.conn.state)

    def _texts(self) -> _Texts:
        """The role's own texts, spelt out here so that lupdate finds every one."""
        if self.role.name == "player":
            return _Texts(
                self.tr("Log in to play"),
                "",
                self.tr("Player name:"),
                self.tr("Enter your player name."),
            )
        return _Texts(
            self.tr("Developer account"),
            self.tr("Log in to publish games and read what players say about them."),
            self.tr("Developer name:"),
            self.tr("Enter your developer name."),
        )

    def _show_doing(self) -> None:
        busy = bool(self.doing)
        for widget in (self.user, self.password, self.remember):
            widget.setEnabled(not busy)
        for button in (self.login_button, self.register_button):
            button.setEnabled(not busy)
        labels = {
            "": self.tr("Log in"),
            "login": self.tr("Logging in…"),
            "create": self.tr("Creating account…"),
        }
        self.login_button.setText(labels[self.doing])

    def _show_hub_state(self, state: str) -> None:
        texts = {
            "disconnected": self.tr("Not connected to a hub: choose one first."),
            "connecting": self.tr("Connecting to the hub…"),
            "lost": self.tr("The hub is not answering; retrying."),
        }
        self.hub_note.setText(texts.get(state, ""))
        self.hub_note.setVisible(state in texts)

    # -- what the tab tells it ----------------------------------------------------------

    def show_reason(self, text: str) -> None:
        """Why the user is back here (e.g. logged in elsewhere), until the next attempt."""
        set_error(self.error, text)

    def focus(self) -> None:
        (self.password if self.user.text() else self.user).setFocus()

    # -- submitting ---------------------------------------------------------------------

    def submit(self) -> None:
        """Logs in with the form's name and password (Enter in either field, or the button)."""
        self._start("login")

    def create_account(self) -> None:
        """Creates the account, then logs in with it."""
        self._start("create")

    def _start(self, doing: Doing) -> None:
        if self.doing:
            return  # already busy: Enter pressed twice
        user, password = self.user.text().strip(), self.password.text()
        self._clear_errors()
        if self._form_problem(user, password):
            return
        keep = self.offers_remember and self.remember.isChecked()
        self.context.op(
            self, self._work(user, password, create=doing == "create", keep=keep)
        ).success(lambda _: self._succeeded(user, keep)).failure(self._failed).busy(
            lambda on: self._set_doing(doing if on else "")
        ).run()

    def _work(self, user: str, password: str, *, create: bool, keep: bool) -> Work:
        conn, hub, role = self.conn, self.context.endpoint, self.role

        async def work() -> SessionInfo:
            session = await role.log_in(conn, user, password, create=create)
            if role.offers_remember:  # saved or forgotten: the box says what the user wants
                await asyncio.to_thread(_keep_password, hub, user, password if keep else "")
            return session

        return work

    def _form_problem(self, user: str, password: str) -> bool:
        """Shows what is missing before asking the hub; True if something is."""
        if not user:
            set_error(self.user_error, self._texts().enter_user)
            self.user.setFocus()
        elif not password:
            set_error(self.password_error, self.tr("Enter your password."))
            self.password.setFocus()
        return not (user and password)

    def _set_doing(self, doing: Doing) -> None:
        self.doing = doing
        self._show_doing()

    def _succeeded(self, user: str, keep: bool) -> None:
        self.context.settings.setValue(self.role.user_key, user)
        if self.role.offers_remember:
            self.context.settings.setValue(self.role.remember_key, keep)
        if not keep:
            self.password.clear()

    def _failed(self, error: Exception) -> None:
        code = error.code if isinstance(error, RequestRefused) else None
        if code in _USER_CODES:
            set_error(self.user_error, str(error))
            self.user.setFocus()
        elif code in _PASSWORD_CODES:
            set_error(self.password_error, str(error))
            self.password.selectAll()
            self.password.setFocus()
        else:
            set_error(self.error, str(error))

    def _clear_errors(self) -> None:
        for label in (self.user_error, self.password_error, self.error):
            set_error(label, "")

    # -- remember me ----------------------------------------------------------------------

    def _recall_password(self) -> None:
        """Fills the password from the keyring if the user asked to be remembered."""
        wanted = str(self.context.settings.value(self.role.remember_key, "false")).lower()
        if not (wanted == "true" and self.offers_remember and self.user.text()):
            return
        hub, user = self.context.endpoint, self.user.text()

        async def work() -> str | None:
            return await asyncio.to_thread(remember.load, hub, user)

        self.context.op(self, work).success(self._recalled).failure(lambda _exc: None).run()

    def _recalled(self, password: str | None) -> None:
        if password and not self.password.text():
            self.password.setText(password)
            self.remember.setChecked(True)


def _keep_password(hub: str, user: str, password: str) -> None:
    """Saves the password in the keyring, or forgets it when ``password`` is ""."""
    if password:
        remember.save(hub, user, password)
    else:
        remember.forget(hub, user)
