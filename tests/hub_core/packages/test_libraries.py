"""A game's libraries: the manifest's requires, the import scan, wheel picking, hostile wheels."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.tags import Tag

from hub_core.packages import FileEntry, Limits, PackageError, parse_manifest
from hub_core.packages.imports import missing_imports
from hub_core.packages.requires import split_requirements
from hub_core.packages.resolve import from_folder, resolve
from hub_core.packages.wheelfiles import check_wheel, install_wheels
from hub_core.packages.wheels import Dep, NoFittingWheel, check_deps, fit, pick

BASE = {
    "name": "g", "display_name": "G", "type": "CLI", "max_players": 2,
    "entry_server": "s.py", "entry_client": "c.py", "description": "d",
}  # fmt: skip


@pytest.mark.parametrize(
    ("requires", "message"),
    [
        (["pygame>=2.5", "PyYAML"], None),
        ("pygame", "must be a list of requirement texts"),
        ([3], "must be a list of requirement texts"),
        (["pygame >= = 2"], "is not a PEP 508 requirement"),
        (["pygame @ https://example.org/pygame.whl"], "points to a URL"),
        (["x" * 300], "the limit is 200"),
    ],
)
def test_manifest_requires_is_checked(requires: object, message: str | None) -> None:
    if message is None:
        assert parse_manifest(BASE | {"requires": requires}).requires == requires
        assert parse_manifest(BASE).requires == []  # games without it are unchanged
        return
    with pytest.raises(PackageError, match=message) as caught:
        parse_manifest(BASE | {"requires": requires})
    assert caught.value.problems[0].field == "requires"


def _game(folder: Path, files: dict[str, str]) -> list[str]:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return list(files)


def test_the_import_scan_lists_only_what_players_lack(tmp_path: Path) -> None:
    paths = _game(
        tmp_path,
        {
            "start_client.py": "import json, os.path\nimport pygame\nfrom PIL import Image\n"
            "from . import rules\nimport board\nfrom engine.core import x\nimport gamehub_sdk\n"
            "from PySide6 import QtWidgets\ntry:\n    import numpy\nexcept ImportError:\n"
            "    numpy = None\n",
            "board.py": "import yaml\n",
            "engine/core.py": "x = 1\n",
            "broken.py": "def (:\n",
        },
    )
    found = missing_imports(tmp_path, paths, requires=["PyYAML>=6"])
    assert [(m.file, m.module, m.dist) for m in found] == [
        ("start_client.py", "PIL", "Pillow"),
        ("start_client.py", "numpy", "numpy"),
        ("start_client.py", "pygame", "pygame"),
    ]
    assert found[2].sentence() == (
        "start_client.py imports pygame, which players will not have: add it to requires."
    )
    assert "(the package Pillow)" in found[0].sentence()
    assert missing_imports(tmp_path, paths, ["pygame", "pillow", "numpy", "pyyaml"]) == []


def _wheel(
    folder: Path,
    name: str,
    files: dict[str, bytes],
    *,
    record: str | None = None,
    needs: str = "",
) -> Path:
    """A wheel built by hand, so hostile ones can be made too."""
    dist, version = name.split("-")[:2]
    info = f"{dist}-{version}.dist-info"
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = []
        for rel, data in files.items():
            archive.writestr(rel, data)
            rows.append(f"{rel},sha256={_b64(data)},{len(data)}")
        meta = f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n{needs}".encode()
        wheel = b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        for rel, data in ((f"{info}/METADATA", meta), (f"{info}/WHEEL", wheel)):
            archive.writestr(rel, data)
            rows.append(f"{rel},sha256={_b64(data)},{len(data)}")
        rows.append(f"{info}/RECORD,,")
        archive.writestr(f"{info}/RECORD", record if record is not None else "\n".join(rows))
    return path


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _entry(name: str, size: int = 10) -> FileEntry:
    return FileEntry(name, size, "a" * 64, ("a" * 64,))


def test_pick_takes_the_best_fitting_wheel_and_names_what_has_no_build() -> None:
    here = [Tag("cp311", "cp311", "manylinux_2_17_x86_64"), Tag("py3", "none", "any")]
    native = _entry("pygame-2.6.1-cp311-cp311-manylinux_2_17_x86_64.whl")
    windows = _entry("pygame-2.6.1-cp312-cp312-win_amd64.whl")
    pure = _entry("tiny-1.0-py3-none-any.whl")
    deps = [Dep("pygame", (windows, native)), Dep("tiny", (pure,))]
    assert pick(deps, here) == [native, pure]
    with pytest.raises(NoFittingWheel) as caught:
        pick([Dep("pygame", (windows,)), Dep("tiny", (pure,))], here)
    assert len(caught.value.messages) == 1  # one sentence, for pygame only (tiny fits)
    assert caught.value.messages[0].startswith("pygame has no build for ")
    assert "/ Python 3." in caught.value.messages[0]
    assert "the developer can publish one" in caught.value.messages[0]


def test_deps_are_refused_over_their_own_cap_and_when_not_wheels() -> None:
    deps = [Dep("pygame", (_entry("pygame-2.6.1-py3-none-any.whl", 2000),))]
    check_deps(deps, Limits())
    with pytest.raises(PackageError, match=r"the limit for them is 1,000 bytes"):
        check_deps(deps, Limits(max_deps_bytes=1000))
    with pytest.raises(PackageError, match="is a source distribution, not a wheel"):
        check_deps([Dep("pygame", (_entry("pygame-2.6.1.tar.gz"),))], Limits())
    with pytest.raises(PackageError, match="no wheels for it came with the game"):
        check_deps([], Limits(), declared=["pygame"])


def test_a_folder_with_only_an_sdist_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "pygame-2.6.1.tar.gz").write_bytes(b"source")
    with pytest.raises(PackageError) as caught:
        from_folder(["pygame"], tmp_path)
    assert "pygame-2.6.1.tar.gz' is a source distribution, not a wheel" in str(caught.value)
    assert "no compiler" in str(caught.value)
    with pytest.raises(PackageError, match="has no wheel that satisfies numpy"):
        from_folder(["numpy"], tmp_path)


def test_a_folder_brings_what_its_wheels_need_in_turn(tmp_path: Path) -> None:
    _wheel(tmp_path, "tiny-1.0-py3-none-any.whl", {"tiny.py": b"X = 1\n"})
    extra = "Requires-Dist: tiny>=1\nRequires-Dist: colorama; sys_platform == 'win32'\n"
    _wheel(tmp_path, "top-2.0-py3-none-any.whl", {"top.py": b"import tiny\n"}, needs=extra)
    found = resolve(["top"], tmp_path, wheels_dir=tmp_path)
    assert [d.requirement for d in found.deps] == ["top", "tiny>=1"]  # not colorama: Linux
    assert sorted(found.files) == ["tiny-1.0-py3-none-any.whl", "top-2.0-py3-none-any.whl"]


HOSTILE = [
    ({"../escape.py": b"x"}, None, "'..' part"),
    ({"/abs.py": b"x"}, None, "absolute"),
    ({"bomb.bin": bytes(60 * 1024 * 1024)}, None, "zip bomb"),
    ({"ok.py": b"x"}, "../../etc/cron.d/evil,sha256=x,1\n", "RECORD lists '../../etc/cron.d/evil'"),
]


@pytest.mark.parametrize(("files", "record", "message"), HOSTILE)
def test_hostile_wheels_are_refused_and_nothing_is_installed(
    tmp_path: Path, files: dict[str, bytes], record: str | None, message: str
) -> None:
    wheel = _wheel(tmp_path, "evil-1.0-py3-none-any.whl", files, record=record)
    with pytest.raises(PackageError, match=message):
        check_wheel(wheel, Limits())
    with pytest.raises(PackageError, match=message):
        install_wheels([wheel], tmp_path / "libs", Limits())
    assert not (tmp_path / "libs").exists()
    assert [p.name for p in tmp_path.iterdir()] == [wheel.name]  # no partial folder left


def test_a_wheel_whose_files_differ_from_record_is_not_installed(tmp_path: Path) -> None:
    record = "ok.py,sha256=" + _b64(b"other") + ",5\n"
    wheel = _wheel(tmp_path, "evil-1.0-py3-none-any.whl", {"ok.py": b"x"}, record=record)
    with pytest.raises(PackageError, match="could not be installed"):
        install_wheels([wheel], tmp_path / "libs", Limits())
    assert not (tmp_path / "libs").exists()


def test_a_wheel_with_a_link_is_refused(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path, "evil-1.0-py3-none-any.whl", {"ok.py": b"x"})
    with zipfile.ZipFile(wheel, "a") as archive:
        link = zipfile.ZipInfo("evil/passwd")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(PackageError, match="is a link"):
        check_wheel(wheel, Limits())


def test_a_good_wheel_installs_and_its_module_imports_through_run_script(tmp_path: Path) -> None:
    """The frozen build ignores PYTHONPATH: run-script puts GAMEHUB_GAME_LIBS on sys.path."""
    wheel = _wheel(tmp_path, "tiny-1.0-py3-none-any.whl", {"tiny.py": b"ANSWER = 42\n"})
    install_wheels([wheel], tmp_path / "libs", Limits())
    script = tmp_path / "game" / "client.py"
    script.parent.mkdir()
    script.write_text("import tiny\nprint(tiny.ANSWER)\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = (
        "import sys; from hub_core.run_script import run_script; sys.exit(run_script(sys.argv[1:]))"
    )
    root = str(Path(__file__).resolve().parents[3])
    run = [sys.executable, "-c", code, str(script)]
    done = subprocess.run(
        run,
        env=env | {"GAMEHUB_GAME_LIBS": str(tmp_path / "libs")},
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "42", done.stderr
    bare = subprocess.run(run, env=env, cwd=root, capture_output=True, text=True)
    assert "No module named 'tiny'" in bare.stderr


@pytest.mark.parametrize(
    ("typed", "pieces"),
    [
        ("pygame>=2.5, numpy", ["pygame>=2.5", "numpy"]),
        ("pygame numpy", ["pygame", "numpy"]),
        ("pygame >= 2.5", ["pygame>=2.5"]),
        ("pygame>=2.5,<3 numpy", ["pygame>=2.5,<3", "numpy"]),
        ("pygame>=2.5 <3", ["pygame>=2.5,<3"]),
        ("pygame [midi] >=2", ["pygame[midi]>=2"]),
        (
            "numpy; python_version < '3.13' and os_name == 'nt', pygame",
            ["numpy; python_version < '3.13' and os_name == 'nt'", "pygame"],
        ),
        ("pyg*me numpy", ["pyg*me", "numpy"]),  # a bad piece stands alone, said by name
        (" , ", []),
    ],
)
def test_requirements_typed_on_one_line_are_split_where_one_ends(
    typed: str, pieces: list[str]
) -> None:
    assert split_requirements(typed) == pieces


def test_fit_picks_by_file_name_as_the_install_does() -> None:
    here = [Tag("cp311", "cp311", "manylinux_2_17_x86_64"), Tag("py3", "none", "any")]
    names = [
        "pygame-2.6.1-cp312-cp312-win_amd64.whl",
        "pygame-2.6.1-cp311-cp311-manylinux_2_17_x86_64.whl",
        "tiny-1.0-py3-none-any.whl",
        "far-1.0-py3-none-win_amd64.whl",
    ]
    assert fit(names, here) == (
        ["pygame-2.6.1-cp311-cp311-manylinux_2_17_x86_64.whl", "tiny-1.0-py3-none-any.whl"],
        ["far"],
    )
