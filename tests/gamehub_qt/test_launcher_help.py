"""`gamehub --version` prints the version; `gamehub --help` (and so `scripts/run --help`)
lists the commands and the app's own options. Both run as real processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hub_core._version import VERSION

ROOT = Path(__file__).resolve().parents[2]


def gamehub(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from gamehub_qt.launcher import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_version_prints_the_version_without_opening_the_app() -> None:
    done = gamehub("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"gamehub {VERSION}"


def test_help_lists_the_commands_and_the_app_options() -> None:
    done = gamehub("--help")
    assert done.returncode == 0, done.stderr
    shown = done.stdout
    assert "app options" in shown
    for option in ("--host", "--hub HOST:PORT", "--data DIR", "--version"):
        assert option in shown
    for command in ("host", "publish", "play"):
        assert f"    {command}" in shown
