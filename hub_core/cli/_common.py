"""What every command shares: --data, --hub, passwords, output helpers."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import Any

import msgspec

from hub_core.client.hub_client import HubClient
from hub_core.util.paths import AppPaths, app_paths
from hub_core.wire.keys import KnownHubs

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3

PASSWORD_ENV = "GAMEHUB_PASSWORD"


class UsageError(Exception):
    """The command line was wrong; the message says how."""


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", metavar="DIR", help="keep all files under DIR instead of the usual folders"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")


def add_hub_options(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``required=False``: the command checks --hub itself (it can run without a hub)."""
    add_data_option(parser)
    parser.add_argument("--hub", required=required, metavar="ENDPOINT", help="the hub's host:port")
    parser.add_argument(
        "--trust-new-key",
        action="store_true",
        help="accept the hub's key even if it differs from the one trusted before",
    )


def paths_of(args: argparse.Namespace) -> AppPaths:
    return app_paths(args.data)


async def connect(args: argparse.Namespace) -> HubClient:
    """Connects to --hub, pinning its key in this user's known hubs."""
    known = KnownHubs(paths_of(args).client / "known_hubs.json")
    return await HubClient.connect(args.hub, known_hubs=known, retrust=args.trust_new_key)


def read_password(*, confirm: bool = False) -> str:
    """From GAMEHUB_PASSWORD, else a prompt; never from an argument (it would show in ps)."""
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise UsageError(f"No password: set {PASSWORD_ENV} or run the command in a terminal.")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Password again: ") != password:
        raise UsageError("The two passwords differ.")
    return password


def print_json(data: Any) -> None:
    """``data`` may hold Structs from the schema; they print as the wire's maps."""
    print(json.dumps(msgspec.to_builtins(data), ensure_ascii=False, sort_keys=True))
