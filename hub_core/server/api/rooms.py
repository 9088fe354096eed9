"""Request kinds for rooms, heartbeats and reviews (players)."""

from __future__ import annotations

from typing import Any

from hub_core.errors import RequestRefused
from hub_core.server.accounts import Accounts
from hub_core.server.lobby.history import History
from hub_core.server.lobby.lobby import Lobby
from hub_core.server.routes import Context, Routes
from hub_core.server.store.catalog import Catalog, add_review, reviews_by
from hub_core.wire import schema as s
from hub_core.wire.codes import Code
from hub_core.wire.protocol import STORE_TOPIC


def add_routes(
    routes: Routes, lobby: Lobby, catalog: Catalog, accounts: Accounts, publish: Any
) -> None:
    """Registers room and review request kinds on ``routes``."""

    def list_rooms(ctx: Context, _: s.ListRooms) -> s.RoomList:
        return lobby.list()

    def room_get(ctx: Context, args: s.RoomGet) -> s.RoomReply:
        return lobby.get(args.room)

    def my_room(ctx: Context, _: s.MyRoom) -> s.RoomReply | None:
        return lobby.mine(ctx.user)

    async def create_room(ctx: Context, args: s.CreateRoom) -> s.RoomReply:
        return await lobby.create(ctx.user, args.name)

    def join_room(ctx: Context, args: s.JoinRoom) -> s.RoomReply:
        return lobby.join(ctx.user, args.room)

    async def leave_room(ctx: Context, args: s.LeaveRoom) -> s.Empty:
        return await lobby.leave(ctx.user, args.room)

    async def set_ready(ctx: Context, args: s.SetReady) -> s.RoomReply:
        return await lobby.ready(ctx.user, args.room, args.ready, args.installed)

    async def propose_start(ctx: Context, args: s.ProposeStart) -> s.RoomReply:
        return await lobby.propose(ctx.user, args.room)

    async def respond_start(ctx: Context, args: s.RespondStart) -> s.RoomReply:
        return await lobby.respond(ctx.user, args.room, args.accept)

    def room_chat(ctx: Context, args: s.RoomChat) -> s.ChatLine:
        return lobby.chat(ctx.user, args.room, args.text)

    def heartbeat(ctx: Context, _: s.Heartbeat) -> s.HeartbeatReply:
        return lobby.heartbeat(ctx.user)

    async def review(ctx: Context, args: s.Review) -> s.ReviewResult:
        played = accounts.played(ctx.user.key).get(args.name, 0)
        version = accounts.played_version(ctx.user.key, args.name)
        result = await add_review(
            catalog, ctx.user, played, args.name, args.rating, args.text, version
        )
        publish(STORE_TOPIC, s.EventKind.REVIEW, result)
        return result

    def my_reviews(ctx: Context, _: s.MyReviews) -> list[s.MyReview]:
        return reviews_by(catalog, ctx.user)

    def played(ctx: Context, _: s.Played) -> dict[str, int]:
        return accounts.played(ctx.user.key)

    routes.add(s.ListRooms, "any", list_rooms)
    routes.add(s.RoomGet, "any", room_get)
    routes.add(s.MyRoom, "player", my_room)
    routes.add(s.CreateRoom, "player", create_room)
    routes.add(s.JoinRoom, "player", join_room)
    routes.add(s.LeaveRoom, "player", leave_room)
    routes.add(s.SetReady, "player", set_ready)
    routes.add(s.ProposeStart, "player", propose_start)
    routes.add(s.RespondStart, "player", respond_start)
    routes.add(s.RoomChat, "player", room_chat)
    routes.add(s.Heartbeat, "player", heartbeat)
    routes.add(s.Review, "player", review)
    routes.add(s.MyReviews, "player", my_reviews)
    routes.add(s.Played, "player", played)


def add_history_route(routes: Routes, history: History) -> None:
    """Match history: anyone logged in reads a game's; a player reads their own."""

    def match_history(ctx: Context, args: s.MatchHistory) -> s.MatchHistoryReply:
        if args.mine and ctx.user.role != "player":
            raise RequestRefused(
                Code.WRONG_ROLE, "Only players have matches of their own; log in as a player."
            )
        player = ctx.user.key if args.mine else None
        return history.query(game=args.game, player=player, limit=args.limit)

    routes.add(s.MatchHistory, "any", match_history)
