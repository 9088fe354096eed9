"""`gamehub register` and `gamehub login`."""

from __future__ import annotations

import argparse
from typing import Any

from hub_core.cli._common import EXIT_OK, add_hub_options, connect, print_json, read_password
from hub_core.wire.protocol import ROLES
from hub_core.wire.schema import ClientKind


def add_commands(commands: Any) -> None:
    for name, helptext, func in (
        ("register", "create an account on a hub", register),
        ("login", "check a name and password (exit 0 if they work, 1 if not)", login),
    ):
        parser = commands.add_parser(name, help=helptext, description=helptext)
        add_hub_options(parser)
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--user", required=True)
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.set_defaults(func=func)


async def register(args: argparse.Namespace) -> int:
    password = read_password(confirm=True)
    async with await connect(args) as client:
        await client.register(args.role, args.user, password)
    _say(
        args,
        {"ok": True, "user": args.user, "role": args.role},
        f"Created the {args.role} account {args.user!r}.",
    )
    return EXIT_OK


async def login(args: argparse.Namespace) -> int:
    password = read_password()
    async with await connect(args) as client:
        session = await client.login(
            args.role, args.user, password, watch=False, client=ClientKind.CLI
        )
        await client.logout()
    _say(
        args,
        {"ok": True, "user": session.user, "role": session.role},
        f"Logged in as {args.role} {session.user!r}: the name and password work.",
    )
    return EXIT_OK


def _say(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        print_json(data)
    else:
        print(text)
