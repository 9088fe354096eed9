"""`gamehub publish --check`, and the check plain `publish` runs first, as real CLI runs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hub_core.cli.test_cli import HostProcess, gamehub, host  # noqa: F401  (fixture)
from tests.hub_core.gamefactory import make_server_game

SAMPLES = Path(__file__).resolve().parents[3] / "sample_games"
TRACEBACK = "def load():\n    raise RuntimeError('no board configured')\nload()\n"
CLIENT_QUITS = "import sys\nprint('assets/tiles.png is missing', flush=True)\nsys.exit(2)\n"


def crashing_game(tmp_path: Path) -> Path:
    folder = make_server_game(tmp_path / "crashy", "crashy")
    (folder / "server.py").write_text(TRACEBACK, encoding="utf-8")
    return folder


def test_check_passes_a_sample_without_a_hub_or_login(tmp_path: Path) -> None:
    out = gamehub("publish", str(SAMPLES / "rps"), "--check", password=None, data=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("The server listened on GAME_PORT after ")
    assert "the server, as the hub runs it" in out.stderr  # progress, apart from the result


def test_check_names_a_server_that_exits(tmp_path: Path) -> None:
    out = gamehub("publish", str(crashing_game(tmp_path)), "--check", data=tmp_path)
    assert out.returncode == 1
    assert "The server exited with code 1 before it listened on GAME_PORT:" in out.stderr
    assert "    RuntimeError: no board configured" in out.stderr


def test_check_json_names_a_client_that_exits(tmp_path: Path) -> None:
    folder = make_server_game(tmp_path / "quits", "quits")
    (folder / "client.py").write_text(CLIENT_QUITS, encoding="utf-8")
    out = gamehub("publish", str(folder), "--check", "--json", data=tmp_path)
    assert out.returncode == 1
    result = json.loads(out.stdout)
    assert result["ok"] is False and result["finding"] == "client_exited"
    assert result["message"] == "The client exited with code 2 at once:"
    assert result["last_lines"] == ["assets/tiles.png is missing"]


def test_publish_needs_a_hub_unless_it_only_checks(tmp_path: Path) -> None:
    out = gamehub("publish", str(SAMPLES / "rps"), data=tmp_path)
    assert out.returncode == 2
    assert "publish needs --hub and --user" in out.stderr


def test_publish_runs_the_check_first_and_uploads_nothing_on_failure(
    host: HostProcess,  # noqa: F811
    tmp_path: Path,
) -> None:
    hub = ["--hub", host.endpoint, "--user", "dana"]
    gamehub("register", *hub[:2], "--role", "developer", "--user", "dana", data=tmp_path)
    game = crashing_game(tmp_path)

    refused = gamehub("publish", str(game), *hub, data=tmp_path)
    assert refused.returncode == 1
    assert "The server exited with code 1" in refused.stderr
    games = gamehub("games", *hub, "--role", "developer", "--json", data=tmp_path)
    assert json.loads(games.stdout) == []  # nothing reached the hub

    insisted = gamehub("publish", str(game), *hub, "--no-check", data=tmp_path)
    assert insisted.returncode == 0, insisted.stderr
    assert "Published crashy 1.0.0" in insisted.stdout

    published = gamehub("publish", str(SAMPLES / "rps"), *hub, "--json", data=tmp_path)
    assert published.returncode == 0, published.stderr
    assert json.loads(published.stdout)["name"] == "rps"
