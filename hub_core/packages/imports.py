"""Which third-party modules a game imports that its players will not have.

Games run with GameHub's Python: the standard library, PySide6 and the game SDK, and
nothing else. A game that imports pygame without saying so in ``requires`` dies on every
player's machine at once; reading its .py files (``ast``, nothing is run) finds that
before it is published. Only top-level imports are counted (``import a.b`` needs ``a``),
relative imports are the game's own, and an import under ``try:`` is still listed: the
game may have a fallback, but the developer should decide that knowingly.
"""

from __future__ import annotations

import ast
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from hub_core.packages.requires import dist_name

PROVIDED = frozenset({"PySide6", "shiboken6", "gamehub_sdk", "hub_core"})
"""What GameHub gives every game besides the standard library (DESIGN §5)."""

KNOWN_DISTS = {
    "PIL": "Pillow",
    "yaml": "PyYAML",
    "cv2": "opencv-python",
    "sklearn": "scikit-learn",
    "skimage": "scikit-image",
    "bs4": "beautifulsoup4",
    "dateutil": "python-dateutil",
    "serial": "pyserial",
    "usb": "pyusb",
    "OpenGL": "PyOpenGL",
    "wx": "wxPython",
    "Crypto": "pycryptodome",
    "attr": "attrs",
    "google.protobuf": "protobuf",
    "dotenv": "python-dotenv",
    "win32api": "pywin32",
    "gi": "PyGObject",
}
"""Import names whose distribution is called otherwise (the rest: the same name)."""

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a larger .py file is data, not worth parsing


@dataclass(frozen=True)
class MissingImport:
    """One module a package file imports that neither Python nor the game provides."""

    file: str  # the package path that imports it (the first one, in path order)
    module: str  # the top-level import name
    dist: str  # the distribution to require (our best guess)

    def sentence(self) -> str:
        hint = "" if self.dist == self.module else f" (the package {self.dist})"
        return (
            f"{self.file} imports {self.module}, which players will not have: add it to "
            f"requires{hint}."
        )


def top_imports(source: str) -> set[str]:
    """Top-level names of every absolute import in ``source``; unparsable code: none."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def own_modules(paths: Iterable[str]) -> set[str]:
    """Names the game's own files may make importable: every folder, and every module file
    at any depth (games put their sub-folders on sys.path too)."""
    names: set[str] = set()
    for path in paths:
        parts = path.split("/")
        names.update(parts[:-1])
        if parts[-1].endswith((".py", ".pyd", ".so")):
            names.add(parts[-1].split(".")[0])
    return names


def wheel_modules(wheel: Path) -> dict[str, str]:
    """Import names a wheel provides → its distribution: top_level.txt, else RECORD's tops."""
    from hub_core.packages.wheels import wheel_dist

    dist = wheel_dist(wheel.name)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        tops = [n for n in names if n.endswith(".dist-info/top_level.txt") and n.count("/") == 1]
        if tops:
            lines = archive.read(tops[0]).decode("utf-8", "replace").split()
            return {line.split("/")[0]: dist for line in lines if line}
    found: dict[str, str] = {}
    for name in names:
        top = name.split("/")[0]
        if top.endswith((".dist-info", ".data")):
            continue
        found[top.split(".")[0] if "/" not in name else top] = dist
    return found


def missing_imports(
    folder: Path,
    paths: Iterable[str],
    requires: Iterable[str],
    wheels: Iterable[Path] = (),
) -> list[MissingImport]:
    """Imports the game's .py files (``paths`` in ``folder``) make that nothing provides."""
    files = sorted(paths)
    own = own_modules(files)
    covered = {dist_name(text) for text in requires}
    provided: dict[str, str] = {}
    for wheel in wheels:
        provided.update(wheel_modules(wheel))
    found: dict[str, MissingImport] = {}
    for path in files:
        if not path.endswith(".py") or (folder / path).stat().st_size > MAX_SOURCE_BYTES:
            continue
        source = (folder / path).read_text(encoding="utf-8", errors="replace")
        for module in sorted(top_imports(source)):
            if module in found or _available(module, own):
                continue
            dist = provided.get(module) or KNOWN_DISTS.get(module) or module
            if str(canonicalize_name(dist)) not in covered:
                found[module] = MissingImport(path, module, dist)
    return sorted(found.values(), key=lambda m: (m.file, m.module))


def _available(module: str, own: set[str]) -> bool:
    return (
        module in sys.stdlib_module_names
        or module in PROVIDED
        or module in own
        or module == "__future__"
    )
