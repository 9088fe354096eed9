"""The hub's database: tables of JSON records by string key, behind a small interface.

TinyDB files underneath, split into 256 shard files per table so one write costs the
same however much unrelated data there is. Reads come from memory; writes go through
one writer thread that batches them (group commit) and return once they are on disk,
written atomically (temp file, fsync, rename, folder fsync). The interface is narrow on
purpose (DESIGN §10): a SQL server could stand behind it instead.

    repo = open_repository(path)          # blocking: call it in an executor
    await repo.put("players", "alice", {"name": "Alice"})
    repo.get("players", "alice")          # -> {"name": "Alice"} (a copy)
    repo.close()
"""

from __future__ import annotations

from hub_core.errors import StorageError
from hub_core.storage._repository import KeyExists, Repository, open_repository

__all__ = ["KeyExists", "Repository", "StorageError", "open_repository"]
