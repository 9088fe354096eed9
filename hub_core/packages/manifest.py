"""manifest.json: what a package says about itself, checked the same way by hub and client.

parse_manifest reports every problem at once, each naming its key, so a developer fixes
a manifest in one round instead of one error per publish attempt.
"""

from __future__ import annotations

import copy
import os
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub_core.packages._errors import PackageError, Problem, Problems, shown
from hub_core.packages._manifest_json import as_object, read_manifest
from hub_core.packages._manifest_json import got as _got
from hub_core.packages.index import FileEntry, Limits, Progress, scan_folder
from hub_core.packages.paths import game_name_reason, path_reason
from hub_core.packages.requires import requires_problems

REQUIRED_KEYS = (
    "name", "display_name", "type", "max_players", "entry_server", "entry_client", "description",
)  # fmt: skip
TYPES = ("CLI", "GUI")
ENTRY_KEYS = ("entry_server", "entry_client")
MAX_PLAYERS = 64
MAX_DISPLAY_NAME = 80
MAX_DESCRIPTION = 2000
_TEXT_KEYS = ("name", "display_name", "type", "entry_server", "entry_client", "description")


@dataclass(frozen=True)
class Manifest:
    """A checked manifest; ``extra`` keeps optional and unknown keys exactly as written."""

    name: str
    display_name: str
    type: str
    max_players: int
    entry_server: str
    entry_client: str
    description: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object again: the seven keys plus ``extra`` (a copy, safe to change)."""
        data: dict[str, Any] = {key: getattr(self, key) for key in REQUIRED_KEYS}
        data.update(copy.deepcopy(self.extra))
        return data

    @property
    def min_players(self) -> int:
        """Fewest players a room needs to start; the full table unless the game says less."""
        value = self.extra.get("min_players", self.max_players)
        if not _whole(value) or not 1 <= value <= self.max_players:
            raise PackageError(_min_problem(value, self.max_players))
        return int(value)

    @property
    def requires(self) -> list[str]:
        """The Python packages the game needs (PEP 508 texts, checked); empty for most."""
        return list(self.extra.get("requires", []))


def parse_manifest(
    data: bytes | str | dict[str, Any], *, files: Collection[str] | None = None
) -> Manifest:
    """Checks a manifest; ``files`` (package paths) lets it check that the entries exist."""
    raw = as_object(data)
    problems = Problems()
    for key in REQUIRED_KEYS:
        if key not in raw:
            problems.add(Problem(key, f"manifest.json is missing {key!r}."))
    found = _text_problems(raw) + _player_problems(raw) + _entry_problems(raw, files)
    for problem in found + requires_problems(raw):
        problems.add(problem)
    problems.raise_if_any()
    extra = {key: value for key, value in raw.items() if key not in REQUIRED_KEYS}
    fields = {key: raw[key] for key in REQUIRED_KEYS}
    return Manifest(**fields, extra=copy.deepcopy(extra))


def load_manifest(folder: Path, *, check_entries: bool = True) -> Manifest:
    """Reads and checks ``folder/manifest.json``; entries must be files in the folder."""
    raw = as_object(read_manifest(Path(folder)))
    files = _present_entries(Path(folder), raw) if check_entries else None
    return parse_manifest(raw, files=files)


def load_package(
    folder: Path, limits: Limits, *, progress: Progress | None = None
) -> tuple[Manifest, list[FileEntry]]:
    """A package folder fully checked: its file index (scan_folder) and its manifest."""
    entries = scan_folder(Path(folder), limits, progress=progress)
    manifest = parse_manifest(read_manifest(Path(folder)), files={e.path for e in entries})
    return manifest, entries


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_problems(raw: dict[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    for key in _TEXT_KEYS:
        value = raw.get(key)
        if key in raw and not isinstance(value, str):
            found.append(Problem(key, f"manifest.json: {key!r} must be text (got {_got(value)})."))
        elif isinstance(value, str) and not value.strip():
            found.append(Problem(key, f"manifest.json: {key!r} must not be empty."))
        elif isinstance(value, str):
            found += [Problem(key, f"manifest.json: {key!r} {p}.") for p in _text_value(key, value)]
    return found


def _text_value(key: str, value: str) -> list[str]:
    """Clauses about one text value; display text must not carry terminal escape codes."""
    limits = {"display_name": MAX_DISPLAY_NAME, "description": MAX_DESCRIPTION}
    allowed = "\n\r\t" if key == "description" else ""
    found: list[str] = []
    if key == "name" and (reason := game_name_reason(value)):
        found.append(f"({shown(value)}) {reason}")
    if key == "type" and value not in TYPES:
        found.append(f"must be CLI or GUI (got {shown(value)})")
    if key in limits and len(value) > limits[key]:
        found.append(f"is {len(value):,} characters long; the limit is {limits[key]:,}")
    bad = next((c for c in value if _control(c) and c not in allowed), None)
    if key in limits and bad is not None:
        found.append(f"contains a control character ({bad!r})")
    return found


def _control(char: str) -> bool:
    return ord(char) < 32 or 127 <= ord(char) < 160


def _player_problems(raw: dict[str, Any]) -> list[Problem]:
    found: list[Problem] = []
    top = MAX_PLAYERS
    if "max_players" in raw:
        value = raw["max_players"]
        if not _whole(value) or value < 1:
            found.append(
                Problem(
                    "max_players",
                    "manifest.json: 'max_players' must be a whole number of at least 1 "
                    f"(got {_got(value)}).",
                )
            )
        elif value > MAX_PLAYERS:
            found.append(
                Problem(
                    "max_players",
                    f"manifest.json: 'max_players' must be at most {MAX_PLAYERS} (got {value}).",
                )
            )
        else:
            top = value
    value = raw.get("min_players", 1)
    if not _whole(value) or not 1 <= value <= top:
        found.append(_min_problem(value, top))
    return found


def _min_problem(value: Any, top: int) -> Problem:
    return Problem(
        "min_players",
        f"manifest.json: 'min_players' must be a whole number from 1 to {top} (got {_got(value)}).",
    )


def _entry_problems(raw: dict[str, Any], files: Collection[str] | None) -> list[Problem]:
    found: list[Problem] = []
    for key in ENTRY_KEYS:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            continue  # already reported as missing, not text or empty
        reason = path_reason(value)
        if reason:
            found.append(Problem(key, f"manifest.json: {key!r} ({shown(value)}) {reason}."))
        elif files is not None and value not in files:
            message = f"manifest.json: {key!r} names {value}, which is not in the package."
            found.append(Problem(key, message))
    return found


def _present_entries(folder: Path, raw: dict[str, Any]) -> set[str]:
    """Which entries exist as plain files, spelled exactly so (case-insensitive disks too)."""
    present: set[str] = set()
    for key in ENTRY_KEYS:
        value = raw.get(key)
        if isinstance(value, str) and path_reason(value) is None and _exact_file(folder, value):
            present.add(value)
    return present


def _exact_file(folder: Path, rel: str) -> bool:
    current = folder
    try:
        for part in rel.split("/"):
            if part not in os.listdir(current):
                return False
            current = current / part
            if stat.S_ISLNK(current.lstat().st_mode):
                return False
        return stat.S_ISREG(current.lstat().st_mode)
    except OSError:
        return False
