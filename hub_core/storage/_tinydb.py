"""One shard file as a TinyDB database whose storage writes only when told to.

TinyDB's own JSONStorage rewrites the file on every change. Here the storage keeps the
shard in memory and ``commit()`` writes it atomically, so the writer thread can apply a
whole batch of changes and then pay for one file write per touched shard.
Only the writer thread touches these objects.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Storage, TinyDB
from tinydb.table import Table

from hub_core.storage._layout import dump_shard, encode
from hub_core.util.fsync import write_atomic

log = logging.getLogger(__name__)


class CommitStorage(Storage):
    """TinyDB storage held in memory; ``commit()`` puts it on disk atomically."""

    def __init__(self, path: Path, data: dict[str, Any] | None = None) -> None:
        self.path = path
        self._data = data

    def read(self) -> dict[str, dict[str, Any]] | None:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data

    def commit(self) -> None:
        write_atomic(self.path, dump_shard(self._data or {}))


class KeyTable(Table):
    """A TinyDB table whose document ids are the records' string keys."""

    document_id_class = str  # type: ignore[assignment]  # TinyDB documents this override

    def replace(self, key: str, doc: dict[str, Any]) -> None:
        """Sets the whole doc (TinyDB's upsert would merge fields into the old one)."""

        def updater(table: dict[Any, Any]) -> None:
            table[key] = doc

        change_table(self, updater)

    def discard(self, key: str) -> None:
        def updater(table: dict[Any, Any]) -> None:
            table.pop(key, None)

        change_table(self, updater)


def change_table(table: Table, change: Callable[[dict[Any, Any]], None]) -> None:
    """Applies ``change`` to the table's raw {key: doc} dict and stores it, in one write.

    The only use of TinyDB private API (``Table._update_table``, unchanged from 4.0 to
    4.8; pyproject pins tinydb<5). The public writes do not fit: ``update`` edits docs in
    place, which would corrupt ShardDB.begin's snapshot (it copies two dict levels and
    relies on docs being replaced, never edited); ``upsert`` merges fields; ``remove``
    then ``insert`` converts the whole table twice per record, and ``remove`` of an
    absent key raises.
    """
    table._update_table(change)


class ShardDB(TinyDB):
    """One shard of one table, with a snapshot to go back to when its write fails."""

    table_class = KeyTable

    def __init__(self, path: Path, table: str, data: dict[str, Any] | None) -> None:
        super().__init__(path, data, storage=CommitStorage)
        self.path = path
        self._store: CommitStorage = self.storage  # type: ignore[assignment]
        self._records: KeyTable = self.table(table)  # type: ignore[assignment]
        self._saved: dict[str, dict[str, Any]] | None = None

    def begin(self) -> None:
        """Remembers the state on disk before a batch changes it.

        Docs are replaced whole, never edited in place, so copying the two dict levels
        (tables, then keys) is a full snapshot at a fraction of a deep copy's cost.
        """
        data = self._store.read() or {}
        self._saved = {name: dict(docs) for name, docs in data.items()}

    def apply(self, key: str, text: str | None) -> None:
        if text is None:
            self._records.discard(key)
        else:
            self._records.replace(key, json.loads(text))

    def commit(self) -> None:
        self._store.commit()

    def forget(self) -> None:
        """The batch is on disk: the snapshot is no longer needed."""
        self._saved = None

    def rollback(self) -> None:
        """Back to the state before ``begin()``: what the file on disk still holds."""
        if self._saved is not None:
            self._store.write(self._saved)
            self._saved = None
            self._records.clear_cache()

    def text_of(self, key: str) -> str | None:
        doc = (self._store.read() or {}).get(self._records.name, {}).get(key)
        return None if doc is None else encode(doc)
