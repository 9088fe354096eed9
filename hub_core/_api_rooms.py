"""Request kinds for rooms, heartbeats and reviews (players)."""

from __future__ import annotations

from typing import Any

import msgspec

from hub_core._routes import Context, NoArgs, Routes
from hub_core.catalog import Catalog, add_review, reviews_by
from hub_core.lobby import PLAYERS, Lobby
from hub_core.protocol import STORE_TOPIC


class GameName(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str


class RoomId(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    room: str


class Ready(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    room: str
    ready: bool
    installed: str | None = None  # the version this player has installed


class Respond(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    room: str
    accept: bool


class Chat(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    room: str
    text: str


class Review(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    rating: int
    text: str = ""


def add_routes(routes: Routes, lobby: Lobby, catalog: Catalog, publish: Any) -> None:
    """Registers room and review request kinds on ``routes``."""

    def list_rooms(ctx: Context, _: NoArgs) -> dict[str, Any]:
        return lobby.list()

    def room_get(ctx: Context, args: RoomId) -> dict[str, Any]:
        return lobby.get(args.room)

    def my_room(ctx: Context, _: NoArgs) -> dict[str, Any] | None:
        return lobby.mine(ctx.user)

    async def create_room(ctx: Context, args: GameName) -> dict[str, Any]:
        return await lobby.create(ctx.user, args.name)

    def join_room(ctx: Context, args: RoomId) -> dict[str, Any]:
        return lobby.join(ctx.user, args.room)

    async def leave_room(ctx: Context, args: RoomId) -> dict[str, Any]:
        return await lobby.leave(ctx.user, args.room)

    async def set_ready(ctx: Context, args: Ready) -> dict[str, Any]:
        return await lobby.ready(ctx.user, args.room, args.ready, args.installed)

    async def propose_start(ctx: Context, args: RoomId) -> dict[str, Any]:
        return await lobby.propose(ctx.user, args.room)

    async def respond_start(ctx: Context, args: Respond) -> dict[str, Any]:
        return await lobby.respond(ctx.user, args.room, args.accept)

    def room_chat(ctx: Context, args: Chat) -> dict[str, Any]:
        return lobby.chat(ctx.user, args.room, args.text)

    def heartbeat(ctx: Context, _: NoArgs) -> dict[str, Any]:
        return lobby.heartbeat(ctx.user)

    async def review(ctx: Context, args: Review) -> dict[str, Any]:
        record = catalog.repo.get(PLAYERS, ctx.user.key) or {}
        played = int(record.get("played", {}).get(args.name, 0))
        result = await add_review(catalog, ctx.user, played, args.name, args.rating, args.text)
        publish(STORE_TOPIC, "review", result)
        return result

    def my_reviews(ctx: Context, _: NoArgs) -> list[dict[str, Any]]:
        return reviews_by(catalog, ctx.user)

    def played(ctx: Context, _: NoArgs) -> dict[str, int]:
        record = catalog.repo.get(PLAYERS, ctx.user.key) or {}
        return dict(record.get("played", {}))

    routes.add("list_rooms", NoArgs, "any", list_rooms)
    routes.add("room_get", RoomId, "any", room_get)
    routes.add("my_room", NoArgs, "player", my_room)
    routes.add("create_room", GameName, "player", create_room)
    routes.add("join_room", RoomId, "player", join_room)
    routes.add("leave_room", RoomId, "player", leave_room)
    routes.add("set_ready", Ready, "player", set_ready)
    routes.add("propose_start", RoomId, "player", propose_start)
    routes.add("respond_start", Respond, "player", respond_start)
    routes.add("room_chat", Chat, "player", room_chat)
    routes.add("heartbeat", NoArgs, "player", heartbeat)
    routes.add("review", Review, "player", review)
    routes.add("my_reviews", NoArgs, "player", my_reviews)
    routes.add("played", NoArgs, "player", played)
