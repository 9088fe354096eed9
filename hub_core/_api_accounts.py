"""Request kinds for accounts and sessions: register, login, logout, whoami, ping."""

from __future__ import annotations

import time
from typing import Any

import msgspec

from hub_core._routes import Context, NoArgs, Routes
from hub_core.accounts import Accounts
from hub_core.sessions import Role


class Credentials(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    role: Role
    user: str
    password: str


def add_routes(routes: Routes, accounts: Accounts) -> None:
    """Registers the account request kinds on ``routes``."""

    async def register(_: Context, args: Credentials) -> dict[str, Any]:
        return await accounts.register(args.role, args.user, args.password)

    async def login(ctx: Context, args: Credentials) -> dict[str, Any]:
        session = await accounts.login(args.role, args.user, args.password, ctx.address)
        return {
            "token": session.token,
            "session_id": session.session_id,
            "user": session.user,
            "role": session.role,
            "key": session.key,
        }

    def logout(ctx: Context, _: NoArgs) -> dict[str, Any]:
        accounts.logout(ctx.user)
        return {}

    def whoami(ctx: Context, _: NoArgs) -> dict[str, Any]:
        s = ctx.user
        return {"user": s.user, "role": s.role, "session_id": s.session_id}

    def ping(_: Context, __: NoArgs) -> dict[str, Any]:
        return {"time": time.time()}

    routes.add("register", Credentials, None, register)
    routes.add("login", Credentials, None, login)
    routes.add("logout", NoArgs, "any", logout)
    routes.add("whoami", NoArgs, "any", whoami)
    routes.add("ping", NoArgs, None, ping)
