"""Test helper for the kill -9 test: writes until killed, reporting every acknowledged write.

    python _writer_child.py ROOT RUN

Opens the repository in ROOT, prints ``ready``, then runs several concurrent writers.
After each ``await repo.put(...)`` returns (the write is acknowledged, so it must be on
disk), it prints ``key<TAB>doc-json`` and flushes. Even steps write a fresh key, odd
steps overwrite one of a few keys per writer, so both new and replaced records are checked.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from hub_core.storage import Repository, open_repository

WRITERS = 8
TABLE = "records"


def record(run: int, writer: int, step: int) -> tuple[str, dict[str, Any]]:
    """The key and doc of one step; the parent rebuilds docs with this to check content."""
    key = f"r{run}w{writer}s{step}" if step % 2 == 0 else f"r{run}w{writer}o{step % 5}"
    doc = {"run": run, "writer": writer, "step": step, "pad": f"{run}-{writer}-{step}-" * 8}
    return key, doc


async def write_forever(repo: Repository, run: int, writer: int) -> None:
    step = 0
    while True:
        key, doc = record(run, writer, step)
        await repo.put(TABLE, key, doc)
        sys.stdout.write(f"{key}\t{json.dumps(doc)}\n")
        sys.stdout.flush()
        step += 1


async def main(root: Path, run: int) -> None:
    repo = open_repository(root)
    print("ready", flush=True)
    await asyncio.gather(*(write_forever(repo, run, w) for w in range(WRITERS)))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2])))
