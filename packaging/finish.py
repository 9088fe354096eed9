"""The steps after PyInstaller (run by packaging/build with the build's Python).

1. Strips debug information from the bundled libraries (``strip --strip-debug``: symbol
   names stay, so a crash's backtrace still names functions).
2. Writes ``licenses/`` beside the executable (bundle_licences); fails when a bundled
   component has no licence text.
3. Puts the desktop entry, the AppStream metainfo and the icon beside the executable.
4. Runs packaging/smoke_test.py with the build, with PATH and every PYTHON* variable
   taken away (no Python can be found), in a private network namespace; fails if it fails.
5. Packs the folder into ``dist/GameHub-<version>-linux-<machine>.tar.gz``.
6. Prints the folder size, the archive size and the build's glibc floor.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bundle_elf import glibc_floor, is_elf, read_needs, version_text
from bundle_licences import owners, write

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "org.gamehub.GameHub"
DESKTOP_FILES = {
    PACKAGING / f"{APP_ID}.desktop": f"{APP_ID}.desktop",
    PACKAGING / f"{APP_ID}.metainfo.xml": f"{APP_ID}.metainfo.xml",
    ROOT / "resources" / "icons" / "gamehub.svg": f"{APP_ID}.svg",
}
# Runs the smoke test with loopback up and carrying multicast, then with no PATH.
NETNS_SETUP = (
    "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
    ' && export PATH="$EMPTY_PATH" && exec "$@"'
)


class BuildFailed(Exception):
    """A step after PyInstaller failed; the message says which and why."""


def mib(size: int) -> float:
    return round(size / 2**20, 1)


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


def strip_debug(folder: Path, executable: Path) -> int:
    """Strips debug sections from every bundled ELF file but the executable (PyInstaller
    appends its archive to it); links are left alone. Returns the bytes saved."""
    files = [p for p in folder.rglob("*") if not p.is_symlink() and p != executable and is_elf(p)]
    before = sum(p.stat().st_size for p in files)
    for start in range(0, len(files), 100):
        batch = [str(p) for p in files[start : start + 100]]
        subprocess.run(["strip", "--strip-debug", *batch], check=True)
    return before - sum(p.stat().st_size for p in files)


def licences(sources: list[str], folder: Path) -> int:
    components, unowned = owners(sources)
    missing = write(components, folder / "licenses")
    if unowned or missing:
        raise BuildFailed(
            "these bundled files have no licence text; add their licence's source to "
            f"packaging/bundle_licences.py: {unowned + missing}"
        )
    return len(components)


def desktop_files(folder: Path) -> None:
    for source, name in DESKTOP_FILES.items():
        shutil.copyfile(source, folder / name)


def clean_env(empty: Path) -> dict[str, str]:
    """This environment without PATH and PYTHON* (a machine without Python)."""
    env = {k: v for k, v in os.environ.items() if k != "PATH" and not k.startswith("PYTHON")}
    env["EMPTY_PATH"] = str(empty)
    return env


def smoke_test(executable: Path) -> None:
    """packaging/smoke_test.py run by the build; in a private network namespace when one
    can be made (the window browses for hubs over mDNS)."""
    prefix = ["unshare", "--net"]
    if os.geteuid() != 0:
        prefix[1:1] = ["--user", "--map-root-user"]
    netns = shutil.which("unshare") is not None and (
        subprocess.run([*prefix, "true"], check=False).returncode == 0
    )
    command = [str(executable), "run-script", str(PACKAGING / "smoke_test.py")]
    with tempfile.TemporaryDirectory(prefix="gamehub-nopath-") as empty:
        if netns:
            command = [*prefix, "--", "bash", "-c", NETNS_SETUP, "netns", *command]
        else:
            print("Note: no private network namespace here; the window's mDNS is not isolated")
        env = clean_env(Path(empty))
        if not netns:
            env["PATH"] = empty
        print("Smoke test (PATH and PYTHON* taken away):", flush=True)
        done = subprocess.run(command, env=env, cwd=empty, timeout=600, check=False)
        if done.returncode != 0:
            raise BuildFailed("the smoke test failed (see its FAIL lines above)")


def archive(folder: Path, version: str) -> Path:
    """A tar.gz any Linux unpacks without extra tools (packaging/README.md says why)."""
    path = folder.parent / f"GameHub-{version}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=9) as tar:
        tar.add(folder, arcname=f"GameHub-{version}")
    return path


def main() -> int:
    work = Path(sys.argv[1])
    manifest = json.loads((work / "bundle-manifest.json").read_text())
    folder = Path(manifest["folder"])
    executable = folder / "GameHub"
    sys.path.insert(0, str(ROOT))
    from hub_core._version import VERSION

    started = time.monotonic()
    try:
        saved = strip_debug(folder, executable)
        print(f"Stripped debug information: {mib(saved)} MB less")
        print(f"Licences of {licences(manifest['sources'], folder)} components in licenses/")
        desktop_files(folder)
        smoke_test(executable)
        packed = archive(folder, VERSION)
        print(f"Steps after PyInstaller took {time.monotonic() - started:.0f} s")
    except BuildFailed as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        return 1
    needs = read_needs(p for p in folder.rglob("*") if not p.is_symlink())
    print(f"Folder:  {folder} ({mib(folder_size(folder))} MB)")
    print(f"Archive: {packed} ({mib(packed.stat().st_size)} MB)")
    for label, cxx in (("glibc floor", False), ("libstdc++ floor (GLIBCXX)", True)):
        floor, needing = glibc_floor(needs, cxx=cxx)
        names = ", ".join(p.name for p in needing[:5]) + (" ..." if len(needing) > 5 else "")
        print(f"{label}: {version_text(floor)} (needed by {names})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
