"""Helpers for the shell's tests: hub configs on 127.0.0.1 and windows that host safely."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QMessageBox
from pytestqt.qtbot import QtBot

from gamehub_qt.base.context import AppContext
from gamehub_qt.shell.main_window import MainWindow
from hub_core.server.hub import HubConfig
from hub_core.server.thread import HubThread
from tests.gamehub_qt.conftest import FAST_HASH

WAIT_MS = 10_000


def local_config(data_dir: Path | None = None, **changes: object) -> HubConfig:
    """A hub that listens on 127.0.0.1 only, on free ports, without mDNS."""
    config = HubConfig(
        name="Test hub",
        data_dir=data_dir,
        bind="127.0.0.1",
        port=0,
        discovery=False,
        hash_cost=FAST_HASH,
        samples=True,
    )
    return dataclasses.replace(config, **changes)  # type: ignore[arg-type]


def start_hub(data_dir: Path, **changes: object) -> HubThread:
    thread = HubThread(local_config(data_dir, **changes))
    thread.start()
    return thread


def new_window(qtbot: QtBot, context: AppContext, **options: object) -> MainWindow:
    """A window whose host toggle starts a local test hub; no mDNS unless asked."""
    options.setdefault("discovery", False)
    window = MainWindow(context, **options)  # type: ignore[arg-type]
    window.hosting.template = local_config(name="")
    window.ask_to_quit = stop_hosting  # closing a hosting window never waits on a dialog
    qtbot.addWidget(window)
    return window


def stop_hosting(box: QMessageBox) -> QAbstractButton | None:
    """Answers "Stop hosting?" as a user quitting would (tests that check it answer it)."""
    return next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    )
