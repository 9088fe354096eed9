"""The store from the command line against `gamehub host`: publish, games, install, remove."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.hub_core.cli.test_cli import HostProcess, gamehub, host  # noqa: F401  (fixture)
from tests.hub_core.gamefactory import make_game, random_bytes


def test_store_round_trip(host: HostProcess, tmp_path: Path) -> None:  # noqa: F811
    dev_data, player_data = tmp_path / "dev", tmp_path / "player"
    hub = ["--hub", host.endpoint]
    assert (
        gamehub("register", *hub, "--role", "developer", "--user", "dana", data=dev_data).returncode
        == 0
    )
    assert (
        gamehub("register", *hub, "--role", "player", "--user", "pat", data=player_data).returncode
        == 0
    )
    game = make_game(tmp_path / "rps", files={"big.bin": random_bytes(1_500_000)})

    out = gamehub("publish", str(game), *hub, "--user", "dana", "--no-check", data=dev_data)
    assert out.returncode == 0, out.stderr
    assert "Published rps 1.0.0" in out.stdout
    assert "Uploading: 100%" in out.stderr  # plain progress lines when not a terminal

    games = gamehub("games", *hub, "--user", "pat", "--json", data=player_data)
    assert [g["name"] for g in json.loads(games.stdout)] == ["rps"]
    listing = gamehub("games", *hub, "--user", "pat", data=player_data)
    assert "RPS" in listing.stdout and "1.0.0" in listing.stdout

    inst = gamehub("install", "rps", *hub, "--user", "pat", "--json", data=player_data)
    assert inst.returncode == 0, inst.stderr
    assert json.loads(inst.stdout)["version"] == "1.0.0"
    installed = player_data / "client" / "games" / "pat" / "rps" / "v1.0.0"
    assert (installed / "big.bin").stat().st_size == 1_500_000

    (installed / "big.bin").write_bytes(b"oops")
    fixed = gamehub("install", "rps", *hub, "--user", "pat", "--repair", data=player_data)
    assert "Repaired 1 file(s) of rps: big.bin" in fixed.stdout
    assert (installed / "big.bin").stat().st_size == 1_500_000

    (game / "client.py").write_text("print('v2')\n")
    update = gamehub(
        "publish", str(game), *hub, "--user", "dana", "--json", "--no-check", data=dev_data
    )
    assert json.loads(update.stdout)["version"] == "1.0.1"
    assert json.loads(update.stdout)["sent_bytes"] < 100
    again = gamehub("install", "rps", *hub, "--user", "pat", data=player_data)
    assert "Updated rps 1.0.1" in again.stdout

    gone = gamehub("unpublish", "rps", *hub, "--user", "dana", data=dev_data)
    assert "Players who installed it keep it" in gone.stdout
    refused = gamehub("install", "rps", *hub, "--user", "pat", data=player_data)
    assert refused.returncode == 1
    assert "removed from the store" in refused.stderr
    mine = gamehub("games", *hub, "--user", "dana", "--role", "developer", "--json", data=dev_data)
    assert json.loads(mine.stdout)[0]["status"] == "removed"


def test_publish_zip_and_broken_packages(host: HostProcess, tmp_path: Path) -> None:  # noqa: F811
    hub = ["--hub", host.endpoint]
    gamehub("register", *hub, "--role", "developer", "--user", "dana", data=tmp_path)
    game = make_game(tmp_path / "tetris", name="tetris")
    archive = shutil.make_archive(
        str(tmp_path / "tetris"), "zip", root_dir=tmp_path, base_dir="tetris"
    )
    ok = gamehub(
        "publish",
        archive,
        *hub,
        "--user",
        "dana",
        "--version",
        "2.0.0",
        "--no-check",
        data=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Published tetris 2.0.0" in ok.stdout

    (game / "manifest.json").write_text(json.dumps({"name": "tetris", "type": "VR"}))
    bad = gamehub("publish", str(game), *hub, "--user", "dana", data=tmp_path)
    assert bad.returncode == 1
    assert "'type' must be CLI or GUI" in bad.stderr
    assert "missing" in bad.stderr

    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    result = gamehub("publish", str(not_zip), *hub, "--user", "dana", data=tmp_path)
    assert result.returncode == 1
    assert "not a zip" in result.stderr
