"""Request kinds for handing the hub over: the willing players, the host's control, the transfer."""

from __future__ import annotations

from hub_core.server.handoff.sender import Handoff
from hub_core.server.routes import Context, Routes
from hub_core.wire import schema as s


def add_routes(routes: Routes, handoff: Handoff) -> None:
    """Registers the handoff request kinds on ``routes``."""

    def offer(ctx: Context, args: s.OfferToHost) -> s.Empty:
        return handoff.offer(ctx, args.willing, args.host, args.reads)

    def willing(ctx: Context, _: s.ListWilling) -> list[str]:
        return handoff.willing()

    def start(ctx: Context, args: s.StartHandoff) -> s.HandoffStarted:
        return handoff.start(args.control, args.to, args.wait_matches)

    def status(ctx: Context, args: s.HandoffStatus) -> s.HandoffProgress:
        return handoff.status(args.control)

    async def await_offer(ctx: Context, args: s.AwaitHandoff) -> s.HandoffOffer:
        return await handoff.await_offer(ctx, args.wait)

    def manifest(ctx: Context, args: s.HandoffManifest) -> s.HandoffManifestReply:
        return handoff.manifest(ctx, args.handoff)

    async def chunk(ctx: Context, args: s.HandoffChunk) -> s.HandoffData:
        return s.HandoffData(await handoff.chunk(ctx, args.handoff, args.file, args.offset))

    async def pieces(ctx: Context, args: s.HandoffPieces) -> s.HandoffPiecesData:
        return s.HandoffPiecesData(await handoff.pieces(ctx, args.handoff, args.pieces))

    async def done(ctx: Context, args: s.HandoffDone) -> s.Empty:
        return await handoff.done(ctx, args.handoff, args.address, args.req_port, args.pub_port)

    def abort(ctx: Context, args: s.HandoffAbort) -> s.Empty:
        return handoff.abort(ctx, args.handoff, args.reason)

    routes.add(s.OfferToHost, "player", offer)
    routes.add(s.ListWilling, "any", willing)
    # The control token (a file only the host's user can read) is the access rule here.
    routes.add(s.StartHandoff, None, start)
    routes.add(s.HandoffStatus, None, status)
    routes.add(s.AwaitHandoff, "player", await_offer)
    routes.add(s.HandoffManifest, "player", manifest)
    routes.add(s.HandoffChunk, "player", chunk)
    routes.add(s.HandoffPieces, "player", pieces)
    routes.add(s.HandoffDone, "player", done)
    routes.add(s.HandoffAbort, "player", abort)
