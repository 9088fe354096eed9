"""Starting the desktop app: Qt application, the qasync loop, the context, the window."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

import qasync
from PySide6.QtWidgets import QApplication

from gamehub_qt.context import AppContext
from hub_core.logs import setup_logging
from hub_core.paths import app_paths


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="gamehub", description="GameHub desktop app")
    parser.add_argument("--data", metavar="DIR", help="keep all files under DIR")
    parser.add_argument("--hub", metavar="HOST:PORT", help="connect to this hub at start")
    parser.add_argument("--host", action="store_true", help="host a hub at start")
    return parser.parse_args(argv)


def run_app(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging(app_paths(args.data).logs, file_name="app.log")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("GameHub")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    context = AppContext.create(args.data)
    from gamehub_qt.main_window import MainWindow

    window = MainWindow(context, start_hub=args.hub, start_hosting=args.host)
    window.show()
    with loop:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        loop.run_until_complete(closed.wait())
    context.shutdown()
    return 0
