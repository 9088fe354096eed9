"""The pure parts of the PyInstaller build (packaging/bundle_*.py, the lazy run-time hook).

The build itself takes minutes and is not in the default suite: GAMEHUB_BUILD_TEST=1 runs
packaging/build (which runs the smoke test) at the end of this file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

from bundle_elf import ElfNeeds, glibc_floor, parse_objdump, read_needs  # noqa: E402
from bundle_licences import owners, spdx_texts, write  # noqa: E402
from bundle_trim import app_languages, left_out, orphans, translation_wanted  # noqa: E402

needs_objdump = pytest.mark.skipif(shutil.which("objdump") is None, reason="needs binutils")


def _libc() -> Path:
    """The C library this Python runs on (a real ELF file that defines GLIBC versions)."""
    found = read_needs([Path(os.path.realpath(sys.executable))])
    assert found, "the interpreter is not an ELF file"
    out = subprocess.run(["ldd", sys.executable], capture_output=True, text=True).stdout
    line = next(x for x in out.splitlines() if "libc.so" in x and "=>" in x)
    return Path(line.split("=>")[1].split()[0])


@needs_objdump
def test_a_real_program_needs_libc_and_a_glibc_version() -> None:
    ls = Path(os.path.realpath(shutil.which("ls") or "/bin/ls"))
    (needs,) = read_needs([ls]).values()
    assert "libc.so.6" in needs.libraries
    assert needs.glibc >= (2, 2)


@needs_objdump
def test_versions_a_library_defines_are_not_versions_it_needs() -> None:
    libc = _libc()
    text = subprocess.run(["objdump", "-p", str(libc)], capture_output=True, text=True).stdout
    defined = [line for line in text.splitlines() if "GLIBC_2." in line]
    (needs,) = parse_objdump(text).values()
    newest_named = max(
        tuple(int(x) for x in line.split("GLIBC_")[1].split()[0].split(".")) for line in defined
    )
    assert needs.glibc < newest_named  # libc defines every version up to its own


def test_the_floor_is_the_newest_need_and_names_its_files() -> None:
    needs = {
        Path("/a.so"): ElfNeeds(glibc=(2, 17)),
        Path("/b.so"): ElfNeeds(glibc=(2, 35)),
        Path("/c.so"): ElfNeeds(glibc=(2, 35), glibcxx=(3, 4, 29)),
        Path("/d.so"): ElfNeeds(),
    }
    assert glibc_floor(needs) == ((2, 35), [Path("/b.so"), Path("/c.so")])
    assert glibc_floor(needs, cxx=True) == ((3, 4, 29), [Path("/c.so")])
    assert glibc_floor({}) == ((), [])


@pytest.mark.parametrize(
    ("dest", "out"),
    [
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/generic/libqevdevmouseplugin.so", True),
        ("PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so", True),
        ("libfontconfig.so.1", True),
        ("libX11.so.6", True),
        ("libxcb.so.1", True),
        ("libdbus-1.so.3", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
        ("libxcb-cursor.so.0", False),  # desktops may lack Qt's xcb helpers
        ("libxkbcommon-x11.so.0", False),
        ("libXss.so.1", False),  # Tk's, not on every desktop
        ("libpython3.11.so.1.0", False),
    ],
)
def test_what_is_left_out(dest: str, out: bool) -> None:
    assert (left_out(dest) is not None) == out


def test_libraries_only_a_dropped_plugin_pulled_in_go_too() -> None:
    src = {d: Path(f"/src/{d}") for d in ("plugin.so", "ext.so", "A.so", "B.so", "C.so", "D.so")}
    needs = {
        src["plugin.so"]: ElfNeeds(libraries=["A.so", "B.so"]),
        src["A.so"]: ElfNeeds(libraries=["C.so"]),
        src["ext.so"]: ElfNeeds(libraries=["B.so"]),
    }
    # A: only the plugin; C: only A; B: the kept extension too; D: nobody (dlopen): stays
    assert orphans(src, {"plugin.so"}, needs) == {"A.so", "C.so"}
    assert orphans(src, set(), needs) == set()


def test_qt_translations_only_for_the_app_languages() -> None:
    languages = app_languages(ROOT / "resources" / "translations")
    assert {"en", "zh_TW"} <= set(languages)
    base = "PySide6/Qt/translations/"
    assert translation_wanted(base + "qtbase_zh_TW.qm", languages)
    assert translation_wanted(base + "qt_en.qm", languages)
    assert not translation_wanted(base + "qtbase_de.qm", languages)
    assert not translation_wanted(base + "qt_help_zh_CN.qm", languages)
    assert translation_wanted("gamehub_qt/resources/translations/gamehub_zh_TW.qm", languages)


def test_licences_come_from_where_each_file_came_from(tmp_path: Path) -> None:
    import msgspec

    stray = tmp_path / "stray.so"
    stray.write_bytes(b"")
    sources = [msgspec.__file__, os.__file__, str(ROOT / "hub_core" / "__init__.py"), str(stray)]
    components, unowned = owners(s for s in sources if s)
    assert unowned == [str(stray)]
    assert {"msgspec", "CPython", "gamehub"} <= set(components)
    assert ("pyinstaller" in components) == (importlib.util.find_spec("PyInstaller") is not None)
    assert components["gamehub"].texts == [ROOT / "LICENSE"]
    assert "MIT" in (ROOT / "LICENSE").read_text()
    assert any(p.name == "LICENSE.txt" for p in components["CPython"].texts)
    missing = write(components, tmp_path / "licenses")
    assert missing == []
    index = (tmp_path / "licenses" / "INDEX.txt").read_text()
    assert "msgspec" in index and "CPython" in index
    assert any((tmp_path / "licenses" / "msgspec").iterdir())


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="host libraries are found with dpkg")
def test_a_host_library_gets_its_debian_copyright() -> None:
    import zlib  # noqa: F401  (a Python built with the system's zlib links libz.so.1)

    libz = next(
        (p for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1")
         if Path(p).exists()), None,
    )  # fmt: skip
    if libz is None:
        pytest.skip("no libz.so.1 where Debian puts it")
    components, unowned = owners([libz])
    assert unowned == []
    (debian,) = [c for c in components.values() if c.name.startswith("debian-")]
    assert debian.texts and debian.texts[0].name == "copyright"


@pytest.mark.skipif(
    not Path("/usr/share/common-licenses/LGPL-3").exists(), reason="needs Debian's base-files"
)
def test_a_distribution_without_texts_gets_the_spdx_texts() -> None:
    texts = spdx_texts("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only")
    assert [p.name for p in texts] == ["LGPL-3", "GPL-3", "GPL-2"]
    # the LGPL-3 is a set of permissions on top of the GPL-3: both texts go with it
    assert [p.name for p in spdx_texts("LGPL-3.0-only")] == ["LGPL-3", "GPL-3"]


LAZY_PROBE = """
import sys
{hook}
import json
print(getattr(json, "HOOKED", False), getattr(sys.modules["os"], "HOOKED", False),
      "never_imported" in HOOKS, json.__spec__.loader.__class__.__name__)
"""


def test_the_lazy_hook_runs_each_hook_after_its_module_is_imported() -> None:
    hooks = {
        "json": "import sys; sys.modules['json'].HOOKED = True",
        "os": "import sys; sys.modules['os'].HOOKED = True",  # imported before: runs at once
        "never_imported": "raise SystemExit(9)",
    }
    template = (ROOT / "packaging" / "pyi_rth_gamehub_lazy.py").read_text()
    hook = f"HOOKS = {hooks!r}\n" + template.replace("__HOOKS__", "HOOKS")
    code = LAZY_PROBE.format(hook=hook)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "SourceFileLoader"]


@pytest.mark.skipif(
    os.environ.get("GAMEHUB_BUILD_TEST") != "1", reason="the full build: GAMEHUB_BUILD_TEST=1"
)
def test_the_build_builds_and_passes_its_smoke_test() -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build")],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "all checks passed" in done.stdout
    assert "glibc floor: 2." in done.stdout
    assert (ROOT / "dist" / "GameHub" / "licenses" / "INDEX.txt").is_file()
