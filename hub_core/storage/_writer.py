"""The one thread that writes: group commit of everything queued since its last write.

Callers queue operations and wait on a future. The writer takes all that is queued,
applies it to the shard TinyDBs, writes each touched shard once, fsyncs each touched
folder once, and only then resolves the futures. While it writes, new operations pile
up and become the next batch, so 20 concurrent writers share fsyncs instead of queueing
behind 20 of them each. The writer owns its shard state outright; operations carry
immutable JSON text, never a dict the loop side could still change.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub_core.errors import StorageError
from hub_core.storage._atomic import make_dir
from hub_core.storage._layout import ShardId, shard_of
from hub_core.storage._tinydb import ShardDB
from hub_core.util.fsync import fsync_dir

log = logging.getLogger(__name__)

FILE_THREADS = 4
MAX_BATCH = 1000  # bounds one batch's memory and latency when callers flood the queue


@dataclass(eq=False, slots=True)
class Op:
    """One queued change; ``table`` None is a barrier (flush), ``text`` None a delete."""

    table: str | None
    key: str
    text: str | None
    future: Future[None]
    loop: asyncio.AbstractEventLoop | None


@dataclass(slots=True)
class Outcome:
    """How an Op ended; after a failure, ``durable`` is the key's value still on disk."""

    op: Op
    error: StorageError | None = None
    restore: bool = False
    durable: str | None = None


Settle = Callable[[list[Outcome]], None]


class Writer:
    """Owns the shard TinyDBs and the thread that commits them."""

    def __init__(self, root: Path, shards: dict[ShardId, dict[str, Any]], settle: Settle) -> None:
        self.root = root
        self.stats = {"commits": 0, "ops": 0, "files": 0, "dir_syncs": 0, "failures": 0}
        self._unopened = shards  # raw file contents, made into ShardDBs on first use
        self._dbs: dict[ShardId, ShardDB] = {}
        self._folders = {self.root / table for table, _ in shards}
        self._settle = settle
        self._pool = ThreadPoolExecutor(FILE_THREADS, thread_name_prefix="storage-file")
        self._queue: queue.SimpleQueue[Op | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="storage-writer", daemon=True)
        self._thread.start()

    def submit(self, op: Op | None) -> None:
        """Queues an op; None asks the thread to stop once everything before it is written."""
        self._queue.put(op)

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        while True:
            batch, stop = self._take()
            if batch:
                self._commit_guarded(batch)
            if stop:
                self._pool.shutdown()
                log.debug("Storage writer stopped after %s", self.stats)
                return

    def _take(self) -> tuple[list[Op], bool]:
        """Blocks for one op, then takes whatever else is already queued."""
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < MAX_BATCH:
            try:
                op = self._queue.get_nowait()
            except queue.Empty:
                break
            if op is None:
                return batch, True
            batch.append(op)
        return batch, False

    def _commit_guarded(self, batch: list[Op]) -> None:
        """A bug must not leave callers waiting forever, nor kill the thread."""
        try:
            outcomes = self._commit(batch)
        except Exception as exc:
            log.exception("Storage writer failed on a batch of %d operations", len(batch))
            outcomes = [
                Outcome(op, StorageError(f"Saving to the hub database failed: {exc}."))
                for op in batch
            ]
        self._finish(outcomes)

    def _commit(self, batch: list[Op]) -> list[Outcome]:
        placed = [(op, None if op.table is None else self._db(op.table, op.key)) for op in batch]
        touched: dict[ShardDB, None] = {}  # an ordered set
        for op, db in placed:
            if db is not None:
                if db not in touched:
                    db.begin()
                    touched[db] = None
                db.apply(op.key, op.text)
        failed = self._write_files(list(touched))
        for db in touched:
            if db in failed:
                db.rollback()
            else:
                db.forget()
        self.stats["commits"] += 1 if touched else 0
        self.stats["ops"] += len(batch)
        self.stats["failures"] += len(failed)
        return [
            Outcome(op) if db is None else self._outcome(op, db, failed.get(db))
            for op, db in placed
        ]

    def _write_files(self, touched: list[ShardDB]) -> dict[ShardDB, OSError]:
        """Writes every touched shard, then fsyncs each folder once; returns what failed."""
        failed: dict[ShardDB, OSError] = {}
        for folder in {db.path.parent for db in touched}:
            try:
                self._ensure_folder(folder)
            except OSError as exc:
                failed.update({db: exc for db in touched if db.path.parent == folder})
        ready = [db for db in touched if db not in failed]
        # fsyncs of different files overlap on the disk; one file needs no thread hand-off.
        results = self._pool.map(_try_commit, ready) if len(ready) > 1 else map(_try_commit, ready)
        for db, problem in zip(ready, results, strict=True):
            if problem is None:
                self.stats["files"] += 1
            else:
                failed[db] = problem
        for folder in {db.path.parent for db in touched if db not in failed}:
            try:
                fsync_dir(folder)
                self.stats["dir_syncs"] += 1
            except OSError as exc:  # the renames may not be durable: count them as failed
                failed.update({db: exc for db in touched if db.path.parent == folder})
        return failed

    def _outcome(self, op: Op, db: ShardDB, exc: OSError | None) -> Outcome:
        if exc is None:
            return Outcome(op)
        error = StorageError(f"Could not save to the database file {db.path}: {_os_text(exc)}.")
        error.__cause__ = exc
        return Outcome(op, error, restore=True, durable=db.text_of(op.key))

    def _db(self, table: str, key: str) -> ShardDB:
        shard_id = (table, shard_of(key))
        db = self._dbs.get(shard_id)
        if db is None:
            path = self.root / table / f"{shard_id[1]}.json"
            db = self._dbs[shard_id] = ShardDB(path, table, self._unopened.pop(shard_id, None))
        return db

    def _ensure_folder(self, folder: Path) -> None:
        if folder not in self._folders:
            make_dir(folder)
            self._folders.add(folder)

    def _finish(self, outcomes: list[Outcome]) -> None:
        """Settles the loop-side index first, then wakes the callers (same FIFO order)."""
        try:
            self._settle(outcomes)
        except Exception:
            log.exception("Storage writer could not report a batch back")
        for outcome in outcomes:
            try:
                if outcome.error is None:
                    outcome.op.future.set_result(None)
                else:
                    outcome.op.future.set_exception(outcome.error)
            except InvalidStateError:  # the waiter gave up; the write itself stands
                pass


def _try_commit(db: ShardDB) -> OSError | None:
    try:
        db.commit()
    except OSError as exc:
        return exc
    return None


def _os_text(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
