"""A game's dependencies as wheels: what the version record lists, and which wheels fit here.

A ``Dep`` is one requirement with the wheels that satisfy it (one per platform and
Python the developer published for, plus what those wheels need in turn). Each wheel
is a ``FileEntry`` whose path is its file name, so wheels travel and are stored as
content-addressed blocks exactly like package files: a wheel that several games use
is stored and sent once. Only wheels: a source distribution would need a compiler and
the internet on every player's machine.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub_core.packages._errors import PackageError, Problem, Problems, shown
from hub_core.packages.index import FileEntry, Limits, block_problem, index_from_wire
from hub_core.packages.index import index_to_wire as _index_to_wire
from hub_core.packages.requires import KEY, dist_name, requirement_reason
from hub_core.util.units import format_bytes

if TYPE_CHECKING:
    from packaging.tags import Tag

# ``packaging`` is imported where a wheel is looked at, not with this module: the store's
# catalog imports it on every hub and app start (see requires.py).

DEFAULT_MAX_DEPS_BYTES = 1024**3
"""The default cap on a version's wheels together (``Limits.max_deps_bytes``)."""
MAX_WHEELS = 200


@dataclass(frozen=True)
class Dep:
    """One requirement and the wheels (files named ``<dist>-<ver>-<tags>.whl``) for it."""

    requirement: str
    wheels: tuple[FileEntry, ...]

    @property
    def name(self) -> str:
        return dist_name(self.requirement)


def deps_to_wire(deps: Iterable[Dep]) -> list[dict[str, Any]]:
    """For the version record and the wire: [{"requirement": ..., "wheels": index}, ...]."""
    return [{"requirement": d.requirement, "wheels": _index_to_wire(d.wheels)} for d in deps]


def deps_from_wire(data: Any) -> list[Dep]:
    """Reads deps sent by a stranger (shapes and types; limits: check_deps)."""
    if not isinstance(data, list):
        raise PackageError("The dependencies must be a list.")
    deps: list[Dep] = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("requirement"), str):
            raise PackageError(
                f"A dependency entry is not a requirement with wheels ({shown(repr(item))})."
            )
        deps.append(Dep(item["requirement"], tuple(index_from_wire(item.get("wheels", [])))))
    return deps


def all_wheels(deps: Iterable[Dep]) -> list[FileEntry]:
    """Every wheel once (two requirements may share one), in name order."""
    found = {w.path: w for d in deps for w in d.wheels}
    return [found[name] for name in sorted(found)]


def check_deps(deps: Sequence[Dep], limits: Limits, declared: Iterable[str] = ()) -> None:
    """Refuses bad names, bad requirements, non-wheels, size over the cap, missing declared."""
    problems = Problems()
    for dep in deps:
        reason = requirement_reason(dep.requirement)
        if reason:
            problems.add(f"The requirement {shown(dep.requirement)} {reason}.")
        elif not dep.wheels:
            problems.add(f"{shown(dep.requirement)} comes with no wheels.")
    wheels = all_wheels(deps)
    if len(wheels) > MAX_WHEELS:
        problems.add(f"The game brings {len(wheels)} wheels; the limit is {MAX_WHEELS}.")
    for wheel in wheels:
        for problem in wheel_entry_problems(wheel):
            problems.add(problem)
    total = sum(w.size for w in wheels if type(w.size) is int)
    if total > limits.max_deps_bytes:
        problems.add(
            f"The game's libraries come to {total:,} bytes ({format_bytes(total)}); the limit "
            f"for them is {limits.max_deps_bytes:,} bytes ({format_bytes(limits.max_deps_bytes)})."
        )
    named = {d.name for d in deps if requirement_reason(d.requirement) is None}
    for text in declared:
        if requirement_reason(text) is None and dist_name(text) not in named:
            problems.add(
                f"manifest.json requires {shown(text)}, but no wheels for it came with the game."
            )
    problems.raise_if_any()


def wheel_entry_problems(wheel: FileEntry) -> list[str]:
    """A wheel's entry must name a wheel file (no folders) of sane size and hash."""
    name = wheel.path
    found: list[str] = []
    if "/" in name or "\\" in name or name.startswith("."):
        found.append(f"The wheel name {shown(name)} is not a plain file name.")
    elif name.endswith((".tar.gz", ".zip", ".tar.bz2", ".tgz")):
        found.append(sdist_sentence(name))
    else:
        from packaging.utils import InvalidWheelFilename, parse_wheel_filename

        try:
            parse_wheel_filename(name)
        except InvalidWheelFilename:
            found.append(f"{shown(name)} is not a wheel file name (<name>-<version>-<tags>.whl).")
    if type(wheel.size) is not int or wheel.size < 0:
        found.append(f"The wheel {shown(name)} has a bad size.")
    problem = block_problem(wheel)
    if problem:
        found.append(problem)
    return found


def sdist_sentence(file_name: str) -> str:
    """Why a source distribution is refused, and what to do instead."""
    return (
        f"{shown(file_name)} is a source distribution, not a wheel: players install offline "
        "and usually have no compiler, so GameHub sends only built wheels. Publish with a "
        "version that has wheels on the package index, or build one (pip wheel) and pass "
        "its folder with --wheels."
    )


def wheel_dist(file_name: str) -> str:
    """The canonical distribution name in a wheel's file name."""
    from packaging.utils import parse_wheel_filename

    return str(parse_wheel_filename(file_name)[0])


def wheel_tags(file_name: str) -> frozenset[Tag]:
    from packaging.utils import parse_wheel_filename

    return parse_wheel_filename(file_name)[3]


def here_tags() -> list[Tag]:
    """This interpreter's tags, best first (what pip itself prefers)."""
    from packaging.tags import sys_tags

    return list(sys_tags())


@dataclass(frozen=True)
class Resolved:
    """The deps to publish and where each wheel is on this machine (by file name)."""

    deps: list[Dep] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


class NoFittingWheel(PackageError):
    """No wheel of a requirement fits this machine; the message names what is missing."""


def pick(deps: Sequence[Dep], tags: Sequence[Tag] | None = None) -> list[FileEntry]:
    """For each distribution, the wheel that fits this interpreter best (one per name).

    Raises NoFittingWheel naming every requirement with no build for this platform and
    Python, and who can fix it.
    """
    wheels = {w.path: w for w in all_wheels(deps)}
    chosen, missing = fit(wheels, tags)
    if missing:
        raise NoFittingWheel([Problem(KEY, no_build_sentence(name)) for name in missing])
    return [wheels[name] for name in chosen]


def fit(
    file_names: Iterable[str], tags: Sequence[Tag] | None = None
) -> tuple[list[str], list[str]]:
    """The wheel file that fits best per distribution, and the distributions none fits.

    ``pick`` installs by it; the store page asks it beforehand, from the names alone.
    """
    order = {tag: rank for rank, tag in enumerate(tags if tags is not None else here_tags())}
    by_dist: dict[str, list[str]] = {}
    for name in sorted(set(file_names)):
        by_dist.setdefault(wheel_dist(name), []).append(name)
    chosen: list[str] = []
    missing: list[str] = []
    for dist in sorted(by_dist):
        fitting = [n for n in by_dist[dist] if _rank(n, order) is not None]
        if fitting:
            chosen.append(min(fitting, key=lambda n: _rank(n, order) or 0))
        else:
            missing.append(dist)
    return chosen, missing


def _rank(file_name: str, order: dict[Tag, int]) -> int | None:
    ranks = [order[t] for t in wheel_tags(file_name) if t in order]
    return min(ranks) if ranks else None


def no_build_sentence(dist: str) -> str:
    """The English sentence (the CLI's and the install error's; the app words its own)."""
    return (
        f"{dist} has no build for {platform_label()} on this hub — the developer can "
        "publish one (gamehub publish --platform, or a wheel in --wheels)."
    )


def platform_label() -> str:
    """What a player would call this machine: "Windows (AMD64) / Python 3.12"."""
    system = {"win32": "Windows", "darwin": "macOS"}.get(sys.platform, platform.system() or "Linux")
    python = f"Python {sys.version_info[0]}.{sys.version_info[1]}"
    return f"{system} ({platform.machine() or 'unknown'}) / {python}"


def dists_of(wheels: Iterable[FileEntry]) -> set[str]:
    return {wheel_dist(w.path) for w in wheels}


def canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(name))
