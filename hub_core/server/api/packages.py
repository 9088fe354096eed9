"""Request kinds for the store: publishing (developers), browsing and installing (players)."""

from __future__ import annotations

from typing import Any

from hub_core.errors import RequestRefused
from hub_core.server.routes import Context, Routes
from hub_core.server.store.blockio import BlockIO
from hub_core.server.store.blocks import BlockError, BlockStore
from hub_core.server.store.catalog import Catalog, display_name, uses_blake3
from hub_core.server.store.uploads import Uploads
from hub_core.wire import schema as s
from hub_core.wire.blocks_frame import BlocksFrame
from hub_core.wire.codes import Code
from hub_core.wire.protocol import BATCH_BYTES, MAX_BATCH, STORE_TOPIC


def add_routes(
    routes: Routes,
    catalog: Catalog,
    uploads: Uploads,
    blocks: BlockStore,
    publish: Any,
    io: BlockIO | None = None,
) -> None:
    """Registers the store's request kinds on ``routes``; block reads run in ``io``'s turns."""
    block_io = io or BlockIO()

    def version_hint(ctx: Context, args: s.VersionHint) -> s.VersionHintReply:
        return catalog.version_hint(args.name, ctx.user)

    async def publish_begin(ctx: Context, args: s.PublishBegin) -> s.PublishOffer:
        return await uploads.begin(
            ctx.user, args.version, args.manifest, args.index, args.deps, ahead=args.ahead
        )

    def publish_ahead(ctx: Context, args: s.PublishAhead) -> s.Missing:
        return uploads.ahead(ctx.user, args.transfer, args.pieces)

    def publish_index(ctx: Context, args: s.PublishIndex) -> s.PublishOffer:
        return uploads.index(ctx.user, args.transfer, args.index)

    async def upload_blocks(ctx: Context, args: s.UploadBlocks) -> s.Stored:
        return await uploads.blocks(ctx.user, args.transfer, args.blocks, client=ctx.peer.hex())

    async def publish_commit(ctx: Context, args: s.PublishCommit) -> s.Published:
        result = await uploads.commit(ctx.user, args.transfer)
        publish(STORE_TOPIC, s.EventKind.GAME_PUBLISHED, result)
        return result

    async def unpublish(ctx: Context, args: s.Unpublish) -> s.Unpublished:
        game = await catalog.remove(ctx.user, args.name)
        publish(STORE_TOPIC, s.EventKind.GAME_REMOVED, s.GameRemoved(name=args.name))
        return s.Unpublished(name=game["name"], status=game["status"])

    def my_games(ctx: Context, _: s.MyGames) -> list[s.GameDetails]:
        return catalog.my_games(ctx.user)

    def list_games(ctx: Context, _: s.ListGames) -> list[s.GameSummary]:
        return catalog.store()

    def game_details(ctx: Context, args: s.GetGameDetails) -> s.GameDetails:
        return catalog.active_details(args.name)

    def install_begin(ctx: Context, args: s.InstallBegin) -> s.InstallOffer:
        game = catalog.active_game(args.name)
        version = catalog.version(game["name"], args.version or game["latest"])
        if not args.blake3 and uses_blake3(version):
            raise RequestRefused(
                Code.PROTOCOL_VERSION,
                f"{display_name(game)} {version['version']} was published with a newer "
                "GameHub, whose file checks this app does not know; update GameHub on this "
                "computer to install it.",
            )
        return s.InstallOffer(
            name=game["name"],
            version=version["version"],
            manifest=version["manifest"],
            index=version["index"],
            deps=version.get("deps", []),  # records from before issue 14 have none
        )

    async def fetch_blocks(ctx: Context, args: s.FetchBlocks) -> BlocksFrame:
        if len(args.hashes) > MAX_BATCH:
            raise RequestRefused(Code.TRANSFER, f"Ask for at most {MAX_BATCH} blocks at once.")
        try:
            return await block_io.run(ctx.peer.hex(), lambda: read_batch(args.hashes))
        except BlockError as exc:
            raise RequestRefused(Code.TRANSFER, str(exc)) from None

    def read_batch(hashes: list[str]) -> BlocksFrame:
        """The reply, its blocks read from the packs straight into it (``blocks_frame``)."""
        lengths = [blocks.size_of(digest) for digest in hashes]
        if sum(lengths) > BATCH_BYTES and len(lengths) > 1:
            raise BlockError(f"Ask for at most {BATCH_BYTES:,} bytes of blocks at once.")
        reply = BlocksFrame(lengths)
        for digest, hole in zip(hashes, reply.holes, strict=True):
            blocks.read_into(digest, hole)
        return reply

    routes.add(s.VersionHint, "developer", version_hint)
    routes.add(s.PublishBegin, "developer", publish_begin, large=True)
    routes.add(s.PublishAhead, "developer", publish_ahead, large=True)
    routes.add(s.PublishIndex, "developer", publish_index, large=True)
    routes.add(s.UploadBlocks, "developer", upload_blocks, large=True)
    routes.add(s.PublishCommit, "developer", publish_commit)
    routes.add(s.Unpublish, "developer", unpublish)
    routes.add(s.MyGames, "developer", my_games)
    routes.add(s.ListGames, "any", list_games)
    routes.add(s.GetGameDetails, "any", game_details)
    routes.add(s.InstallBegin, "player", install_begin)
    routes.add(s.FetchBlocks, "any", fetch_blocks)
