"""What a pre-publish check is doing (CheckStep) and what it found (PrecheckReport).

Kept apart from the runner (``precheck``) so the CLI and the app read findings without
the process plumbing; import them from ``hub_core.gameprocs.precheck``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hub_core.packages.imports import MissingImport


class CheckStep(StrEnum):
    """Where a pre-publish check is; ``on_step`` hears each one as it begins."""

    # the package is read as publishing reads it (a zip is unpacked) and the files it
    # would upload are copied to a scratch folder: the server runs from exactly those
    STAGING = "staging"
    # start_server runs the server from that copy as a hub does and waits up to
    # READY_TIMEOUT seconds for it to accept a connection on GAME_PORT
    STARTING_SERVER = "starting_server"
    # one client runs as a player's app runs it, headless; it must stay up CLIENT_SETTLE s
    RUNNING_CLIENT = "running_client"
    # the client's group, the server's whole room and the game_finished listener are
    # stopped; the scratch folder goes
    STOPPING = "stopping"


class Finding(StrEnum):
    """What the check found: PASSED, or the first thing that went wrong."""

    PASSED = "passed"
    PACKAGE = "package"  # the package itself is refused (manifest, paths, limits)
    SERVER_START = "server_start"  # the server could not even be started
    SERVER_NOT_LISTENING = "server_not_listening"
    SERVER_EXITED = "server_exited"  # during start, before it listened
    CLIENT_START = "client_start"  # the client could not be started
    CLIENT_EXITED = "client_exited"  # within CLIENT_SETTLE seconds
    SERVER_DIED = "server_died"  # after it listened, while the client ran
    MISSING_IMPORTS = "missing_imports"  # it imports what players will not have (detail)


@dataclass(frozen=True)
class PrecheckReport:
    """The outcome; ``detail`` is a refusal's own sentence, ``last_lines`` the culprit's."""

    finding: Finding
    game: str = ""
    exit_code: int | None = None  # of the process that ended (None: a signal ended it)
    signal_name: str = ""
    reason: str = ""  # when the hub's watchdog ended the server: a phrase after "The server"
    timeout: float = 0.0  # the ready timeout (SERVER_NOT_LISTENING)
    settle: float = 0.0  # how long the client had to stay up
    ready_after: float = 0.0  # seconds from the server's start to its first connection
    detail: str = ""
    last_lines: tuple[str, ...] = ()
    missing: tuple[MissingImport, ...] = ()  # MISSING_IMPORTS: what, so the app words it

    @property
    def ok(self) -> bool:
        return self.finding is Finding.PASSED

    def ended_text(self) -> str:
        """'exited with code 1' or 'was killed by SIGKILL'."""
        if self.reason:
            return self.reason
        if self.signal_name:
            return f"was killed by {self.signal_name}"
        return f"exited with code {self.exit_code}"

    def sentence(self) -> str:
        """The finding as one English sentence (the CLI's; the app words its own)."""
        end = ":" if self.last_lines else "."
        match self.finding:
            case Finding.PASSED:
                return (
                    f"The server listened on GAME_PORT after {self.ready_after:.1f} s and a "
                    f"client stayed connected for {self.settle:g} s: the game starts as it "
                    "will on the hub."
                )
            case Finding.PACKAGE:
                return f"The package cannot be run: {self.detail}"
            case Finding.SERVER_START:
                return f"The server could not start: {self.detail}"
            case Finding.SERVER_NOT_LISTENING:
                return f"The server did not listen on GAME_PORT within {self.timeout:g} s{end}"
            case Finding.SERVER_EXITED:
                return f"The server {self.ended_text()} before it listened on GAME_PORT{end}"
            case Finding.CLIENT_START:
                return f"The client could not start: {self.detail}"
            case Finding.CLIENT_EXITED:
                return f"The client {self.ended_text()} at once{end}"
            case Finding.SERVER_DIED:
                return f"The server {self.ended_text()} while a client was connected{end}"
            case Finding.MISSING_IMPORTS:
                return self.detail
        raise AssertionError(self.finding)

    def lines(self) -> list[str]:
        """The sentence, then the last output lines indented (what the CLI prints)."""
        return [self.sentence(), *(f"    {line}" for line in self.last_lines)]
