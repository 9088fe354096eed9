"""Installing, updating and repairing games from the Player tab, one job at a time.

hub_core.client.installs does the work on the network thread; this object relays its progress
to the Qt thread and remembers which job is current, so a progress report that arrives
after a cancel is ignored. A cancelled install leaves the installed version as it was
(hub_core swaps a new version in only once it is complete and verified).

    idle       : no job; the bars are hidden
    installing : fetching and verifying; progress reports arrive; Cancel stops it

Progress reaches the Qt thread at most every PROGRESS_EVERY_S, however small the blocks:
the bar moves smoothly and the window never spends the install's time repainting. An
install's result comes back with the new install record, read on the network thread,
so the screens say "Installed" at once instead of after another trip to re-read it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import Any

from PySide6.QtCore import QObject, Signal

from gamehub_qt.base.ops import HubOp
from gamehub_qt.player.common import need_client
from gamehub_qt.player.state import PlayerState
from hub_core.client.installs import Installed, InstallResult, install, read_installed, repair
from hub_core.util.units import format_bytes

AfterInstall = Callable[[InstallResult], None]
# At most this often a progress report crosses to the Qt thread (20 repaints a second).
PROGRESS_EVERY_S = 0.05


@dataclass(frozen=True)
class _Done:
    """A finished install and the game's install record as it left it."""

    result: InstallResult
    record: Installed | None


class Installer(QObject):
    """Runs one install or repair at a time and reports on it by signal."""

    started = Signal(str)  # what is happening, as a sentence
    progress = Signal(object, object)  # bytes done, bytes total
    ended = Signal(str, bool)  # what happened, and whether it worked
    _raw = Signal(int, object, object)  # job number, done, total (from the network thread)

    def __init__(self, state: PlayerState) -> None:
        super().__init__()
        self.state = state
        self.name = ""
        self._job = 0
        self._op: HubOp | None = None
        self._raw.connect(self._on_raw)

    @property
    def busy(self) -> bool:
        return self._op is not None

    def install(
        self, name: str, version: str | None = None, then: AfterInstall | None = None
    ) -> None:
        """Installs or updates ``name`` (to ``version``, a room's, if given)."""
        shown = self.state.display_name(name)
        root = self.state.games_root()
        report = self._reporter()

        async def work() -> _Done:
            client = need_client(self.state.context)
            result = await install(client, name, root, progress=report, version=version)
            return _Done(result, await asyncio.to_thread(read_installed, root, name))

        if version:
            what = self.tr("Installing {0} {1}…").format(shown, version)
        else:
            what = self.tr("Installing {0}…").format(shown)
        self._run(name, what, work, lambda r: self._installed(r, then))

    def repair(self, name: str) -> None:
        """Re-checks every file of an installed game and fetches what is wrong."""
        root = self.state.games_root()
        report = self._reporter()

        async def work() -> list[str]:
            return await repair(need_client(self.state.context), root, name, progress=report)

        what = self.tr("Checking and repairing {0}…").format(self.state.display_name(name))
        self._run(name, what, work, self._repaired)

    def cancel(self) -> None:
        """Stops the job; the installed version (if any) stays as it was."""
        if self._op is None:
            return
        self._op.cancel()
        self._op = None
        have = self.state.installed.get(self.name)
        shown = self.state.display_name(self.name)
        if have is not None:
            text = self.tr("Cancelled: {0} {1} stays installed.").format(shown, have.version)
        else:
            text = self.tr("Cancelled: {0} was not installed.").format(shown)
        self.ended.emit(text, False)

    # -- helpers ---------------------------------------------------------------------

    def _reporter(self) -> Callable[[int, int], None]:
        """Relays progress from the network thread, the first and last report always."""
        job = self._job + 1
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = monotonic()
            if 0 < done < total and now - last[0] < PROGRESS_EVERY_S:
                return
            last[0] = now
            self._raw.emit(job, done, total)

        return report

    def _run(self, name: str, what: str, work: Any, ok: Callable[[Any], None]) -> None:
        if self._op is not None:
            self.state.context.messages.error(
                self.tr("Wait for {0} to finish first.").format(self.state.display_name(self.name))
            )
            return
        self._job += 1
        self.name = name
        job = self._job
        self._op = self.state.context.op(None, work).success(lambda r: self._finish(job, ok, r))
        self._op.failure(self.state.guard(lambda exc: self._failed(job, exc)))
        self.started.emit(what)
        self._op.run()

    def _finish(self, job: int, ok: Callable[[Any], None], result: Any) -> None:
        if job != self._job:
            return
        self._op = None
        if isinstance(result, _Done):
            self.state.note_installed(result.result.name, result.record)
        else:
            self.state.refresh_installed()
        ok(result)

    def _failed(self, job: int, exc: Exception) -> None:
        if job != self._job:
            return
        self._op = None
        self.ended.emit(str(exc), False)

    def _on_raw(self, job: int, done: int, total: int) -> None:
        if job == self._job and self._op is not None:
            self.progress.emit(done, total)

    def _installed(self, done: _Done, then: AfterInstall | None) -> None:
        result = done.result
        shown = self.state.display_name(result.name)
        if result.up_to_date:
            text = self.tr("{0} {1} is installed.").format(shown, result.version)
        else:
            text = self.tr("Installed {0} {1} ({2} fetched).").format(
                shown, result.version, format_bytes(result.fetched_bytes)
            )
        self.ended.emit(text, True)
        if then is not None:
            then(result)

    def _repaired(self, paths: list[str]) -> None:
        shown = self.state.display_name(self.name)
        if not paths:
            text = self.tr("{0}: every file is intact.").format(shown)
        else:
            text = self.tr("{0}: repaired {1} file(s).").format(shown, len(paths))
        self.ended.emit(text, True)
