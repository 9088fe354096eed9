"""The publish dialog's widgets and layout, apart from its behaviour (dialog.py)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import error_label, note_label
from gamehub_qt.developer.publish.libraries_row import LibrariesRow
from gamehub_qt.developer.publish.manifest_form import ManifestForm
from gamehub_qt.developer.publish.progress import PublishProgress


class PublishDialogUi(Retranslated, QDialog):
    """Source row, manifest form, libraries, version row, progress, outcome, buttons."""

    chose_path = Signal(str)  # a folder or zip picked in a file dialog or dropped

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(640)
        self.source = QLineEdit()
        self.folder_button, self.zip_button = QPushButton(), QPushButton()
        self.recheck_button = QPushButton()
        self.pick_buttons = (self.folder_button, self.zip_button)
        for button in (*self.pick_buttons, self.recheck_button):
            # A dialog's push buttons take Enter by default, so Enter in the path field
            # opened the folder chooser as well as checking the path (issue 11).
            button.setAutoDefault(False)
        self.state_text = QLabel()
        self.state_text.setWordWrap(True)
        self.form = ManifestForm()
        self.libraries = LibrariesRow()  # requirements added at publish time, a wheels folder
        self.version = QLineEdit()
        self.version.setMaximumWidth(140)
        self.version_note, self.version_error = note_label(), error_label()
        self.progress = PublishProgress()
        self.result_text = QLabel()
        self.result_text.setWordWrap(True)
        self.result_text.hide()
        self.failure_text = error_label()
        self.buttons = QDialogButtonBox()
        self.publish_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self.version_label = QLabel()
        self.publish_button.setDefault(True)
        self.setAcceptDrops(True)
        self._layout()
        self.retranslate_ui()
        self.folder_button.clicked.connect(self._folder_clicked)
        self.zip_button.clicked.connect(self._pick_zip)

    def _layout(self) -> None:
        row = QHBoxLayout()
        for widget in (self.source, self.folder_button, self.zip_button, self.recheck_button):
            row.addWidget(widget)
        manifest = QGroupBox(self.tr("manifest.json"))
        QVBoxLayout(manifest).addWidget(self.form)
        version = QHBoxLayout()
        version.addWidget(self.version_label)
        version.addWidget(self.version)
        version.addWidget(self.version_note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.state_text)
        layout.addWidget(manifest)
        layout.addWidget(self.libraries)
        layout.addLayout(version)
        layout.addWidget(self.version_error)
        layout.addWidget(self.progress)
        layout.addWidget(self.result_text)
        layout.addWidget(self.failure_text)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def retranslate(self) -> None:
        """Runs when the language changes; the dialog adds its title and button states."""
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.source.setPlaceholderText(self.tr("A game folder or .zip (type, choose or drop it)"))
        self.folder_button.setText(self.tr("Folder…"))
        self.zip_button.setText(self.tr("Zip…"))
        self.recheck_button.setText(self.tr("Check again"))
        self.version_label.setText(self.tr("Version:"))
        self.publish_button.setText(self.tr("Publish"))
        self.cancel_button.setText(self.tr("Cancel"))

    def _folder_clicked(self) -> None:
        self.pick_folder("")

    def pick_folder(self, start: str) -> None:
        folder = self.ask_folder(start)
        if folder:
            self.chose_path.emit(folder)

    def ask_folder(self, start: str) -> str:
        """The folder chooser (the seam tests replace: a native dialog cannot be driven)."""
        title = self.tr("Choose the game's folder")
        return QFileDialog.getExistingDirectory(self, title, start)

    def _pick_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the game's zip"), "", self.tr("Zip archives (*.zip)")
        )
        if path:
            self.chose_path.emit(path)

    # -- a folder or zip dropped on the dialog ------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and self.source.isEnabled():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile() and self.source.isEnabled():
            event.acceptProposedAction()
            self.chose_path.emit(urls[0].toLocalFile())
