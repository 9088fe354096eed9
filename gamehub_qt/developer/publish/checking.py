"""Checking a package before anything is sent: every problem, sorted by the field it is about.

Runs in a worker thread (it reads and hashes files). hub_core's checks say which manifest
key each problem is about (Problem.field), which is how a problem finds its row; the
rest (paths, links, limits: field None) are listed apart.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from hub_core.packages import Limits, Manifest, PackageError, Problem, extract_zip, load_manifest
from hub_core.packages.index import scan_folder

translate = QCoreApplication.translate  # thread-safe: this module runs in a worker

# The form's rows, and the manifest keys whose problems each one shows.
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "display_name": ("display_name",),
    "type": ("type",),
    "players": ("max_players", "min_players"),
    "entry_server": ("entry_server",),
    "entry_client": ("entry_client",),
    "description": ("description",),
}


@dataclass
class CheckResult:
    """What the form shows about one source; ``manifest`` is set only if all is well."""

    source: Path
    raw: dict[str, Any] = field(default_factory=dict)  # the manifest as written, if readable
    manifest: Manifest | None = None
    field_problems: dict[str, list[str]] = field(default_factory=dict)
    other_problems: list[str] = field(default_factory=list)
    files: int = 0
    total_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not self.problems()

    def problems(self) -> list[str]:
        return [p for found in self.field_problems.values() for p in found] + self.other_problems

    def add(self, problems: list[Problem]) -> None:
        for problem in problems:
            row = _ROW_OF.get(problem.field) if problem.field else None
            listed = self.field_problems.setdefault(row, []) if row else self.other_problems
            if problem.message not in listed:
                listed.append(problem.message)


_ROW_OF = {key: row for row, keys in FIELDS.items() for key in keys}


def check_source(source: Path, limits: Limits | None = None) -> CheckResult:
    """Checks a package folder or zip the way publishing will, collecting every problem."""
    result = CheckResult(Path(source))
    limits = limits or Limits()
    if not result.source.exists():
        text = translate("PackageCheck", "%1 does not exist.").replace("%1", str(source))
        result.add([Problem(None, text)])
        return result
    if result.source.is_dir():
        _check_folder(result, result.source, limits)
        return result
    if not zipfile.is_zipfile(result.source):
        text = translate("PackageCheck", "%1 is neither a folder nor a zip file.")
        result.add([Problem(None, text.replace("%1", result.source.name))])
        return result
    with tempfile.TemporaryDirectory(prefix="gamehub-check-") as scratch:
        folder = Path(scratch) / "package"
        try:
            extract_zip(result.source, folder, limits)
        except PackageError as exc:
            result.add(exc.problems)
            return result
        _check_folder(result, folder, limits)
    return result


def _check_folder(result: CheckResult, folder: Path, limits: Limits) -> None:
    result.raw = _raw_manifest(folder)
    try:
        manifest = load_manifest(folder)
    except PackageError as exc:
        result.add(exc.problems)
        manifest = None
    try:
        entries = scan_folder(folder, limits)
    except PackageError as exc:
        result.add(exc.problems)
    else:
        result.files, result.total_bytes = len(entries), sum(e.size for e in entries)
    if not result.problems():
        result.manifest = manifest


def _raw_manifest(folder: Path) -> dict[str, Any]:
    """The manifest's values to show in the form, even when they are wrong; {} if unreadable."""
    try:
        value = json.loads((folder / "manifest.json").read_bytes()[: 1024 * 1024])
    except (OSError, ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
