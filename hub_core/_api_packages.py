"""Request kinds for the store: publishing (developers), browsing and installing (players)."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from hub_core._routes import Context, NoArgs, Routes
from hub_core.blockstore import BlockError, BlockStore
from hub_core.catalog import Catalog
from hub_core.codes import Code
from hub_core.errors import RequestRefused
from hub_core.protocol import STORE_TOPIC
from hub_core.uploads import BATCH_BYTES, MAX_BATCH, Uploads


class GameName(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str


class PublishBegin(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    version: str
    manifest: dict[str, Any]
    index: list[list[Any]]


class UploadBlocks(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    transfer: str
    blocks: list[tuple[str, bytes]]


class Transfer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    transfer: str


class InstallWhat(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    version: str | None = None  # a room's version; the latest if not given


class BlockHashes(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    hashes: list[str]


def add_routes(
    routes: Routes, catalog: Catalog, uploads: Uploads, blocks: BlockStore, publish: Any
) -> None:
    """Registers the store's request kinds on ``routes``."""

    def version_hint(ctx: Context, args: GameName) -> dict[str, Any]:
        return catalog.version_hint(args.name)

    async def publish_begin(ctx: Context, args: PublishBegin) -> dict[str, Any]:
        return await uploads.begin(ctx.user, args.version, args.manifest, args.index)

    async def upload_blocks(ctx: Context, args: UploadBlocks) -> dict[str, Any]:
        return await uploads.blocks(ctx.user, args.transfer, args.blocks)

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

    def install_begin(ctx: Context, args: InstallWhat) -> dict[str, Any]:
        game = catalog.active_game(args.name)
        version = catalog.version(game["name"], args.version or game["latest"])
        return {
            "name": game["name"],
            "version": version["version"],
            "manifest": version["manifest"],
            "index": version["index"],
        }

    async def fetch_blocks(ctx: Context, args: BlockHashes) -> dict[str, Any]:
        if len(args.hashes) > MAX_BATCH:
            raise RequestRefused(Code.TRANSFER, f"Ask for at most {MAX_BATCH} blocks at once.")
        loop = asyncio.get_running_loop()
        try:
            found = await loop.run_in_executor(None, read_batch, args.hashes)
        except BlockError as exc:
            raise RequestRefused(Code.TRANSFER, str(exc)) from None
        return {"blocks": found}

    def read_batch(hashes: list[str]) -> list[bytes]:
        found: list[bytes] = []
        total = 0
        for digest in hashes:
            found.append(blocks.read(digest))
            total += len(found[-1])
            if total > BATCH_BYTES and len(found) > 1:
                raise BlockError(f"Ask for at most {BATCH_BYTES:,} bytes of blocks at once.")
        return found

    routes.add("version_hint", GameName, "developer", version_hint)
    routes.add("publish_begin", PublishBegin, "developer", publish_begin, large=True)
    routes.add("upload_blocks", UploadBlocks, "developer", upload_blocks, large=True)
    routes.add("publish_commit", Transfer, "developer", publish_commit)
    routes.add("unpublish", GameName, "developer", unpublish)
    routes.add("my_games", NoArgs, "developer", my_games)
    routes.add("list_games", NoArgs, "any", list_games)
    routes.add("game_details", GameName, "any", game_details)
    routes.add("install_begin", InstallWhat, "player", install_begin)
    routes.add("fetch_blocks", BlockHashes, "any", fetch_blocks)
