"""The manifest as a form: each field's value, with its problems right under it."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from gamehub_qt.base.i18n import Retranslated
from gamehub_qt.base.widgets import error_label, note_label, set_error
from gamehub_qt.developer.publish.checking import FIELDS, CheckResult
from hub_core.util.units import format_bytes


def shown_value(raw: dict[str, Any], key: str) -> str:
    """A manifest value as written ('—' when missing), so a wrong one is recognisable."""
    if key not in raw:
        return "—"
    value = raw[key]
    return value if isinstance(value, str) else json.dumps(value)


class ManifestForm(Retranslated, QWidget):
    """Shows a CheckResult: field values, field problems, and the problems of the rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for row in FIELDS:
            self.values[row], self.errors[row] = QLabel(), error_label()
            self.values[row].setWordWrap(True)
            self.values[row].setTextFormat(Qt.TextFormat.PlainText)
            self.values[row].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(self.values[row])
            cell.addWidget(self.errors[row])
            self.labels[row] = QLabel()
            form.addRow(self.labels[row], cell)
        self.other = error_label()
        self.summary = note_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.other)
        layout.addWidget(self.summary)
        self.result: CheckResult | None = None
        self.retranslate()

    def retranslate(self) -> None:
        """Field names and the shown result's texts, again when the language changes."""
        labels = {
            "name": self.tr("Name:"),
            "display_name": self.tr("Display name:"),
            "type": self.tr("Type:"),
            "players": self.tr("Players:"),
            "entry_server": self.tr("Server entry:"),
            "entry_client": self.tr("Client entry:"),
            "description": self.tr("Description:"),
        }
        for row, text in labels.items():
            self.labels[row].setText(text)
        self.show_result(self.result)

    def show_result(self, result: CheckResult | None) -> None:
        self.result = result
        raw = result.raw if result is not None else {}
        for row in FIELDS:
            self.values[row].setText(self._value(raw, row) if result is not None else "")
            problems = result.field_problems.get(row, []) if result is not None else []
            set_error(self.errors[row], "\n".join(problems))
        others = result.other_problems if result is not None else []
        set_error(self.other, "\n".join(f"• {p}" for p in others))
        self.summary.setText(self._summary(result))

    def _value(self, raw: dict[str, Any], row: str) -> str:
        if row != "players":
            return shown_value(raw, row)
        top = shown_value(raw, "max_players")
        if "min_players" not in raw or raw["min_players"] == raw.get("max_players"):
            return top
        return self.tr("%1 to %2").replace("%1", shown_value(raw, "min_players")).replace("%2", top)

    def _summary(self, result: CheckResult | None) -> str:
        if result is None or not result.files:
            return ""
        files = self.tr("%n file(s)", "", result.files)
        return (
            self.tr("%1, %2 in all")
            .replace("%1", files)
            .replace("%2", format_bytes(result.total_bytes))
        )
