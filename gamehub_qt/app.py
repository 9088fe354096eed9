"""Starting the desktop app: Qt application, the context, the window, Qt's own loop.

All network I/O runs on gamehub_qt.base.netloop's thread; the Qt thread needs no asyncio loop.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gamehub_qt.base.context import AppContext
from gamehub_qt.launcher import add_app_options
from hub_core.util.logs import setup_logging
from hub_core.util.paths import app_paths

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gamehub", description="GameHub desktop app")
    add_app_options(parser)
    return parser.parse_args(argv)


def run_app(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log_path = setup_logging(app_paths(args.data).logs, file_name="app.log")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("GameHub")
    context = AppContext.create(args.data)
    from gamehub_qt.base import i18n
    from gamehub_qt.base.gc_pin import GuiThreadCollector
    from gamehub_qt.base.style import apply_look
    from gamehub_qt.shell.crash import ExceptionHook
    from gamehub_qt.shell.main_window import MainWindow

    apply_look(app)  # type: ignore[arg-type]  # instance() is typed as QCoreApplication
    i18n.install(i18n.chosen_language(context.settings))
    hook = ExceptionHook(str(log_path)).install()
    collector = GuiThreadCollector(app).start()  # before any thread of ours makes garbage

    window = MainWindow(context, start_hub=args.hub, start_hosting=args.host)
    window.show()
    # Ctrl+C in the terminal (or SIGTERM) closes the window as Ctrl+Q would, without
    # the question a hosting copy asks first: settings are saved, a hosted hub stops cleanly.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: window.quit_now())
    # Python runs signal handlers only between bytecodes; while Qt waits in C for events,
    # nothing would run them. A light timer wakes the interpreter to check.
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    log.info("The app is running (pid %d)", os.getpid())
    try:
        app.exec()  # returns when the last window closes
    finally:
        hook.uninstall()
        context.shutdown()
        collector.stop()
    return 0
