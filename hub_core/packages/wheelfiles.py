"""Wheel files from strangers: checked like hostile packages, then installed with ``installer``.

A wheel is a zip whose RECORD lists its files. Before a byte is installed, every zip
entry gets the package rules (no escaping or absolute paths, no links, no encryption,
no bombs, the size caps: ``_zipplan``), RECORD's own paths get the same path rules,
and ``installer`` checks every file against RECORD's hashes and sizes. Installing is
``installer``'s (the PyPA's reference wheel installer, what pip's own install step
follows), not hand-written unzipping: it knows the .data folders, entry points and
RECORD. Everything lands in a temp folder that becomes the target only when complete.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from hub_core.packages._errors import PackageError, Problems, shown
from hub_core.packages._zipplan import BOMB_MIN_BYTES, BOMB_RATIO, bomb
from hub_core.packages._zipplan import _entry_problems as zip_entry_problems
from hub_core.packages.index import Limits, hash_file, too_big
from hub_core.packages.paths import path_reason

if TYPE_CHECKING:
    from installer.scripts import LauncherKind

LIBS_MARKER = ".gamehub-libs"
"""Written last into a libs folder: its presence means the install completed."""


def check_wheel(path: Path, limits: Limits) -> None:
    """Refuses a hostile or broken wheel before anything of it is written; names the entry."""
    label = shown(path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            problems = Problems()
            total = 0
            for info in archive.infolist():
                for problem in zip_entry_problems(info):
                    problems.add(f"The wheel {label}: {problem}")
                size, packed = info.file_size, info.compress_size
                if size > BOMB_MIN_BYTES and size > BOMB_RATIO * max(packed, 1):
                    problems.add(f"The wheel {label}: {bomb(info.orig_filename, size, packed)}")
                elif size > limits.max_file_bytes:
                    problems.add(f"The wheel {label}: {too_big(info.orig_filename, size, limits)}")
                total += size
            if total > limits.max_deps_bytes:
                problems.add(
                    f"The wheel {label} would unpack to {total:,} bytes; the limit for a game's "
                    f"libraries is {limits.max_deps_bytes:,} bytes."
                )
            for problem in _record_problems(archive, label):
                problems.add(problem)
            problems.raise_if_any()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise PackageError(f"The wheel {label} is not a readable zip archive ({exc}).") from None


def _record_problems(archive: zipfile.ZipFile, label: str) -> list[str]:
    """RECORD's paths: .data/ paths may climb out of site-packages (scripts), others not."""
    records = [
        n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/RECORD")
    ]
    if len(records) != 1:
        return [f"The wheel {label} has no single .dist-info/RECORD; it is not a valid wheel."]
    text = archive.read(records[0]).decode("utf-8", "replace")
    found: list[str] = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        reason = path_reason(row[0])
        if reason:
            found.append(f"The wheel {label}: RECORD lists {shown(row[0])}, which {reason}.")
    return found


def install_wheels(wheels: Iterable[Path], target: Path, limits: Limits) -> None:
    """Installs ``wheels`` into ``target`` (which must not exist), all or nothing.

    ``target`` becomes an import folder: put it on sys.path. Scripts and data go to
    folders inside it, never to the interpreter's own prefix.
    """
    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.exceptions import InstallerError
    from installer.sources import WheelFile

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        scheme = _scheme(temp)
        for wheel in wheels:
            check_wheel(wheel, limits)
            destination = SchemeDictionaryDestination(
                scheme, interpreter=sys.executable or "python", script_kind=_script_kind()
            )
            try:
                with WheelFile.open(wheel) as source:
                    source.validate_record()
                    install(source, destination, {"INSTALLER": b"gamehub\n"})
            except (
                InstallerError,
                ValueError,
                KeyError,
                AssertionError,
                zipfile.BadZipFile,
            ) as exc:
                raise PackageError(
                    f"The wheel {shown(wheel.name)} could not be installed: {exc}"
                ) from None
        (temp / LIBS_MARKER).write_text("complete\n", encoding="utf-8")
        os.rename(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _scheme(root: Path) -> dict[str, str]:
    """Every install path inside ``root``: libraries at its top, the rest in sub-folders."""
    lib = str(root)
    return {
        "purelib": lib,
        "platlib": lib,
        "headers": str(root / "_headers"),
        "scripts": str(root / "_scripts"),
        "data": str(root / "_data"),
    }


def _script_kind() -> LauncherKind:  # only matters for Windows launchers
    if os.name != "nt":
        return "posix"
    return "win-arm64" if "arm64" in sysconfig.get_platform() else "win-amd64"


def libs_problems(folder: Path) -> list[str]:
    """Files of an installed libs folder that are missing or differ from their RECORD hash.

    ``installer`` wrote every installed file's sha256 into its RECORD; repair reads them.
    """
    if not (folder / LIBS_MARKER).is_file():
        return [f"{folder.name} was not installed completely"]
    import base64

    bad: list[str] = []
    for record in sorted(folder.glob("*.dist-info/RECORD")):
        with record.open(encoding="utf-8", newline="") as stream:
            for row in csv.reader(stream):
                if len(row) < 2 or not row[1].startswith("sha256="):
                    continue
                path = (folder / row[0]).resolve()
                if not path.is_relative_to(folder.resolve()) or not path.is_file():
                    bad.append(row[0])
                    continue
                digest = base64.urlsafe_b64encode(bytes.fromhex(hash_file(path))).rstrip(b"=")
                if digest.decode() != row[1].removeprefix("sha256="):
                    bad.append(row[0])
    return bad
