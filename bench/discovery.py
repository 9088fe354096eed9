"""Discovery latency: from Announcer.start() to a running Browser's on_added.

Five hubs with unique names are announced one after another while a Browser runs; each
is timed from the start() call until on_added reports it (resolved, TXT parsed). In the
same run, the baseline does the same with plain zeroconf: `async_register_service(...,
cooperating_responders=True)` until it returned and a raw AsyncServiceBrowser fired Added.

mDNS never touches a real network here: unless GAMEHUB_NETNS=1, the script re-runs itself
in a private network namespace whose loopback carries multicast, and binds to 127.0.0.1.

    python bench/discovery.py --json
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from _util import arguments, fail, percentile, reexec_in_netns  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LO = ["127.0.0.1"]
TRIALS = 5
WAIT = 5.0


def announcement(tag: str) -> Any:
    import zmq

    from hub_core.discovery import HubAnnouncement

    return HubAnnouncement(
        name=f"Bench hub {tag}",
        host="bench@netns",
        address="127.0.0.1",
        req_port=47800,
        pub_port=47801,
        key=zmq.curve_keypair()[0].decode(),
        protocol=1,
    )


async def measure_gamehub(trials: int) -> tuple[list[float], list[float]]:
    """Seconds from Announcer.start() to on_added, and how long start() itself took."""
    from hub_core.discovery import Announcer, Browser, HubInfo

    seen: dict[str, asyncio.Event] = {}

    def added(info: HubInfo) -> None:
        seen.setdefault(info.service_name, asyncio.Event()).set()

    def ignore(_: HubInfo) -> None:
        pass

    browser = Browser(on_added=added, on_updated=ignore, on_removed=ignore, interfaces=LO)
    await browser.start()
    await asyncio.sleep(0.3)  # the browser's first queries are out; the network is quiet
    times: list[float] = []
    starts: list[float] = []
    try:
        for i in range(trials + 1):  # the first one warms up
            announcer = Announcer(announcement(f"{i}-{uuid.uuid4().hex[:6]}"), interfaces=LO)
            event = seen.setdefault(announcer.service_name, asyncio.Event())
            began = time.perf_counter()
            await announcer.start()
            started = time.perf_counter()
            await asyncio.wait_for(event.wait(), WAIT)
            done = time.perf_counter()
            await announcer.stop()
            if i:
                times.append(done - began)
                starts.append(started - began)
    finally:
        await browser.stop()
    return times, starts


async def measure_raw(trials: int) -> list[float]:
    """The same with plain zeroconf: register until returned and a raw browser saw it."""
    from zeroconf import ServiceStateChange, Zeroconf
    from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

    from hub_core.discovery import SERVICE_TYPE

    seen: dict[str, asyncio.Event] = {}

    def changed(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change is ServiceStateChange.Added:
            seen.setdefault(name, asyncio.Event()).set()

    browsing = AsyncZeroconf(interfaces=LO)
    announcing = AsyncZeroconf(interfaces=LO)
    browser = AsyncServiceBrowser(browsing.zeroconf, SERVICE_TYPE, handlers=[changed])
    await asyncio.sleep(0.3)
    times: list[float] = []
    try:
        for i in range(trials + 1):
            name = f"Raw hub {i}-{uuid.uuid4().hex[:6]}.{SERVICE_TYPE}"
            info = AsyncServiceInfo(
                SERVICE_TYPE,
                name,
                port=47800,
                properties={"v": "1", "name": name, "req": "47800", "pub": "47801"},
                server=f"raw-{i}.local.",
                parsed_addresses=["127.0.0.1"],
            )
            event = seen.setdefault(name, asyncio.Event())
            began = time.perf_counter()
            await announcing.async_register_service(info, cooperating_responders=True)
            await asyncio.wait_for(event.wait(), WAIT)
            done = time.perf_counter()
            await (await announcing.async_unregister_service(info))
            if i:
                times.append(done - began)
    finally:
        await browser.async_cancel()
        await announcing.async_close()
        await browsing.async_close()
    return times


async def run(trials: int) -> dict[str, Any]:
    seen, starts = await measure_gamehub(trials)
    raw = await measure_raw(trials)
    p50, raw_p50 = percentile(seen, 50), percentile(raw, 50)
    return {
        "trials": trials,
        "seen_s_p50": round(p50, 5),
        "seen_s_max": round(max(seen), 5),
        "start_s_p50": round(percentile(starts, 50), 5),
        "raw_seen_s_p50": round(raw_p50, 5),
        "raw_seen_s_max": round(max(raw), 5),
        "ratio": round(p50 / raw_p50, 2) if raw_p50 > 0 else None,
        "target_seen_s": 0.5,
    }


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--trials", type=int, default=TRIALS)
    args = parser.parse_args()
    if os.environ.get("GAMEHUB_NETNS") != "1":
        reexec_in_netns(str(Path(__file__).resolve()))
    print(f"discovery benchmark: {args.trials} hubs announced on 127.0.0.1 in a private netns")
    from hub_core.errors import DiscoveryError

    try:
        figures = asyncio.run(run(max(1, args.trials)))
    except (OSError, TimeoutError, DiscoveryError) as exc:
        fail(f"discovery benchmark failed: {exc!r}")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
