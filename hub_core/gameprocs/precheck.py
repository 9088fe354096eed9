"""The pre-publish check: a game's server and one client, run here before any upload.

What players would meet first, found before they meet it: the server starts from a copy
of exactly the files publishing would upload, through ``start_server`` (the hub's
environment, limits, sandbox and ready timeout: there is no second launcher), and one
client starts as a player's app starts it (``ClientProcess``: pipes, its own process
group, the contract's environment), with no window (QT_QPA_PLATFORM=offscreen). A client
that stays up for CLIENT_SETTLE seconds passes; then both are stopped. The one
deliberate difference from a hub: the server listens on 127.0.0.1, so the check never
opens a port to the LAN.

The result is a ``PrecheckReport``: what was found (``Finding``) with its numbers and the
last output lines, so the CLI prints ``sentence()`` and the app words it in its own
language from the same fields.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from hub_core.gameprocs import (
    GameServer,
    GameStartError,
    ProcessLimits,
    ServerExit,
    ServerSpec,
    game_command,
    start_server,
)
from hub_core.gameprocs._findings import CheckStep, Finding, PrecheckReport
from hub_core.gameprocs.clients import ClientProcess, local_client_env
from hub_core.packages import Limits, Manifest, PackageError, extract_zip, load_package
from hub_core.packages.imports import MissingImport, missing_imports
from hub_core.packages.requires import merged
from hub_core.packages.resolve import resolve
from hub_core.packages.wheelfiles import install_wheels
from hub_core.packages.wheels import pick
from hub_core.run_script import libs_env
from hub_core.server.lobby.callback import GameFinished, LobbyCallback

__all__ = ["CLIENT_SETTLE", "CheckStep", "Finding", "PrecheckReport", "run_precheck", "stage"]

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
READY_TIMEOUT = 10.0  # the hub's own (HubConfig.ready_timeout)
CLIENT_SETTLE = 3.0  # a client still running after this long has started well
STOP_GRACE = 2.0
LAST_LINES = 10
OUTPUT_KEPT = 16 * 1024  # characters of the client's output kept for its last lines
PLAYER = "tester1"
LOCAL_VERSION = "0.0.0"  # nothing is published yet; games only pass GAME_VERSION along
# No window may stay behind: Qt games draw offscreen, SDL (pygame) games to nothing.
HEADLESS_ENV = {"QT_QPA_PLATFORM": "offscreen", "SDL_VIDEODRIVER": "dummy"}


OnStep = Callable[[CheckStep], None]


async def run_precheck(
    source: Path,
    *,
    work_dir: Path,
    version: str = LOCAL_VERSION,
    limits: ProcessLimits | None = None,
    package_limits: Limits | None = None,
    ready_timeout: float = READY_TIMEOUT,
    settle: float = CLIENT_SETTLE,
    on_step: OnStep | None = None,
    requires: Sequence[str] = (),
    wheels_dir: Path | None = None,
) -> PrecheckReport:
    """Runs the check on a package folder or zip; never leaves a process or file behind.

    ``work_dir`` holds the scratch folder while the check runs (the app's or the CLI's
    cache). Cancelling the coroutine stops everything it started. ``requires`` adds to
    the manifest's own; the game's libraries come from ``wheels_dir`` (else pip) and
    are installed in the scratch folder, as a player's install would.
    """
    step = on_step or (lambda _step: None)
    scratch = await asyncio.to_thread(_scratch, work_dir)
    try:
        step(CheckStep.STAGING)
        try:
            folder, manifest = await asyncio.to_thread(
                stage, source, package_limits or Limits(), scratch
            )
            needs = merged(manifest.requires, requires)
            missing = await asyncio.to_thread(_missing, folder, needs, wheels_dir)
            if missing:
                detail = " ".join(m.sentence() for m in missing)
                return PrecheckReport(
                    Finding.MISSING_IMPORTS, manifest.name, detail=detail, missing=tuple(missing)
                )
            libs = await asyncio.to_thread(_libs, needs, wheels_dir, scratch, package_limits)
        except PackageError as exc:
            return PrecheckReport(Finding.PACKAGE, detail=" ".join(exc.messages))
        run = _Run(folder, manifest, scratch, version, limits, step, libs)
        return _as_source(await run.check(ready_timeout, settle), folder, Path(source))
    finally:
        await asyncio.to_thread(shutil.rmtree, scratch, True)


def _missing(folder: Path, requires: list[str], wheels_dir: Path | None) -> list[MissingImport]:
    paths = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    wheels = sorted(wheels_dir.glob("*.whl")) if wheels_dir is not None else []
    return missing_imports(folder, paths, requires, wheels)


def _libs(
    requires: list[str], wheels_dir: Path | None, scratch: Path, limits: Limits | None
) -> Path | None:
    """The game's libraries for this machine, installed as a player's app installs them."""
    if not requires:
        return None
    found = resolve(requires, scratch, wheels_dir=wheels_dir, limits=limits)
    chosen = pick(found.deps)
    target = scratch / "libs"
    install_wheels([found.files[w.path] for w in chosen], target, limits or Limits())
    return target


def _scratch(work_dir: Path) -> Path:
    work_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="precheck-", dir=work_dir))


def stage(source: Path, limits: Limits, scratch: Path) -> tuple[Path, Manifest]:
    """Copies what publishing would upload (its file index) into ``scratch/package``.

    A hub unpacks exactly those files, so a game that needs a skipped one (a .git
    folder, __pycache__) fails here as it would there. A zip is told apart as
    publishing tells it (hub_core.client.publishing.survey), so refusals read the same.
    Blocking: run it in a thread.
    """
    folder = Path(source)
    if folder.is_file() and (folder.suffix.lower() == ".zip" or zipfile.is_zipfile(folder)):
        folder = scratch / "unzipped"
        extract_zip(Path(source), folder, limits)
    elif not folder.is_dir():
        raise PackageError(f"{source} is neither a game folder nor a zip of one.")
    manifest, index = load_package(folder, limits)
    target = scratch / "package"
    for entry in index:
        path = target / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / entry.path, path)  # contents only, as the hub writes them
    target.mkdir(exist_ok=True)
    return target, manifest


class _Run:
    """One check's processes; ``check`` starts them in order and stops them all at its end."""

    def __init__(
        self,
        folder: Path,
        manifest: Manifest,
        scratch: Path,
        version: str,
        limits: ProcessLimits | None,
        step: OnStep,
        libs: Path | None = None,
    ) -> None:
        self.libs = libs
        self.folder = folder
        self.manifest = manifest
        self.scratch = scratch
        self.version = version
        self.limits = limits or ProcessLimits()
        self.step = step
        self.room_id = f"precheck-{secrets.token_hex(3)}"  # two checks at once never collide
        self.server: GameServer | None = None
        self.client: ClientProcess | None = None
        self.output = ""  # the client's, at most OUTPUT_KEPT characters
        self.ready_after = 0.0
        self.callback = LobbyCallback(self._finished, host=HOST)

    async def check(self, ready_timeout: float, settle: float) -> PrecheckReport:
        try:
            lobby_port = await self.callback.start()
            report = await self._server(lobby_port, ready_timeout)
            if report is None:
                report = await self._client(settle)
            return report
        finally:
            self.step(CheckStep.STOPPING)
            await self._stop()

    async def _server(self, lobby_port: int, ready_timeout: float) -> PrecheckReport | None:
        self.step(CheckStep.STARTING_SERVER)
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            self.server = await start_server(
                self._spec(lobby_port),
                limits=self.limits,
                ready_timeout=ready_timeout,
                state_dir=self.scratch / "state",
            )
        except GameStartError as exc:
            return self._start_failed(exc, ready_timeout)
        self.ready_after = loop.time() - began
        return None

    def _start_failed(self, exc: GameStartError, ready_timeout: float) -> PrecheckReport:
        game, lines = self.manifest.name, tuple(exc.last_lines)
        if exc.late is not None:
            return PrecheckReport(
                Finding.SERVER_NOT_LISTENING, game, timeout=exc.late, last_lines=lines
            )
        if exc.ended is not None:
            return _ended(Finding.SERVER_EXITED, game, exc.ended)
        return PrecheckReport(Finding.SERVER_START, game, detail=str(exc), timeout=ready_timeout)

    def _spec(self, lobby_port: int) -> ServerSpec:
        return ServerSpec(
            room_id=self.room_id,
            game=self.manifest.name,
            version=self.version,
            package_dir=self.folder,
            entry=self.manifest.entry_server,
            players=[PLAYER],  # a new room holds its owner only, as on the hub
            bind_host=HOST,
            lobby_host=HOST,
            lobby_connect_host=HOST,
            lobby_port=lobby_port,
            log_path=self.scratch / "server.log",
            libs_dir=self.libs,
        )

    async def _client(self, settle: float) -> PrecheckReport:
        assert self.server is not None
        self.step(CheckStep.RUNNING_CLIENT)
        game = self.manifest.name
        script = self.folder / self.manifest.entry_client
        env = local_client_env(
            port=self.server.port,
            room_id=self.room_id,
            game=game,
            version=self.version,
            player=PLAYER,
        )
        try:
            self.client = await ClientProcess.start(
                PLAYER,
                game_command(script),
                self.folder,
                env | HEADLESS_ENV | libs_env(self.libs),
                self._text,
                _quiet,
            )
        except OSError as exc:
            return PrecheckReport(Finding.CLIENT_START, game, detail=f"{exc.strerror or exc}.")
        return await self._watch(self.server, self.client, settle)

    async def _watch(
        self, server: GameServer, client: ClientProcess, settle: float
    ) -> PrecheckReport:
        """Whichever ends first within ``settle`` seconds is the finding; none ending passes."""
        client_end = asyncio.ensure_future(client.proc.wait())
        server_end = asyncio.ensure_future(server.wait())
        try:
            await asyncio.wait(
                {client_end, server_end}, timeout=settle, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            client_end.cancel()
            server_end.cancel()
        game = self.manifest.name
        if server.exited:  # also when the client went because the server did
            return _ended(Finding.SERVER_DIED, game, await server.wait())
        if client.proc.returncode is not None:
            await client.stop(grace=STOP_GRACE)  # returns once its output is read
            return self._client_exited(client.proc.returncode, settle)
        return PrecheckReport(
            Finding.PASSED, game, settle=settle, ready_after=round(self.ready_after, 3)
        )

    def _client_exited(self, code: int, settle: float) -> PrecheckReport:
        lines = [line.rstrip() for line in self.output.splitlines() if line.strip()]
        ended = ServerExit.from_status(code, lines[-LAST_LINES:], None)
        return PrecheckReport(
            Finding.CLIENT_EXITED,
            self.manifest.name,
            exit_code=ended.returncode,
            signal_name=ended.signal_name or "",
            settle=settle,
            last_lines=tuple(ended.last_lines),
        )

    def _text(self, _who: str, text: str) -> None:
        self.output = (self.output + text)[-OUTPUT_KEPT:]

    async def _stop(self) -> None:
        """The client first (it talks to the server), then the server's room, then the port."""
        if self.client is not None:
            await self.client.stop(grace=STOP_GRACE)
        if self.server is not None:
            await self.server.stop(grace=STOP_GRACE)
        await self.callback.stop()

    async def _finished(self, report: GameFinished) -> tuple[bool, str]:
        """A game may report its end even in a smoke test; it is answered as a hub would."""
        log.info("The checked game reported its end: %s", report.results)
        return True, "The pre-publish check noted the end of the game."


def _ended(finding: Finding, game: str, ended: ServerExit) -> PrecheckReport:
    return PrecheckReport(
        finding,
        game,
        exit_code=ended.returncode,
        signal_name=ended.signal_name or "",
        reason=ended.reason or "",
        last_lines=tuple(ended.last_lines),
    )


def _as_source(report: PrecheckReport, staged: Path, source: Path) -> PrecheckReport:
    """Tracebacks name the developer's own files, not the scratch copy they never saw."""
    if not report.last_lines:
        return report
    shown = str(source if source.is_dir() else source.name)
    lines = tuple(line.replace(str(staged), shown) for line in report.last_lines)
    return dataclasses.replace(report, last_lines=lines)


def _quiet(_who: str, _code: int) -> None:
    """The client's exit is read from its process, not from this callback."""
