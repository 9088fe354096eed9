"""`gamehub host` (a hub without a window) and `gamehub discover` (hubs on the LAN)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hub_core.cli import _handoff
from hub_core.cli._common import EXIT_OK, add_data_option, paths_of, print_json
from hub_core.server.hub import DEFAULT_PORT, HubConfig, HubEndpoints
from hub_core.server.lobby.history import DEFAULT_KEPT
from hub_core.server.thread import serve_until_stopped
from hub_core.util.logs import setup_logging


def add_commands(commands: Any) -> None:
    host = commands.add_parser(
        "host",
        help="run a hub without a window",
        description="Run a hub without a window; Ctrl+C stops it cleanly.",
    )
    add_data_option(host)
    host.add_argument("--name", default="", help="the hub's name as players see it")
    host.add_argument(
        "--bind", default="0.0.0.0", metavar="ADDR", help="address to listen on (all by default)"
    )
    host.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        metavar="P",
        help=f"request port; P+1 and P+2 are used too (default {DEFAULT_PORT}; 0 = any free)",
    )
    host.add_argument(
        "--no-discovery", action="store_true", help="do not announce the hub on the LAN"
    )
    host.add_argument(
        "--no-samples", action="store_true", help="do not publish the sample games on a new hub"
    )
    host.add_argument(
        "--matches-kept",
        type=_positive,
        default=DEFAULT_KEPT,
        metavar="N",
        help=f"match history: keep the newest N matches per game (default {DEFAULT_KEPT})",
    )
    host.add_argument("--json", action="store_true", help="print the endpoints as one JSON line")
    _handoff.add_accept_options(host)
    host.set_defaults(func=run_host)

    discover = commands.add_parser(
        "discover", help="list hubs on the LAN", description="List hubs announced on the LAN."
    )
    add_data_option(discover)
    discover.add_argument(
        "--timeout", type=float, default=2.0, metavar="S", help="how long to listen"
    )
    discover.add_argument("--json", action="store_true", help="print a JSON list")
    discover.add_argument(
        "--diagnose",
        action="store_true",
        help="check why hubs are not found: interfaces, mDNS sockets, a self-test, firewall",
    )
    discover.set_defaults(func=run_discover)


async def run_host(args: argparse.Namespace) -> int:
    paths = paths_of(args).ensure()
    setup_logging(paths.logs, file_name="hub.log", verbose=args.verbose)
    config = HubConfig(
        name=args.name,
        data_dir=paths.data,
        bind=args.bind,
        port=args.port,
        discovery=not args.no_discovery,
        samples=not args.no_samples,
        matches_kept=args.matches_kept,
        ignore_handoff_marker=args.ignore_handoff_marker,
        handoff_idle=args.handoff_timeout,
    )
    on_ready = lambda ep: _print_endpoints(ep, as_json=args.json)  # noqa: E731
    if args.accept_handoff:
        code = await _handoff.run_accept(args, config, on_ready)
        print("Hub stopped.", flush=True)
        return code
    await serve_until_stopped(config, on_ready)
    print("Hub stopped.", flush=True)
    return EXIT_OK


def _print_endpoints(ep: HubEndpoints, *, as_json: bool) -> None:
    if as_json:
        print_json(ep.as_dict())
    else:
        print(f"GameHub hub {ep.name!r} is running, hosted by {ep.host}.")
        for address in _addresses(ep.bind):
            print(f"  Requests (--hub): {ep.endpoint(address)}")
        print(f"  Events: port {ep.ports.pub}    Hello: port {ep.ports.hello}")
        print(f"  Key fingerprint: {ep.fingerprint}")
        print(f"  Data folder: {ep.data_dir}")
        print("Press Ctrl+C to stop.")
    sys.stdout.flush()


def _addresses(bind: str) -> list[str]:
    if bind not in ("0.0.0.0", "*", ""):
        return [bind]
    from hub_core.discovery import local_addresses

    return local_addresses() or ["127.0.0.1"]


async def run_discover(args: argparse.Namespace) -> int:
    from hub_core.client.probe import probe_hub
    from hub_core.discovery import discover

    if args.diagnose:
        return await _run_diagnose(args)
    hubs = await discover(args.timeout, probe=probe_hub)
    if args.json:
        print_json(
            [
                {
                    "name": h.name,
                    "host": h.host,
                    "endpoint": h.endpoint,
                    "addresses": list(h.addresses),
                    "req_port": h.req_port,
                    "pub_port": h.pub_port,
                    "key": h.key,
                    "protocol": h.protocol,
                    "alive": h.alive,
                }
                for h in hubs
            ]
        )
    elif not hubs:
        print(
            f"No hubs found within {args.timeout:g} s. Enter a hub's host:port by hand if "
            "your network blocks multicast."
        )
    else:
        for h in hubs:
            state = "" if h.alive else "  (not answering)"
            print(f"{h.name}  —  {h.endpoint}  hosted by {h.host}{state}")
    return EXIT_OK


async def _run_diagnose(args: argparse.Namespace) -> int:
    """Runs the discovery checks and prints the report (or its JSON)."""
    from hub_core.discovery.diagnose import diagnose, render

    found = await diagnose(hub_port=DEFAULT_PORT, wait=max(args.timeout, 0.5))
    if args.json:
        print_json(found.as_dict())
    else:
        print(render(found))
    return EXIT_OK


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1.")
    return value
