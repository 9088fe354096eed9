"""Shared bits for the benchmarks: a hub in a child process, percentiles, the JSON line."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


NETNS_SETUP = (
    "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
    ' && export GAMEHUB_NETNS=1 && exec "$@"'
)


def arguments(description: str | None) -> argparse.ArgumentParser:
    """Every benchmark's parser: ``--json`` (accepted; the JSON line is always printed)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--json", action="store_true", help="end with one JSON line (always printed)"
    )
    return parser


def fail(message: str) -> None:
    """Ends a benchmark that cannot run here with its one JSON line."""
    print(json.dumps({"error": message}, sort_keys=True))
    sys.exit(0)


def reexec_in_netns(script: str) -> None:
    """Runs ``script`` again inside a private network namespace whose loopback carries
    multicast, so mDNS never reaches a real network (never returns)."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        fail("needs unshare and ip (util-linux, iproute2) to make a private network namespace")
    root = os.geteuid() == 0
    prefix = ["unshare", "--net"] if root else ["unshare", "--user", "--map-root-user", "--net"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        fail("cannot create a private network namespace here (unshare refused)")
    args = [*prefix, "--", "bash", "-c", NETNS_SETUP, "netns", sys.executable, script]
    sys.stdout.flush()
    os.execvp(args[0], [*args, *sys.argv[1:]])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class HubProcess:
    """`gamehub host` on 127.0.0.1 in a child process, with its own temporary data folder."""

    def __init__(
        self, *extra: str, samples: bool = False, env: dict[str, str] | None = None
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="gamehub-bench-")
        self.data = Path(self._tmp.name)
        args = [
            sys.executable,
            "-m",
            "hub_core",
            "host",
            "--data",
            self._tmp.name,
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--no-discovery",
            "--json",
            *extra,
        ]
        if not samples:
            args.append("--no-samples")
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **(env or {})}
        )
        assert self.proc.stdout is not None
        self.info: dict[str, Any] = json.loads(self.proc.stdout.readline())
        self.endpoint = f"127.0.0.1:{self.info['req_port']}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)
        self._tmp.cleanup()


def cpu_ticks() -> list[int] | None:
    """The machine's CPU time so far by kind, from Linux's /proc/stat (None elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            return [int(n) for n in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_share(before: list[int] | None, after: list[int] | None) -> float | None:
    """The percentage of the machine's CPU time between two ``cpu_ticks`` that the
    hypervisor gave to other machines (``steal``, the eighth field of /proc/stat): on a
    shared VM, a phase with much of it is slow for reasons outside GameHub and its
    baseline, which may not have lost the same share."""
    if before is None or after is None or len(before) < 8 or len(after) < 8:
        return None
    spent = [b - a for a, b in zip(before[:8], after[:8], strict=True)]
    total = sum(spent)
    return round(100 * spent[7] / total, 1) if total else None


_TICKS_AT_START = cpu_ticks()


def report(figures: dict[str, Any]) -> None:
    """Human lines, then the figures as one JSON object on the last line; with them the
    machine's ``steal_pct`` over the run, where the system tells it."""
    steal = steal_share(_TICKS_AT_START, cpu_ticks())
    if steal is not None:
        figures.setdefault("steal_pct", steal)
    for key, value in figures.items():
        print(f"  {key}: {value}")
    print(json.dumps(figures, sort_keys=True))
