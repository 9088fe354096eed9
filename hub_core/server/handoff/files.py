"""A handoff's files: what moves, its manifest, and the small files that record a handoff.

In the hub folder: ``identity.json`` holds the hub's generation (how many times it was
handed over; clients refuse an older generation of a key they followed), ``HANDED_OVER.json``
marks a copy that was handed away (starting it again is refused), and ``control.json``
(owner-only) holds the token that lets ``gamehub handoff`` on this machine drive the hub.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from hub_core.server.store.blocks import is_pack, named_digest, pack_matches
from hub_core.util.fsync import write_atomic
from hub_core.wire.schema import HandoffFile

IDENTITY_FILE = "identity.json"
MARKER_FILE = "HANDED_OVER.json"
CONTROL_FILE = "control.json"
STAGING = "handoff.staging"  # beside hub/ in the receiver's data folder

# Under hub/: runtime state of this host that must not travel (servers are local
# processes; unpacked packages are rebuilt from blocks on demand).
_LOCAL_FOLDERS = frozenset({"servers", "unpacked"})
_LOCAL_FILES = frozenset({CONTROL_FILE, MARKER_FILE, ".lock"})

__all__ = [
    "CONTROL_FILE",
    "IDENTITY_FILE",
    "MARKER_FILE",
    "STAGING",
    "file_matches",
    "list_files",
    "matches",
    "read_control",
    "read_generation",
    "read_json",
    "sha256_file",
    "write_json",
]


def read_json(path: Path) -> dict[str, Any] | None:
    """A small JSON file's map; None if it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_json(
    path: Path, data: dict[str, Any], *, private: bool = False, durable: bool = True
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True).encode()
    write_atomic(path, text, private=private, durable=durable)


def read_generation(hub_dir: Path) -> int:
    data = read_json(hub_dir / IDENTITY_FILE) or {}
    value = data.get("generation", 0)
    return value if isinstance(value, int) and value >= 0 else 0


def read_control(hub_dir: Path) -> dict[str, Any] | None:
    return read_json(hub_dir / CONTROL_FILE)


def list_files(data_dir: Path, hub_dir: Path, room_logs: Path) -> list[HandoffFile]:
    """Every file that moves, with its size and SHA-256 (blocking; run it off the loop).

    Blocks are named by their SHA-256 already, so only the other files are read here; the
    receiver checks every byte of every file anyway.
    """
    found: list[HandoffFile] = []
    for path in _walk(hub_dir):
        rel = path.relative_to(data_dir).as_posix()
        digest = _block_digest(hub_dir, path) or sha256_file(path)
        found.append(HandoffFile(path=rel, size=path.stat().st_size, sha256=digest))
    if room_logs.is_dir():
        for path in sorted(room_logs.glob("*.log")):
            size = path.stat().st_size
            found.append(HandoffFile(rel_of(data_dir, path), size, sha256_file(path)))
    return found


def rel_of(data_dir: Path, path: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def _walk(hub_dir: Path) -> list[Path]:
    paths: list[Path] = []
    for root, dirs, files in os.walk(hub_dir):
        here = Path(root)
        if here == hub_dir:
            dirs[:] = [d for d in dirs if d not in _LOCAL_FOLDERS]
        dirs.sort()
        for name in sorted(files):
            if name in _LOCAL_FILES or name.endswith(".tmp"):
                continue
            paths.append(here / name)
    return paths


def _block_digest(hub_dir: Path, path: Path) -> str:
    """The content hash a block's or a pack's path spells, or "" for other files."""
    parts = path.relative_to(hub_dir).parts
    return named_digest(parts[1:]) if parts[0] == "blocks" else ""


def matches(entry: HandoffFile, data: bytes | memoryview) -> bool:
    """Whether a whole file arrived as listed: a block pack by its list of blocks and
    their hashes (its name is the SHA-256 of that list), any other file by its SHA-256."""
    if _is_pack(entry):
        return pack_matches(data, entry.sha256)
    return hashlib.sha256(data).hexdigest() == entry.sha256


def file_matches(entry: HandoffFile, path: Path) -> bool:
    """``matches`` for a file that arrived in pieces (read back; packs are a few MB)."""
    if _is_pack(entry):
        return pack_matches(path.read_bytes(), entry.sha256)
    return sha256_file(path) == entry.sha256


def _is_pack(entry: HandoffFile) -> bool:
    parts = PurePosixPath(entry.path).parts
    return len(parts) >= 3 and parts[-3] == "blocks" and is_pack(parts[-2:])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
