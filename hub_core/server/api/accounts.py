"""Request kinds for accounts and sessions: register, login, logout, whoami, ping."""

from __future__ import annotations

import time

from hub_core.server.accounts import Accounts
from hub_core.server.routes import Context, Routes
from hub_core.util import digests
from hub_core.wire import schema as s

# What this hub can do beyond protocol 1, told at login (schema.Feature).
FEATURES = [s.Feature.BLAKE3.value] if digests.blake3_available() else []


def add_routes(routes: Routes, accounts: Accounts) -> None:
    """Registers the account request kinds on ``routes``."""

    async def register(_: Context, args: s.Register) -> s.Registered:
        return await accounts.register(args.role, args.user, args.password)

    async def login(ctx: Context, args: s.Login) -> s.SessionInfo:
        session = await accounts.login(
            args.role, args.user, args.password, ctx.address, args.client
        )
        return s.SessionInfo(
            token=session.token,
            session_id=session.session_id,
            user=session.user,
            role=session.role,
            key=session.key,
            features=FEATURES,
        )

    def logout(ctx: Context, _: s.Logout) -> s.Empty:
        accounts.logout(ctx.user)
        return s.Empty()

    def whoami(ctx: Context, _: s.WhoAmI) -> s.Identity:
        u = ctx.user
        return s.Identity(user=u.user, role=u.role, session_id=u.session_id)

    def ping(_: Context, __: s.Ping) -> s.Pong:
        return s.Pong(time=time.time())

    routes.add(s.Register, None, register)
    routes.add(s.Login, None, login)
    routes.add(s.Logout, "any", logout)
    routes.add(s.WhoAmI, "any", whoami)
    routes.add(s.Ping, None, ping)
