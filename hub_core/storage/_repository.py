"""The Repository: reads from memory, writes through the writer thread, durable on return.

All methods run on the hub's asyncio loop thread (``close`` may run anywhere). A change
updates the in-memory index at once, so reads see it and a second ``insert`` of the same
key fails, then queues the durable write; the awaitable resolves once it is on disk.
If the disk write fails, the caller gets StorageError and the index goes back to what
the disk holds for that key, unless a later change to the key is still queued (that
change's own outcome settles the key). A caller that stops waiting (cancellation) does
not undo the change: it is already in memory and will be written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any

from hub_core.errors import StorageError
from hub_core.storage._atomic import RootLock
from hub_core.storage._layout import Loaded, check_key, check_table, clean_temp_files, encode, load
from hub_core.storage._writer import Op, Outcome, Writer
from hub_core.util.fsync import fsync_dir

log = logging.getLogger(__name__)


class KeyExists(StorageError):
    """A record with this key already exists."""

    def __init__(self, table: str, key: str) -> None:
        super().__init__(f"A record with the key {key!r} already exists in the table {table!r}.")
        self.table = table
        self.key = key


class Repository:
    """Tables of JSON records keyed by strings; see the module docstring for the rules."""

    def __init__(self, root: Path, loaded: Loaded, lock: RootLock) -> None:
        self.root = root
        self._lock = lock
        self._index = loaded.index  # table -> key -> canonical JSON text
        self._latest: dict[tuple[str, str], Op] = {}  # the newest unsettled op per key
        self._changes: dict[str, int] = {}  # per table: changes in memory so far
        self._guard = threading.Lock()  # makes "closed?" + enqueue atomic against close()
        self._closed = False
        self._writer = Writer(root, loaded.shards, self._from_writer)

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        """A fresh copy: callers may change it freely."""
        text = self._index.get(table, {}).get(key)
        return None if text is None else _decode(text)

    def all(self, table: str) -> dict[str, dict[str, Any]]:
        return {key: _decode(text) for key, text in self._index.get(table, {}).items()}

    def texts(self, table: str) -> list[str]:
        """The records' JSON texts as they are now: a cheap copy to take on the loop and
        decode on a thread (``all`` decodes, which takes long for a big table)."""
        return list(self._index.get(table, {}).values())

    def changes(self, table: str) -> int:
        """How many times ``table`` changed in memory: what a reader derived from it holds
        while this number stays (the store list, asked for many times a second)."""
        return self._changes.get(table, 0)

    def tables(self) -> list[str]:
        """The tables that hold records (a handoff's check compares them all)."""
        return sorted(self._index)

    def count(self, table: str) -> int:
        return len(self._index.get(table, {}))

    def contains(self, table: str, key: str) -> bool:
        return key in self._index.get(table, {})

    async def put(self, table: str, key: str, doc: dict[str, Any]) -> None:
        """Inserts or replaces the whole record."""
        await _wait(self._change(table, key, encode(doc)))

    async def insert(self, table: str, key: str, doc: dict[str, Any]) -> None:
        """Like put, but raises KeyExists if the key is present, before any await."""
        text = encode(doc)
        if key in self._index.get(table, {}):
            raise KeyExists(table, key)
        await _wait(self._change(table, key, text))

    async def delete(self, table: str, key: str) -> None:
        """Removes the record if present; durable on return either way."""
        await _wait(self._change(table, key, None))

    async def flush(self) -> None:
        """Waits until everything queued so far is on disk (or has failed)."""
        if self._closed:
            return  # close() already wrote everything out
        await _wait(self._submit(Op(None, "", None, Future(), None)))

    def close(self) -> None:
        """Writes out everything queued, stops the writer and frees the folder; idempotent."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
            self._writer.submit(None)
        self._writer.join()
        self._lock.release()
        log.info("Closed the hub database in %s (%s)", self.root, self.stats())

    def stats(self) -> dict[str, int]:
        """Writer counters; ``commits`` counts batches written (each with its own fsyncs)."""
        return dict(self._writer.stats)

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _change(self, table: str, key: str, text: str | None) -> Future[None]:
        """Updates memory and queues the write; synchronous, so no other task interleaves."""
        check_table(table)
        check_key(key)
        op = Op(table, key, text, Future(), asyncio.get_running_loop())
        return self._submit(op, self._index.setdefault(table, {}))

    def _submit(self, op: Op, docs: dict[str, str] | None = None) -> Future[None]:
        with self._guard:
            if self._closed:
                raise StorageError("The hub database is closed.")
            if docs is not None:
                _set(docs, op.key, op.text)
                self._count_change(op.table or "")
                self._latest[(op.table or "", op.key)] = op
            self._writer.submit(op)
        return op.future

    def _from_writer(self, outcomes: list[Outcome]) -> None:
        """Writer thread: hands each loop its outcomes, ahead of the callers' wake-ups."""
        by_loop: dict[asyncio.AbstractEventLoop, list[Outcome]] = {}
        for outcome in outcomes:
            if outcome.op.loop is not None:
                by_loop.setdefault(outcome.op.loop, []).append(outcome)
        for loop, mine in by_loop.items():
            # A closed loop raises RuntimeError: nobody is left there to read the index.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._settle, mine)

    def _settle(self, outcomes: list[Outcome]) -> None:
        """Loop thread: forgets settled ops; puts a failed key back to its value on disk."""
        for outcome in outcomes:
            op = outcome.op
            slot = (op.table or "", op.key)
            if self._latest.get(slot) is not op:
                continue  # a newer change to this key is queued and will settle it
            del self._latest[slot]
            if outcome.error is not None and outcome.restore and op.table is not None:
                log.warning("Not saved, kept the value on disk for %s/%s", op.table, op.key)
                _set(self._index.setdefault(op.table, {}), op.key, outcome.durable)
                self._count_change(op.table)

    def _count_change(self, table: str) -> None:
        self._changes[table] = self._changes.get(table, 0) + 1


def open_repository(root: Path) -> Repository:
    """Opens (creating if needed) the database in ``root``, loading every shard into memory.

    Blocks on disk reads: the hub calls it in an executor. A damaged shard raises
    StorageError naming the file rather than starting with records missing.
    """
    root = Path(root)
    try:
        if not root.is_dir():
            root.mkdir(parents=True)
            fsync_dir(root.parent)  # so a crash soon after cannot lose the new folder
        lock = RootLock(root)
    except OSError as exc:
        raise StorageError(f"Could not open the hub database in {root}: {exc}.") from exc
    try:
        clean_temp_files(root)
        loaded = load(root)
    except OSError as exc:
        lock.release()
        raise StorageError(f"Could not read the hub database in {root}: {exc}.") from exc
    except BaseException:
        lock.release()
        raise
    return Repository(root, loaded, lock)


def _decode(text: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(text)
    return doc


def _set(docs: dict[str, str], key: str, text: str | None) -> None:
    if text is None:
        docs.pop(key, None)
    else:
        docs[key] = text


async def _wait(future: Future[None]) -> None:
    """Waits without blocking the loop; a cancelled waiter leaves the write to finish."""
    waiter = asyncio.wrap_future(future)
    waiter.add_done_callback(_consume)
    await asyncio.shield(waiter)


def _consume(waiter: asyncio.Future[None]) -> None:
    """Marks an abandoned waiter's error as seen, so asyncio does not log it as lost."""
    if not waiter.cancelled():
        waiter.exception()
