"""Request kinds for the store: publishing (developers), browsing and installing (players)."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from hub_core._routes import Context, NoArgs, Routes
from hub_core.blobs import BlobError, BlobStore
from hub_core.catalog import Catalog
from hub_core.codes import Code
from hub_core.errors import RequestRefused
from hub_core.uploads import CHUNK_BYTES, Uploads

STORE_TOPIC = "store"


class GameName(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str


class PublishBegin(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    version: str
    manifest: dict[str, Any]
    index: list[list[Any]]


class UploadChunk(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    transfer: str
    hash: str
    offset: int
    data: bytes


class Transfer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    transfer: str


class FetchChunk(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    hash: str
    offset: int
    length: int


def add_routes(routes: Routes, catalog: Catalog, uploads: Uploads, blobs: BlobStore, publish: Any) -> None:
    """Registers the store's request kinds on ``routes``."""

    def version_hint(ctx: Context, args: GameName) -> dict[str, Any]:
        return catalog.version_hint(args.name)

    async def publish_begin(ctx: Context, args: PublishBegin) -> dict[str, Any]:
        return await uploads.begin(ctx.user, args.version, args.manifest, args.index)

    async def upload_chunk(ctx: Context, args: UploadChunk) -> dict[str, Any]:
        return await uploads.chunk(ctx.user, args.transfer, args.hash, args.offset, args.data)

    async def publish_commit(ctx: Context, args: Transfer) -> dict[str, Any]:
        result = await uploads.commit(ctx.user, args.transfer)
        publish(STORE_TOPIC, "game_published", result)
        return result

    async def unpublish(ctx: Context, args: GameName) -> dict[str, Any]:
        game = await catalog.remove(ctx.user, args.name)
        publish(STORE_TOPIC, "game_removed", {"name": args.name})
        return {"name": game["name"], "status": game["status"]}

    def my_games(ctx: Context, _: NoArgs) -> list[dict[str, Any]]:
        return catalog.my_games(ctx.user)

    def list_games(ctx: Context, _: NoArgs) -> list[dict[str, Any]]:
        return catalog.store()

    def game_details(ctx: Context, args: GameName) -> dict[str, Any]:
        return catalog.details_of(catalog.active_game(args.name))

    def install_begin(ctx: Context, args: GameName) -> dict[str, Any]:
        game = catalog.active_game(args.name)
        version = catalog.version(game["name"], game["latest"])
        return {"name": game["name"], "version": version["version"], "manifest": version["manifest"],
                "index": version["index"]}

    async def fetch_chunk(ctx: Context, args: FetchChunk) -> dict[str, Any]:
        if args.offset < 0 or not 0 < args.length <= CHUNK_BYTES:
            raise RequestRefused(Code.TRANSFER, f"A chunk must be 1 to {CHUNK_BYTES:,} bytes from a positive offset.")
        loop = asyncio.get_running_loop()
        try:
            data = await loop.run_in_executor(None, blobs.read, args.hash, args.offset, args.length)
        except BlobError as exc:
            raise RequestRefused(Code.TRANSFER, str(exc)) from None
        return {"data": data}

    routes.add("version_hint", GameName, "developer", version_hint)
    routes.add("publish_begin", PublishBegin, "developer", publish_begin)
    routes.add("upload_chunk", UploadChunk, "developer", upload_chunk)
    routes.add("publish_commit", Transfer, "developer", publish_commit)
    routes.add("unpublish", GameName, "developer", unpublish)
    routes.add("my_games", NoArgs, "developer", my_games)
    routes.add("list_games", NoArgs, "any", list_games)
    routes.add("game_details", GameName, "any", game_details)
    routes.add("install_begin", GameName, "player", install_begin)
    routes.add("fetch_chunk", FetchChunk, "any", fetch_chunk)
