"""The wheel carries what GameHub needs at run time, and the installed code finds it.

The wheel is built offline (no index, no build isolation: setuptools comes with the
[test] extra) from a copy of the source, so setuptools' build/ folder in the checkout
can neither leak stale files into it nor be left behind.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    "pyproject.toml",
    "README.md",
    "hub_core",
    "gamehub_sdk",
    "gamehub_qt",
    "resources",
    "sample_games",
)
CLUTTER = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=CLUTTER)
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = work / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("gamehub-*.whl")
    return built


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def _repo_files(folder: str) -> list[Path]:
    return [
        p.relative_to(ROOT / folder)
        for p in sorted((ROOT / folder).rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]


def test_wheel_has_the_style_icons_and_translations(wheel: Path) -> None:
    names = _names(wheel)
    assert "gamehub_qt/resources/gamehub.qss" in names
    icons = [p for p in _repo_files("resources") if p.parts[0] == "icons"]
    assert icons
    for icon in icons:
        assert f"gamehub_qt/resources/{icon.as_posix()}" in names
    translations = [p for p in _repo_files("resources") if p.suffix == ".qm"]
    assert translations
    for qm in translations:
        assert f"gamehub_qt/resources/{qm.as_posix()}" in names


def test_wheel_has_every_sample_game(wheel: Path) -> None:
    names = _names(wheel)
    manifests = sorted((ROOT / "sample_games").glob("*/manifest.json"))
    assert len(manifests) >= 3
    for manifest in manifests:
        assert f"hub_core/sample_games/{manifest.parent.name}/manifest.json" in names
    for path in _repo_files("sample_games"):  # entries, modules, READMEs: the whole game
        assert f"hub_core/sample_games/{path.as_posix()}" in names


def test_wheel_has_every_package(wheel: Path) -> None:
    """pyproject.toml lists the packages by hand (the package-dir mapping needs it)."""
    names = _names(wheel)
    for top in ("hub_core", "gamehub_sdk", "gamehub_qt"):
        for init in sorted((ROOT / top).rglob("__init__.py")):
            path = init.relative_to(ROOT).as_posix()
            assert path in names, f"add {init.parent.relative_to(ROOT)} to pyproject.toml"


def test_installed_wheel_finds_its_resources_and_samples(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    probe = (
        "import hub_core, gamehub_qt.base.style as s, hub_core.server.store.samples as h\n"
        "print(hub_core.__file__); print(s.resource_dir()); print(h.samples_folder())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={"PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    module, resources, samples = (Path(line) for line in result.stdout.splitlines())
    assert module.is_relative_to(site)
    assert resources == site / "gamehub_qt" / "resources"
    assert (resources / "gamehub.qss").is_file()
    assert samples == site / "hub_core" / "sample_games"
    assert (samples / "rps" / "manifest.json").is_file()
