"""A game's requirements resolved to wheels on the developer's machine, before publishing.

Either pip downloads them (``pip download --only-binary=:all:``: this machine's
platform and Python, plus each ``--platform`` the developer adds), or they are taken
from a folder of wheels with no network at all (``--wheels DIR``). pip is the resolver
because it is the one every Python developer already trusts with requirements; with a
folder, GameHub matches names and versions itself (``packaging``) and follows each
wheel's Requires-Dist, so what a wheel needs travels too.
"""

from __future__ import annotations

import email.parser
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from packaging.markers import UndefinedEnvironmentName
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from hub_core.packages._errors import PackageError
from hub_core.packages._walk import hash_regular
from hub_core.packages.index import FileEntry, Limits
from hub_core.packages.requires import parse_requirement
from hub_core.packages.wheelfiles import check_wheel
from hub_core.packages.wheels import Dep, Resolved, check_deps, sdist_sentence
from hub_core.util.digests import HashKind

PIP_TIMEOUT = 600.0
_SDIST = (".tar.gz", ".zip", ".tar.bz2", ".tgz")


def resolve(
    requires: Sequence[str],
    scratch: Path,
    *,
    wheels_dir: Path | None = None,
    platforms: Sequence[str] = (),
    limits: Limits | None = None,
    kind: HashKind = HashKind.SHA256,
) -> Resolved:
    """Wheels for ``requires`` (blocking: pip and hashing with ``kind``); PackageError says
    what is wrong."""
    if not requires:
        return Resolved()
    limits = limits or Limits()
    for text in requires:
        parse_requirement(text)
    folder = wheels_dir
    if folder is None:
        folder = scratch / "wheels"
        pip_download(requires, folder, platforms)
    resolved = from_folder(requires, Path(folder), kind)
    for path in resolved.files.values():
        check_wheel(path, limits)
    check_deps(resolved.deps, limits)
    return resolved


def pip_download(requires: Sequence[str], dest: Path, platforms: Sequence[str]) -> None:
    """Runs pip once for this machine and once per extra platform (same Python version)."""
    if getattr(sys, "frozen", False):
        raise PackageError(
            "This build of GameHub has no pip to fetch the game's libraries; download their "
            "wheels elsewhere (pip download --only-binary=:all:) and pass the folder with --wheels."
        )
    dest.mkdir(parents=True, exist_ok=True)
    base = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--dest", str(dest)]
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    runs = [base] + [[*base, "--platform", p, "--python-version", version] for p in platforms]
    for command in runs:
        try:
            done = subprocess.run(
                [*command, *requires],
                check=False,
                capture_output=True,
                text=True,
                timeout=PIP_TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PackageError(
                f"pip could not be run to fetch the game's libraries ({exc})."
            ) from None
        if done.returncode != 0:
            raise PackageError(_pip_sentence(requires, done.stderr, command))


def _pip_sentence(requires: Sequence[str], stderr: str, command: list[str]) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    why = next(
        (line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else ""
    )
    where = f" for {command[command.index('--platform') + 1]}" if "--platform" in command else ""
    return (
        f"pip found no wheel{where} for {', '.join(requires)} ({why}). GameHub sends built "
        "wheels only, never source distributions (players have no compiler and no internet): "
        "pick a version with wheels, or build them and pass their folder with --wheels."
    )


def from_folder(
    requires: Sequence[str], folder: Path, kind: HashKind = HashKind.SHA256
) -> Resolved:
    """Every wheel in ``folder`` that satisfies a requirement, and what those need in turn."""
    if not folder.is_dir():
        raise PackageError(f"{folder} is not a folder of wheels.")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    wheels = {p.name: p for p in files if p.name.endswith(".whl")}
    deps: list[Dep] = []
    used: dict[str, Path] = {}
    queue = [Requirement(text) for text in requires]
    seen: set[str] = set()
    while queue:
        req = queue.pop(0)
        name = str(canonicalize_name(req.name))
        if name in seen:
            continue
        seen.add(name)
        chosen = [p for n, p in wheels.items() if _satisfies(n, req)]
        if not chosen:
            raise PackageError(_none_sentence(req, files, folder))
        entries = tuple(_entry(p, kind) for p in chosen)
        deps.append(Dep(str(req), entries))
        used.update((p.name, p) for p in chosen)
        for path in chosen:
            queue.extend(_needs(path))
    return Resolved(deps, used)


def _satisfies(file_name: str, req: Requirement) -> bool:
    try:
        dist, version, _build, _tags = parse_wheel_filename(file_name)
    except ValueError:
        return False
    return dist == canonicalize_name(req.name) and req.specifier.contains(version, prereleases=True)


def _none_sentence(req: Requirement, files: list[Path], folder: Path) -> str:
    name = str(canonicalize_name(req.name))
    sdists = [p.name for p in files if p.name.endswith(_SDIST) and _sdist_dist(p.name) == name]
    if sdists:
        return sdist_sentence(sdists[0])
    return f"{folder} has no wheel that satisfies {req} (GameHub sends wheels only)."


def _sdist_dist(file_name: str) -> str:
    stem = next(file_name[: -len(s)] for s in _SDIST if file_name.endswith(s))
    return str(canonicalize_name(stem.rpartition("-")[0]))


def _needs(wheel: Path) -> list[Requirement]:
    """Requires-Dist of a wheel whose marker holds here (extras are not followed)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            name = next(
                n
                for n in archive.namelist()
                if n.endswith(".dist-info/METADATA") and n.count("/") == 1
            )
            text = archive.read(name).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, StopIteration):
        raise PackageError(f"The wheel {wheel.name} has no readable METADATA.") from None
    found: list[Requirement] = []
    for line in email.parser.Parser().parsestr(text).get_all("Requires-Dist") or []:
        req = Requirement(line)
        try:
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                found.append(req)
        except UndefinedEnvironmentName:
            continue
    return found


def _entry(path: Path, kind: HashKind) -> FileEntry:
    size = path.stat().st_size
    digest, blocks, sizes = hash_regular(path.parent, path.name, size, lambda _n: None, None, kind)
    return FileEntry(path.name, size, digest, blocks, sizes)
