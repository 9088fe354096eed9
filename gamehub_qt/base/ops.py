"""Background operations for widgets: ``context.op(parent, work).success(cb).failure(cb).run()``.

``work`` is a coroutine function; it runs on the app's network thread. Its result or
error comes back to the Qt thread by a queued signal, where the callbacks run, unless
the parent widget was deleted meanwhile (the user closed that window and no longer
wants to hear about it). Failures go to the app's one message bridge unless the caller
handles them, as plain sentences: GameHubError messages are written for people;
anything else is a bug, logged with its traceback and reported without one.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from gamehub_qt.base.message import Messages
from gamehub_qt.base.netloop import NetLoop
from hub_core.errors import GameHubError

log = logging.getLogger(__name__)

Work = Callable[[], Coroutine[Any, Any, Any]]


class _Bridge(QObject):
    finished = Signal(object)  # the concurrent.futures.Future


class OpRunner:
    """What every HubOp of one app needs: its network loop and its message bridge."""

    def __init__(self, net: NetLoop, messages: Messages) -> None:
        self.net = net
        self.messages = messages
        self._running: set[HubOp] = set()

    def keep(self, op: HubOp) -> None:
        self._running.add(op)

    def forget(self, op: HubOp) -> None:
        self._running.discard(op)


class HubOp:
    """One operation; configure with the chained methods, then ``run()``."""

    def __init__(self, runner: OpRunner, parent: QWidget | None, work: Work) -> None:
        self.runner = runner
        self.parent = parent
        self.work = work
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[Exception], None] | None = None
        self._busy: Callable[[bool], None] | None = None
        self._bridge = _Bridge()
        self.future: concurrent.futures.Future[Any] | None = None

    def success(self, callback: Callable[[Any], None]) -> HubOp:
        self._success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> HubOp:
        self._failure = callback
        return self

    def busy(self, callback: Callable[[bool], None]) -> HubOp:
        """Called with True when the work starts and False when it ends (spinners, buttons)."""
        self._busy = callback
        return self

    def run(self) -> HubOp:
        runner = self.runner
        runner.keep(self)
        if self._busy:
            self._busy(True)
        # Queued even when the work is done before run() returns: callbacks never run
        # inside run(), so callers may set up state after starting the operation.
        self._bridge.finished.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.future = runner.net.submit(self.work())
        self.future.add_done_callback(self._bridge.finished.emit)
        return self

    def cancel(self) -> None:
        if self.future is not None:
            self.future.cancel()

    def _done(self, future: concurrent.futures.Future[Any]) -> None:
        runner = self.runner
        runner.forget(self)
        if self.parent is not None and not shiboken6.isValid(self.parent):
            return  # its window was closed: nobody is waiting for the answer
        if self._busy:
            self._busy(False)
        if future.cancelled():
            return
        error = future.exception()
        if error is None:
            if self._success:
                self._success(future.result())
            return
        if not isinstance(error, GameHubError):
            log.error("Operation failed", exc_info=error)
            error = GameHubError(f"Something went wrong ({type(error).__name__}); it was logged.")
        if self._failure is not None and isinstance(error, Exception):
            self._failure(error)
        else:
            runner.messages.error(str(error))
