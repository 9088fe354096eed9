"""The developer's log-in form: errors appear next to the field they are about.

The user name is remembered (settings "developer/user"); the password never is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.context import AppContext
from gamehub_qt.developer import ops
from gamehub_qt.developer.guard import WidgetOp
from gamehub_qt.developer.widgets import error_label, note_label, set_error
from hub_core.codes import Code
from hub_core.errors import RequestRefused

USER_KEY = "developer/user"
_USER_CODES = {Code.NAME_TAKEN, Code.NAME_INVALID}
_PASSWORD_CODES = {Code.BAD_CREDENTIALS, Code.PASSWORD_INVALID, Code.THROTTLED}


class LoginPanel(QWidget):
    """Log in or create a developer account; Enter in either field logs in."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.user = QLineEdit(str(context.settings.value(USER_KEY, "") or ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.user_error, self.password_error = error_label(), error_label()
        self.form_error, self.notice = error_label(), error_label()
        self.hub_note = note_label()
        self.title, self.intro = QLabel(), note_label()
        self.user_label, self.password_label = QLabel(), QLabel()
        self.login_button, self.register_button = QPushButton(), QPushButton()
        self.login_button.setDefault(True)
        self._layout()
        self.retranslate()
        self.user.returnPressed.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.login_button.clicked.connect(self.submit)
        self.register_button.clicked.connect(self.create_account)
        context.developer.state_changed.connect(self._show_hub_state)

    def retranslate(self) -> None:
        """Sets every fixed text; runs again when the user switches languages."""
        title = self.tr("Developer account")
        self.title.setText(f"<h2>{title}</h2>")
        self.intro.setText(self.tr("Log in to publish games and read what players say about them."))
        self.user_label.setText(self.tr("Developer name:"))
        self.password_label.setText(self.tr("Password:"))
        self.register_button.setText(self.tr("Create account"))
        self._busy(not self.login_button.isEnabled())
        self._show_hub_state(self.context.developer.state)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.user_label, self.user)
        form.addRow(self.user_error)  # the whole row's width: sentences need room
        form.addRow(self.password_label, self.password)
        form.addRow(self.password_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.login_button)
        box = QWidget()
        box.setFixedWidth(440)
        column = QVBoxLayout(box)
        for widget in (self.title, self.intro, self.notice, self.hub_note):
            column.addWidget(widget)
        column.addLayout(form)
        column.addWidget(self.form_error)
        column.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    # -- what the tab tells it ----------------------------------------------------------

    def show_reason(self, text: str) -> None:
        """Why the user is back here (e.g. logged in elsewhere), until the next attempt."""
        set_error(self.notice, text)

    def focus(self) -> None:
        (self.password if self.user.text() else self.user).setFocus()

    # -- submitting ---------------------------------------------------------------------

    def submit(self) -> None:
        self._start(create=False)

    def create_account(self) -> None:
        self._start(create=True)

    def _start(self, *, create: bool) -> None:
        if not self.login_button.isEnabled():
            return  # already busy: Enter pressed twice
        user, password = self.user.text().strip(), self.password.text()
        self._clear_errors()
        if not user:
            set_error(self.user_error, self.tr("Enter your developer name."))
            return
        if not password:
            set_error(self.password_error, self.tr("Enter your password."))
            return
        conn = self.context.developer
        WidgetOp(self, lambda: ops.log_in(conn, user, password, create=create)).success(
            lambda _: self._succeeded(user)
        ).failure(self._failed).busy(self._busy).run()

    def _succeeded(self, user: str) -> None:
        self.context.settings.setValue(USER_KEY, user)
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
            set_error(self.form_error, str(error))

    def _busy(self, busy: bool) -> None:
        for widget in (self.user, self.password, self.login_button, self.register_button):
            widget.setEnabled(not busy)
        self.login_button.setText(self.tr("Logging in…") if busy else self.tr("Log in"))

    def _clear_errors(self) -> None:
        for label in (self.user_error, self.password_error, self.form_error, self.notice):
            set_error(label, "")

    def _show_hub_state(self, state: str) -> None:
        texts = {
            "disconnected": self.tr("Not connected to a hub: choose one first."),
            "connecting": self.tr("Connecting to the hub…"),
            "lost": self.tr("The hub is not answering; retrying."),
        }
        self.hub_note.setText(texts.get(state, ""))
        self.hub_note.setVisible(state in texts)
