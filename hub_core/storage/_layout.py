"""Where records live on disk, and reading it all back at start.

Table ``players`` is the folder ``<root>/players/``; a record goes to the shard file
``<NN>.json`` where NN is the first byte of blake2b(key) in hex. That hash is stable
across runs and Python versions (``hash()`` is not), so a key always lands in the same
file, and a write rewrites about 1/256th of its table rather than the whole database.
Each shard file is an ordinary TinyDB file: ``{"<table>": {"<key>": {...doc...}}}``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub_core.errors import StorageError

log = logging.getLogger(__name__)

TABLE_PATTERN = re.compile(r"[a-z_][a-z0-9_]*")
SHARD_PATTERN = re.compile(r"[0-9a-f]{2}\.json")
TEMP_SUFFIX = ".tmp"

ShardId = tuple[str, str]  # (table, shard name such as "3f")


def check_table(table: str) -> None:
    """Table names become folder names, so they are kept to a portable alphabet."""
    if not isinstance(table, str) or not TABLE_PATTERN.fullmatch(table):
        raise ValueError(f"Table name {table!r} must match [a-z_][a-z0-9_]*.")


def check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError(f"Record key {key!r} must be a non-empty string.")


def shard_of(key: str) -> str:
    """The shard a key belongs to; surrogatepass so that any str (even lone surrogates) works."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=1).digest()
    return f"{digest[0]:02x}"


def encode(doc: dict[str, Any]) -> str:
    """The canonical JSON text of a doc.

    Encoding up front validates the doc before anything changes, and the text is an
    immutable deep copy: the loop side and the writer thread can each parse their own
    dicts from it, so no mutable object is ever shared between threads. ASCII-only text
    reads the same whatever encoding a reader assumes (plain TinyDB uses the locale's).
    """
    if not isinstance(doc, dict):
        raise TypeError(f"A record must be a dict, not {type(doc).__name__}.")
    return json.dumps(doc, ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def dump_shard(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode()


@dataclass
class Loaded:
    """What open finds on disk: texts for the loop-side index, whole files for the writer."""

    index: dict[str, dict[str, str]] = field(default_factory=dict)
    shards: dict[ShardId, dict[str, Any]] = field(default_factory=dict)


def clean_temp_files(root: Path) -> None:
    """Temp files are only ever left by a crash mid-write; the real file is intact."""
    for path in [*root.glob("*" + TEMP_SUFFIX), *root.glob("*/*" + TEMP_SUFFIX)]:
        log.warning("Removing %s, left over by an interrupted write", path)
        try:
            path.unlink()
        except OSError as exc:
            raise StorageError(f"Could not remove the leftover file {path}: {exc}.") from exc


def load(root: Path) -> Loaded:
    loaded = Loaded()
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and TABLE_PATTERN.fullmatch(folder.name):
            _load_table(folder, loaded)
    log.info(
        "Loaded %d records in %d tables from %s",
        sum(len(docs) for docs in loaded.index.values()),
        len(loaded.index),
        root,
    )
    return loaded


def _load_table(folder: Path, loaded: Loaded) -> None:
    table = folder.name
    docs = loaded.index.setdefault(table, {})
    for path in sorted(folder.iterdir()):
        if not SHARD_PATTERN.fullmatch(path.name):
            log.warning("Ignoring %s: not a shard file of the hub database", path)
            continue
        shard = path.name.removesuffix(".json")
        data = _read_shard(path)
        for key, doc in _table_in(path, data, table).items():
            if shard_of(key) != shard:
                raise _damaged(path, f"the record {key!r} belongs in {shard_of(key)}.json")
            try:
                docs[key] = encode(doc)
            except ValueError as exc:  # NaN or Infinity: json.loads accepts them, we don't
                raise _damaged(path, f"the record {key!r} holds {exc}") from exc
        loaded.shards[(table, shard)] = data


def _read_shard(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise StorageError(f"Could not read the database file {path}: {exc}.") from exc
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _damaged(path, f"it is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise _damaged(path, "it does not hold a JSON object")
    return data


def _table_in(path: Path, data: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    """The records of ``table`` in a shard; other TinyDB tables are kept but not indexed."""
    docs = data.get(table, {})
    if not isinstance(docs, dict):
        raise _damaged(path, f"the table {table!r} is not a JSON object")
    for key, doc in docs.items():
        if not key or not isinstance(doc, dict):
            raise _damaged(path, f"the record {key!r} is not a JSON object")
    return docs


def _damaged(path: Path, why: str) -> StorageError:
    return StorageError(
        f"The database file {path} is damaged: {why}. Restore it from a backup or move it "
        "away; the hub will not start without it, so that no data is lost silently."
    )
