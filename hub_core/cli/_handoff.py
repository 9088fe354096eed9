"""`gamehub handoff` (hand a running hub over) and `gamehub host --accept-handoff` (take one).

The host drives its own hub through ``hub/control.json`` in the hub's data folder: a
random token, readable only by the user who runs the hub, presented over the hub's
ordinary encrypted request socket on this machine. File permissions are the operating
system's own answer to "is this the host?", the same guard as the hub's key file; no new
port or socket type is opened, and it works the same on Linux, macOS and Windows.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from hub_core.cli._common import (
    EXIT_OK,
    EXIT_REFUSED,
    UsageError,
    add_data_option,
    connect,
    paths_of,
    print_json,
    read_password,
)
from hub_core.client.hub_client import HubClient
from hub_core.errors import GameHubError, HubUnreachable
from hub_core.server.handoff import files
from hub_core.server.handoff.receiver import Receiver, ReceiveState, confirm_serving
from hub_core.server.handoff.sender import IDLE_TIMEOUT
from hub_core.server.hub import Hub, HubConfig, default_host_label
from hub_core.server.thread import serve_hub
from hub_core.util.malloc import tune_for_blocks
from hub_core.util.paths import AppPaths
from hub_core.wire.keys import KEY_FILE

_POLL = 0.2


def add_commands(commands: Any) -> None:
    handoff = commands.add_parser(
        "handoff",
        help="hand this computer's running hub over to a player's copy",
        description="Hand the hub running on this computer over to a player whose copy "
        "accepts hubs (gamehub host --accept-handoff). Run it as the user who runs the hub.",
    )
    add_data_option(handoff)
    handoff.add_argument("--to", required=True, metavar="USER", help="the player to hand it to")
    handoff.add_argument(
        "--wait-matches",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="let running matches finish for up to this long first (then they end)",
    )
    handoff.add_argument("--json", action="store_true", help="print progress as JSON lines")
    handoff.set_defaults(func=run_handoff)


async def run_handoff(args: argparse.Namespace) -> int:
    paths = paths_of(args)
    client = await _control_client(paths)
    control = str((files.read_control(paths.hub) or {}).get("token", ""))
    async with client:
        started = await client.start_handoff(control, args.to, args.wait_matches)
        _say(args, "started", f"Handing the hub over to {started.to}…")
        last = ""
        while True:
            try:
                status = await client.handoff_status(control)
            except HubUnreachable:  # it stops right after telling everyone where it went
                if not (paths.hub / files.MARKER_FILE).exists():
                    raise HubUnreachable(
                        "The hub stopped answering before the handoff finished; its data "
                        f"in {paths.data} is unchanged."
                    ) from None
                status = None
            if status is None or status.state == "moved":
                _say(args, "moved", f"The hub now runs on {started.to}'s computer.")
                return EXIT_OK
            if status.state == "failed":
                _say(args, "failed", status.message)
                return EXIT_REFUSED
            if status.message != last:
                _say(args, status.state, status.message)
                last = status.message
            await asyncio.sleep(_POLL)


async def _control_client(paths: AppPaths) -> HubClient:
    """Connects to the hub running from ``paths`` and checks it holds this folder's key."""
    control = files.read_control(paths.hub)
    key = files.read_json(paths.hub / KEY_FILE) or {}
    if control is None or "public" not in key:
        raise UsageError(
            f"No hub is running from {paths.data}: start it with gamehub host --data "
            f"{paths.data}, and run this command as the user who runs it."
        )
    bind = str(control.get("bind", ""))
    host = "127.0.0.1" if bind in ("", "0.0.0.0", "*") else bind
    client = await HubClient.connect(f"{host}:{control.get('port')}")
    if client.hello.key != key["public"]:
        await client.close()
        raise GameHubError(
            f"The hub answering on port {control.get('port')} is not the one in {paths.data}."
        )
    return client


def _say(args: argparse.Namespace, state: str, message: str) -> None:
    if args.json:
        print_json({"state": state, "message": message})
    else:
        print(message)
    sys.stdout.flush()


# -- the receiving side (gamehub host --accept-handoff) ---------------------------------


def add_accept_options(host: argparse.ArgumentParser) -> None:
    host.add_argument(
        "--accept-handoff",
        action="store_true",
        help="take over the hub at --hub when its host hands it to this copy",
    )
    host.add_argument("--hub", metavar="ENDPOINT", help="the hub to follow (with --accept-handoff)")
    host.add_argument("--user", help="the player account to log in with (--accept-handoff)")
    host.add_argument("--trust-new-key", action="store_true", help=argparse.SUPPRESS)
    host.add_argument(
        "--handoff-rate",
        type=float,
        default=0.0,
        metavar="MB/S",
        help="receive a hub at most this fast, to spare the network (default: no limit)",
    )
    host.add_argument(
        "--handoff-timeout",
        type=float,
        default=IDLE_TIMEOUT,
        metavar="S",
        help=f"when handing this hub over, give up on a receiver silent this long "
        f"(default {IDLE_TIMEOUT:g})",
    )
    host.add_argument(
        "--ignore-handoff-marker",
        action="store_true",
        help="run a hub that was handed over to another host anyway (clients will refuse it)",
    )


async def run_accept(args: argparse.Namespace, config: HubConfig, on_ready: Any) -> int:
    """Waits to be handed the hub at --hub, takes it over, then serves it like `gamehub host`."""
    if not args.hub or not args.user:
        raise UsageError("--accept-handoff needs --hub ENDPOINT and --user NAME.")
    paths = paths_of(args)
    tune_for_blocks()  # the hub's files arrive in 4 MiB replies: warm pages, as in the hub
    client = await connect(args)
    receiver = Receiver(client, paths, _reporter(args), rate=args.handoff_rate * 1e6)
    receiver.check_empty()
    await client.login("player", args.user, read_password())
    offer = await receiver.wait_for_offer(host=default_host_label())
    state = await receiver.receive(offer)
    config.name, config.restore, config.samples = state.name, state, False
    hub = Hub(config)
    durable = asyncio.ensure_future(receiver.make_durable())  # the disk works as the hub starts
    try:
        endpoints = await hub.start()
        ports = (endpoints.ports.req, endpoints.ports.pub)
        await confirm_serving(client, offer.handoff, paths, config.bind, ports, hub.stop, durable)
    finally:
        await asyncio.wait([durable])
        await client.close()
    receiver.report(ReceiveState.SERVING, "This computer now hosts the hub.", 0, 0)
    await serve_hub(hub, on_ready, started=endpoints)
    return EXIT_OK


def _reporter(args: argparse.Namespace) -> Any:
    def report(state: ReceiveState, message: str, done: int, total: int) -> None:
        if args.json:  # every chunk: scripts (and tests) follow the progress
            print_json({"handoff": state.value, "message": message, "done": done, "total": total})
        elif message:
            print(message)
        sys.stdout.flush()

    return report
