"""The licences of everything a build bundles, found from where each file came from.

Each bundled file's source path names its owner: an installed Python distribution (its
RECORD lists the file; the texts are the License-File entries and licence files in its
.dist-info), CPython itself (files under sys.base_prefix; its LICENSE.txt), GameHub
(the repository's LICENSE), or, for host libraries such as OpenSSL, the Debian package
that installed them (``dpkg -S``; its /usr/share/doc/<package>/copyright). A
distribution that ships no text but names SPDX licences (PySide6 and shiboken6 say
"LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only") gets the system's copies of those texts
(/usr/share/common-licenses). Nothing is written by hand; a file no owner claims is
reported, and the build fails on it.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENCE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)", re.IGNORECASE)
COMMON_LICENSES = Path("/usr/share/common-licenses")
# SPDX identifier → file in /usr/share/common-licenses (Debian's base-files)
SPDX_FILES = {
    "LGPL-3.0": "LGPL-3",
    "LGPL-2.1": "LGPL-2.1",
    "GPL-3.0": "GPL-3",
    "GPL-2.0": "GPL-2",
    "Apache-2.0": "Apache-2.0",
    "MPL-2.0": "MPL-2.0",
}


@dataclass
class Component:
    """One bundled component: who made the files, under which licence, with which texts."""

    name: str
    version: str
    licence: str  # the licence as its metadata states it
    texts: list[Path] = field(default_factory=list)
    files: int = 0  # how many bundled files come from it


def _dist_licence(dist: md.Distribution) -> str:
    meta = dist.metadata
    stated = next((v for k in ("License-Expression", "License") for v in meta.get_all(k) or []), "")
    if not stated or len(stated) > 200:  # some put the whole text in License
        classifiers = meta.get_all("Classifier") or []
        stated = "; ".join(c.split(" :: ")[-1] for c in classifiers if c.startswith("License"))
    return stated.strip() or "not stated"


def dist_texts(dist: md.Distribution) -> list[Path]:
    """The licence files a distribution installed: its License-File entries (PEP 639:
    under .dist-info/licenses) and any LICENSE/COPYING/NOTICE file in its .dist-info."""
    declared = set(dist.metadata.get_all("License-File") or [])
    found = []
    for file in dist.files or []:
        in_info = file.parts[0].endswith(".dist-info")
        named = LICENCE_NAME.match(file.name) or "licenses" in file.parts[1:-1]
        if in_info and (named or file.name in declared or str(file) in declared):
            found.append(Path(str(dist.locate_file(file))))
    return sorted(p for p in found if p.is_file())


def spdx_texts(expression: str) -> list[Path]:
    """The system's copies of the texts an SPDX expression names (LGPL-3 brings GPL-3)."""
    names = []
    for spdx, file in SPDX_FILES.items():
        if re.search(rf"\b{re.escape(spdx)}\b", expression):
            names.append(file)
    if "LGPL-3" in names:
        names.append("GPL-3")  # the LGPL-3 is additional permissions on top of the GPL-3
    return [COMMON_LICENSES / n for n in dict.fromkeys(names) if (COMMON_LICENSES / n).is_file()]


def _dist_files() -> dict[str, md.Distribution]:
    """Every installed distribution's files by real path."""
    owners: dict[str, md.Distribution] = {}
    for dist in md.distributions():
        base = os.path.realpath(str(dist.locate_file("")))
        for file in dist.files or []:
            owners[os.path.normpath(os.path.join(base, str(file)))] = dist
    return owners


def _dpkg_owners(paths: list[str]) -> dict[str, str]:
    """Host file → Debian package, asked with both /lib and /usr/lib spellings (usrmerge)."""
    if not paths or shutil.which("dpkg") is None:
        return {}
    spellings = {}
    for path in paths:
        spellings[path] = path
        if path.startswith("/usr/lib/"):
            spellings[path.removeprefix("/usr")] = path
        elif path.startswith("/lib/"):
            spellings["/usr" + path] = path
    out = subprocess.run(
        ["dpkg", "-S", *spellings], capture_output=True, text=True, check=False
    ).stdout
    owners = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        if path in spellings and "," not in package:
            owners[spellings[path]] = package.split(":")[0]
    return owners


def _debian_component(package: str) -> Component:
    version = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package],
        capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    copyright_file = Path("/usr/share/doc", package, "copyright")
    texts = [copyright_file] if copyright_file.is_file() else []
    return Component(f"debian-{package}", version, "see copyright", texts)


def _cpython_component() -> Component:
    lib = Path(sys.base_prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}")
    texts = [p for p in (lib / "LICENSE.txt", Path(sys.base_prefix, "LICENSE.txt")) if p.is_file()]
    return Component("CPython", platform.python_version(), "PSF-2.0", texts[:1])


def _python_component(dist: md.Distribution) -> Component:
    name = dist.metadata["Name"]
    if name == "gamehub":  # an editable install: the texts are the repository's
        return Component(name, dist.version, _dist_licence(dist), [ROOT / "LICENSE"])
    licence = _dist_licence(dist)
    texts = dist_texts(dist) or spdx_texts(licence)
    return Component(name, dist.version, licence, texts)


def owners(sources: Iterable[str]) -> tuple[dict[str, Component], list[str]]:
    """Each bundled source file's component, by component name, and the files no one owns.

    PyInstaller's bootloader (the executable itself) is always there.
    """
    by_path = _dist_files()
    base = os.path.realpath(sys.base_prefix) + os.sep
    components: dict[str, Component] = {}
    host: list[str] = []

    def count(key: str, make: Callable[[], Component]) -> None:
        if key not in components:
            components[key] = make()
        components[key].files += 1

    for source in sources:
        real = os.path.realpath(source)
        dist = by_path.get(real) or by_path.get(os.path.normpath(source))
        if dist is None and real.startswith(str(ROOT) + os.sep):
            dist = md.distribution("gamehub")
        if dist is not None:
            count(dist.metadata["Name"], partial(_python_component, dist))
        elif real.startswith(base) or os.path.normpath(source).startswith(base):
            count("CPython", _cpython_component)
        else:
            host.append(source)
    packages = _dpkg_owners(host)
    for source in host:
        if source in packages:
            package = packages[source]
            count(f"debian-{package}", partial(_debian_component, package))
    if _installed("pyinstaller"):  # its bootloader is in every build; tests may run without it
        count("pyinstaller", lambda: _python_component(md.distribution("pyinstaller")))
    return {c.name: c for c in components.values()}, [s for s in host if s not in packages]


def _installed(name: str) -> bool:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        return False
    return True


def write(components: dict[str, Component], target: Path) -> list[str]:
    """``target/<component>/<texts>`` and ``target/INDEX.txt``; names of components that
    have no licence text (the build fails on them)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    lines = [
        "Components bundled in this build, their licences and the texts beside this file.",
        "Generated by packaging/finish.py from where each bundled file came from.",
        "",
    ]
    missing = []
    for component in sorted(components.values(), key=lambda c: c.name.lower()):
        folder = target / component.name
        folder.mkdir()
        for index, text in enumerate(component.texts):
            copy = folder / text.name
            if copy.exists():  # two texts of one name (LICENSE in two folders)
                copy = folder / f"{index}-{text.name}"
            shutil.copyfile(text, copy)
        if not component.texts:
            missing.append(component.name)
        lines.append(
            f"{component.name} {component.version}: {component.licence}"
            f" ({component.files} files; texts in {component.name}/)"
        )
    (target / "INDEX.txt").write_text("\n".join(lines) + "\n")
    return missing
