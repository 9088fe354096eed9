"""The pre-publish check on real child processes: small bad games in tmp folders, and the samples.

Each test marks the processes it starts with an environment variable (inherited by the
server and the client, as the contract's environment copies the app's), so it can see
that nothing the check started is still running when it returns.
"""

from __future__ import annotations

import secrets
import zipfile
from pathlib import Path

import pytest

from hub_core.gameprocs import _os as osx
from hub_core.gameprocs.precheck import CheckStep, Finding, PrecheckReport, run_precheck
from tests.hub_core.gamefactory import IDLE_CLIENT, IDLE_SERVER, make_game
from tests.stress.conftest import processes_with_env

SAMPLES = Path(__file__).resolve().parents[3] / "sample_games"

NEVER_LISTENS = "import time\nprint('loading the board', flush=True)\ntime.sleep(60)\n"
TRACEBACK = "def load():\n    raise RuntimeError('no board configured')\nload()\n"
CLIENT_QUITS = "import sys\nprint('assets/tiles.png is missing', flush=True)\nsys.exit(2)\n"
# Accepts one client, then dies: the room would close under its players.
DIES_WITH_CLIENT = r"""
import os, socket, sys
srv = socket.create_server((os.environ["GAME_HOST"], int(os.environ["GAME_PORT"])))
srv.accept()  # the hub's readiness probe
srv.accept()  # the client
print("KeyError: 'seat2'", flush=True)
sys.exit(4)
"""


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> str:
    """An environment entry every process of this test carries."""
    value = secrets.token_hex(6)
    monkeypatch.setenv("PRECHECK_TEST", value)
    return f"PRECHECK_TEST={value}"


def game(tmp_path: Path, *, server: str = IDLE_SERVER, client: str = IDLE_CLIENT) -> Path:
    folder = make_game(tmp_path / "game", "checked")
    (folder / "server.py").write_text(server, encoding="utf-8")
    (folder / "client.py").write_text(client, encoding="utf-8")
    return folder


async def check(source: Path, tmp_path: Path, marker: str, **options: float) -> PrecheckReport:
    steps: list[CheckStep] = []
    report = await run_precheck(source, work_dir=tmp_path / "work", on_step=steps.append, **options)
    assert steps[0] is CheckStep.STAGING
    if osx.HAS_PROC:
        assert processes_with_env(marker) == [], "the check left a game process running"
    assert list((tmp_path / "work").iterdir()) == [], "the check left its scratch folder"
    return report


async def test_a_server_that_never_listens_is_named(tmp_path: Path, marker: str) -> None:
    report = await check(game(tmp_path, server=NEVER_LISTENS), tmp_path, marker, ready_timeout=1.5)
    assert report.finding is Finding.SERVER_NOT_LISTENING
    assert report.sentence() == "The server did not listen on GAME_PORT within 1.5 s:"
    assert report.last_lines == ("loading the board",)


async def test_a_server_that_exits_shows_its_traceback(tmp_path: Path, marker: str) -> None:
    report = await check(game(tmp_path, server=TRACEBACK), tmp_path, marker)
    assert report.finding is Finding.SERVER_EXITED
    assert report.exit_code == 1
    assert report.sentence() == "The server exited with code 1 before it listened on GAME_PORT:"
    assert report.last_lines[-1] == "RuntimeError: no board configured"
    assert any("Traceback" in line for line in report.last_lines)
    here = str(tmp_path / "game" / "server.py")  # the developer's file, not the scratch copy
    assert f'  File "{here}", line 3, in <module>' in report.last_lines


async def test_a_client_that_exits_at_once_is_named(tmp_path: Path, marker: str) -> None:
    report = await check(game(tmp_path, client=CLIENT_QUITS), tmp_path, marker)
    assert report.finding is Finding.CLIENT_EXITED
    assert report.sentence() == "The client exited with code 2 at once:"
    assert report.last_lines == ("assets/tiles.png is missing",)
    assert report.lines()[1] == "    assets/tiles.png is missing"


async def test_a_server_that_dies_under_its_client_is_named(tmp_path: Path, marker: str) -> None:
    report = await check(game(tmp_path, server=DIES_WITH_CLIENT), tmp_path, marker)
    assert report.finding is Finding.SERVER_DIED
    assert report.sentence() == "The server exited with code 4 while a client was connected:"
    assert report.last_lines == ("KeyError: 'seat2'",)


async def test_a_good_game_passes_and_nothing_stays(tmp_path: Path, marker: str) -> None:
    report = await check(game(tmp_path), tmp_path, marker, settle=1.0)
    assert report.ok, report.lines()
    assert report.sentence().startswith("The server listened on GAME_PORT after ")


@pytest.mark.parametrize("name", ["rps", "tetris", "dots"])
async def test_the_sample_games_pass(tmp_path: Path, marker: str, name: str) -> None:
    """GUI samples included: their clients draw offscreen, so no window opens."""
    report = await check(SAMPLES / name, tmp_path, marker)
    assert report.ok, report.lines()


async def test_a_zip_is_checked_as_the_hub_would_unpack_it(tmp_path: Path, marker: str) -> None:
    archive = tmp_path / "rps.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((SAMPLES / "rps").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(SAMPLES / "rps").as_posix())
    report = await check(archive, tmp_path, marker)
    assert report.ok, report.lines()


async def test_the_server_runs_only_the_files_publishing_uploads(
    tmp_path: Path, marker: str
) -> None:
    """A module in a folder publishing skips (.git) is missing on the hub, and here too."""
    uses_git = "import sys\nsys.path.insert(0, '.git')\nimport helper\n"
    folder = game(tmp_path, server=uses_git + IDLE_SERVER)
    (folder / ".git").mkdir()
    (folder / ".git" / "helper.py").write_text("", encoding="utf-8")
    report = await check(folder, tmp_path, marker)
    # The import scan reads only the uploaded files, so it finds helper missing before a run.
    assert report.finding is Finding.MISSING_IMPORTS
    assert report.sentence().startswith("server.py imports helper, which players will not have")
    (folder / "lib").mkdir()  # in a folder that is uploaded, the game's own module is fine
    (folder / "lib" / "helper.py").write_text("", encoding="utf-8")
    (folder / "server.py").write_text(uses_git.replace(".git", "lib") + IDLE_SERVER, "utf-8")
    assert (await check(folder, tmp_path, marker)).finding is not Finding.MISSING_IMPORTS


async def test_a_broken_package_is_refused_before_anything_runs(
    tmp_path: Path, marker: str
) -> None:
    folder = game(tmp_path)
    (folder / "manifest.json").write_text("{", encoding="utf-8")
    report = await check(folder, tmp_path, marker)
    assert report.finding is Finding.PACKAGE
    assert report.sentence().startswith("The package cannot be run: ")
