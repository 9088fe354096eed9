"""How many batches each uploader may keep in flight: the hub's memory bound for uploads.

A batch in flight sits in the hub's memory (ZeroMQ's queue, then the decoded request)
until it is written. Each developer's app would keep several moving to keep its link
busy; twenty at once held ~240 MB on the hub. So the hub grants the window: all uploads
that sent a batch recently share UPLOAD_BUDGET, and each is told its share (at least
one batch, at most MAX_WINDOW) in every reply. A lone uploader keeps the full window.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hub_core.wire.protocol import BATCH_BYTES

# Bytes of upload batches all developers together may have in flight.
UPLOAD_BUDGET = 24 * 1024 * 1024
# Batches one uploader may have in flight at most (what it asks for when alone).
MAX_WINDOW = 6
# An upload that sent nothing for this long no longer takes a share.
ACTIVE_SECONDS = 2.0


class UploadWindow:
    """The grants; ``grant`` runs on the hub's loop for every upload request."""

    def __init__(
        self,
        budget: int = UPLOAD_BUDGET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._budget = budget
        self._clock = clock
        self._seen: dict[str, float] = {}  # transfer -> when it last asked

    def grant(self, transfer: str) -> int:
        """The window for ``transfer`` now, counting it as active."""
        now = self._clock()
        self._seen[transfer] = now
        if len(self._seen) > 1:
            self._seen = {t: at for t, at in self._seen.items() if now - at < ACTIVE_SECONDS}
        share = self._budget // (BATCH_BYTES * len(self._seen))
        return max(1, min(MAX_WINDOW, share))

    def forget(self, transfer: str) -> None:
        """The upload committed or was dropped: its share goes back at once."""
        self._seen.pop(transfer, None)
