"""What a build's ELF files need from the system: libraries (DT_NEEDED) and glibc versions.

Read with binutils' ``objdump -p`` (PyInstaller needs objdump on Linux anyway, so the
build gains no dependency; pyelftools would do the same and is not installed). One
objdump call reads many files. The glibc floor of a build is the newest ``GLIBC_x.y``
symbol version any of its files requires: the oldest glibc it can start on.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
BATCH = 100  # files per objdump call: short command lines, few processes
_FILE = re.compile(r"^(?P<path>/.+):\s+file format \S+$")
_NEEDED = re.compile(r"^\s+NEEDED\s+(?P<name>\S+)$")
_VERSION = re.compile(r"\b(?P<lib>GLIBC|GLIBCXX)_(\d+)\.(\d+)(?:\.(\d+))?\b")

Version = tuple[int, ...]


@dataclass
class ElfNeeds:
    """One ELF file's needs: the libraries it links and the glibc versions it requires."""

    libraries: list[str] = field(default_factory=list)
    glibc: Version = ()  # the newest GLIBC_x.y it requires; () when it requires none
    glibcxx: Version = ()  # the newest GLIBCXX_x.y.z (the C++ library) it requires


def is_elf(path: Path) -> bool:
    """A file (or a link to one) that starts like an ELF file."""
    if not path.is_file():
        return False
    with path.open("rb") as f:
        return f.read(4) == ELF_MAGIC


def read_needs(paths: Iterable[Path]) -> dict[Path, ElfNeeds]:
    """Every ELF file's needs, by absolute path; files that are not ELF are left out."""
    files = [p.absolute() for p in paths if is_elf(p)]
    needs: dict[Path, ElfNeeds] = {}
    for start in range(0, len(files), BATCH):
        batch = [str(p) for p in files[start : start + BATCH]]
        out = subprocess.run(
            ["objdump", "-p", *batch], capture_output=True, text=True, check=False
        ).stdout
        needs |= parse_objdump(out)
    return needs


def parse_objdump(text: str) -> dict[Path, ElfNeeds]:
    """``objdump -p`` output of one or more files → each file's needs.

    Only the "Version References" section counts for glibc: a library's own "Version
    definitions" name versions it provides, not ones it needs.
    """
    needs: dict[Path, ElfNeeds] = {}
    current: ElfNeeds | None = None
    in_references = False
    for line in text.splitlines():
        if match := _FILE.match(line):
            current = needs.setdefault(Path(match["path"]), ElfNeeds())
            in_references = False
        elif current is None:
            continue
        elif match := _NEEDED.match(line):
            current.libraries.append(match["name"])
        elif line and not line[0].isspace():
            in_references = line.startswith("Version References")
        elif in_references and (version := _VERSION.search(line)):
            found = tuple(int(part) for part in version.groups()[1:] if part is not None)
            if version["lib"] == "GLIBC":
                current.glibc = max(current.glibc, found)
            else:
                current.glibcxx = max(current.glibcxx, found)
    return needs


def glibc_floor(needs: dict[Path, ElfNeeds], cxx: bool = False) -> tuple[Version, list[Path]]:
    """The newest glibc version (or, with ``cxx``, libstdc++ version) any file requires,
    and the files that require it."""
    versions = {p: n.glibcxx if cxx else n.glibc for p, n in needs.items()}
    floor = max(versions.values(), default=())
    return floor, sorted(p for p, v in versions.items() if floor and v == floor)


def version_text(version: Version) -> str:
    """(2, 34) → "2.34"; () → "none"."""
    return ".".join(map(str, version)) if version else "none"
