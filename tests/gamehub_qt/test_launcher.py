"""The `gamehub` executable: hub_core's CLI for a command (no command opens the app:
test_shell), `run-script` without asyncio or ZeroMQ; hub_core never imports the app."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from gamehub_qt import app, launcher
from hub_core.gameprocs import server_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Stands in for the window: records what the launcher would open the app with."""
    calls: list[list[str]] = []
    monkeypatch.setattr(app, "run_app", lambda argv: calls.append(list(argv)) or 0)
    return calls


@pytest.mark.parametrize(("argv", "code"), [(["host", "--help"], 0), (["nonsense"], 2)])
def test_a_command_goes_to_the_cli(
    app_calls: list[list[str]], argv: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        launcher.main(argv)
    assert info.value.code == code
    shown = capsys.readouterr()
    assert "usage: gamehub" in shown.out + shown.err
    assert app_calls == []


# What a game's start through `gamehub run-script` (and `--version`) must not pay for.
HEAVY = ("asyncio", "zmq", "PySide6", "hub_core.cli", "argparse", "typing", "runpy")


def test_run_script_loads_neither_asyncio_nor_zmq_nor_qt(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(heavy, sys.argv[1:])\n"
        "sys.exit(7)\n"
    )
    code = "import sys; from gamehub_qt.launcher import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "run-script", str(script), "a", "b"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 7, done.stderr
    assert done.stdout.strip() == "[] ['a', 'b']"


def test_run_script_runs_the_file_as_python_does(tmp_path: Path) -> None:
    """__main__ is the script (pickle finds its classes), a coding declaration holds, and a
    traceback shows the script's line."""
    script = tmp_path / "game.py"
    script.write_bytes(
        "# -*- coding: latin-1 -*-\n"
        "import pickle, sys\n"
        "class Move: pass\n"
        "copy = pickle.loads(pickle.dumps(Move()))\n"
        "print(__name__, __file__ == sys.argv[0], type(copy).__name__)\n"
        "print('caf\u00e9')\n"
        "raise ValueError('boom')\n".encode("latin-1")
    )
    code = "import sys; from gamehub_qt.launcher import main; sys.exit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "run-script", str(script)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert done.stdout.splitlines() == ["__main__ True Move", "caf\u00e9"]
    assert done.returncode == 1
    assert f'File "{script}", line 7' in done.stderr and "raise ValueError" in done.stderr


@pytest.mark.parametrize(
    ("last_line", "code", "stderr"),
    [
        ("sys.exit('This server needs a missing module.')", 1,
         "This server needs a missing module.\n"),
        ("raise ValueError('boom')", 1,
         "Traceback (most recent call last):\n"
         '  File "{script}", line 2, in <module>\n'
         "    raise ValueError('boom')\n"
         "ValueError: boom\n"),
    ],
)  # fmt: skip
def test_run_script_ends_as_python_does(
    tmp_path: Path, last_line: str, code: int, stderr: str
) -> None:
    """What a game says as it ends reaches its log whole: sys.exit's message, and a
    traceback that starts at the game's own line (as python shows it, no run_script)."""
    script = tmp_path / "game.py"
    script.write_text(f"import sys\n{last_line}\n")
    boot = "import sys; from gamehub_qt.launcher import main; sys.exit(main())"
    for command in ([sys.executable, "-c", boot, "run-script"], server_command(script)[:-1]):
        done = subprocess.run(
            [*command, str(script)], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
        assert (done.returncode, done.stderr) == (code, stderr.format(script=script))


def test_version_is_printed_without_loading_the_cli() -> None:
    code = (
        "import sys; from gamehub_qt.launcher import main; code = main(['--version']); "
        f"print([m for m in {HEAVY!r} if m in sys.modules]); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    from hub_core._version import VERSION

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"gamehub {VERSION}", "[]"]


def test_hub_core_never_imports_the_app() -> None:
    offenders = []
    for path in sorted((ROOT / "hub_core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.split(".")[0] == "gamehub_qt" for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
