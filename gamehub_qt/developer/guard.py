"""HubOp for widgets that may be gone when the work ends (a dialog closed meanwhile).

A callback into a deleted Qt widget raises RuntimeError; this one skips it instead,
because the user closed the window and no longer wants to hear about that operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6

from gamehub_qt.ops import HubOp


class WidgetOp(HubOp):
    """A HubOp whose callbacks run only while its parent widget still exists."""

    def success(self, callback: Callable[[Any], None]) -> HubOp:
        return super().success(self._guard(callback))

    def failure(self, callback: Callable[[Exception], None]) -> HubOp:
        return super().failure(self._guard(callback))

    def busy(self, callback: Callable[[bool], None]) -> HubOp:
        return super().busy(self._guard(callback))

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if self.parent is None or shiboken6.isValid(self.parent):
                callback(value)

        return call
