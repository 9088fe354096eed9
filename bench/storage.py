"""Storage throughput and latency: acknowledged durable writes, 1 and 20 concurrent writers.

A table is pre-filled with 10k records of ~200 bytes; each writer then loops
``await repo.put(...)`` of a new or an existing key. In the same run, the baseline is a
plain atomic write of one ~200-byte file per write (temp file, fsync, rename, folder
fsync), so the ratio holds on a noisy machine.

    python bench/storage.py --json [--seconds 3]
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from _util import arguments, percentile, report  # type: ignore[import-not-found]

from hub_core.storage import Repository, open_repository

TABLE = "bench"
PREFILL = 10_000


def make_doc(i: int) -> dict[str, Any]:
    """About 200 bytes of JSON, shaped like an account record."""
    return {
        "name": f"player{i:06d}",
        "password": "scrypt$" + f"{i:032x}" * 2,
        "created": 1_700_000_000.0 + i,
        "played": {"chess": i % 7, "go": i % 3},
    }


async def prefill(repo: Repository) -> None:
    for start in range(0, PREFILL, 500):
        await asyncio.gather(
            *(repo.put(TABLE, f"k{i}", make_doc(i)) for i in range(start, start + 500))
        )


async def _writer(repo: Repository, rng: random.Random, until: float, lat: list[float]) -> int:
    count = 0
    while True:
        start = time.perf_counter()
        if start >= until:
            return count
        i = rng.randrange(PREFILL) if rng.random() < 0.5 else PREFILL + rng.randrange(10**9)
        await repo.put(TABLE, f"k{i}", make_doc(i))
        lat.append(time.perf_counter() - start)
        count += 1


async def measure(repo: Repository, writers: int, seconds: float) -> dict[str, float]:
    lat: list[float] = []
    start = time.perf_counter()
    until = start + seconds
    counts = await asyncio.gather(
        *(_writer(repo, random.Random(w), until, lat) for w in range(writers))
    )
    elapsed = time.perf_counter() - start
    return {
        "writes_per_s": round(sum(counts) / elapsed),
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
    }


def raw_atomic_writes(folder: Path, seconds: float) -> int:
    """Writes/s of the plain atomic-file recipe, one ~200-byte file per write."""
    folder.mkdir()
    data = os.urandom(100).hex().encode()
    count = 0
    until = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < until:
        path = folder / f"{count % 100}.json"
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fd = os.open(folder, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        count += 1
    return round(count / (time.perf_counter() - start))


async def run(folder: Path, seconds: float) -> dict[str, Any]:
    repo = open_repository(folder / "db")
    try:
        started = time.perf_counter()
        await prefill(repo)
        print(f"  pre-filled {PREFILL} records in {time.perf_counter() - started:.2f} s")
        one = await measure(repo, 1, seconds)
        twenty = await measure(repo, 20, seconds)
        stats = repo.stats()
    finally:
        repo.close()
    print(f"  writer stats: {stats}")
    return {
        "writes_per_s_1": one["writes_per_s"],
        "p50_ms_1": one["p50_ms"],
        "p99_ms_1": one["p99_ms"],
        "writes_per_s_20": twenty["writes_per_s"],
        "p50_ms_20": twenty["p50_ms"],
        "p99_ms_20": twenty["p99_ms"],
        "ops_per_commit": round(stats["ops"] / max(1, stats["commits"]), 2),
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"storage benchmark: {args.seconds:g} s per measurement, {os.cpu_count()} cores")
    folder = Path(tempfile.mkdtemp(prefix="gamehub-bench-storage-"))
    try:
        figures = asyncio.run(run(folder, args.seconds))
        figures["raw_writes_per_s"] = raw_atomic_writes(folder / "raw", args.seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["ratio_1"] = round(figures["writes_per_s_1"] / max(1, figures["raw_writes_per_s"]), 3)
    figures["ratio_20"] = round(figures["writes_per_s_20"] / max(1, figures["raw_writes_per_s"]), 3)
    report(figures)


if __name__ == "__main__":
    main()
