"""One typed method per request kind, so callers never spell a kind or read a dict.

Each method builds the request's Struct and hands it to ``call``, which ``HubClient``
implements (send, wait with retries, decode the reply into the request's reply type).
"""

from __future__ import annotations

from typing import Any, TypeVar

from hub_core.util import digests
from hub_core.util.digests import HashKind
from hub_core.wire import schema as s
from hub_core.wire.protocol import Role
from hub_core.wire.upload_frame import Prebuilt, UploadFrame

R = TypeVar("R")


class HubRequests:
    """The hub's request kinds as methods; ``timeout`` overrides the client's default."""

    session: s.SessionInfo | None = None  # the hub's login reply (HubClient.login)

    @property
    def hash_kind(self) -> HashKind:
        """What new packages are hashed with: BLAKE3 when the hub said at login that it
        reads it (and this copy has it), else SHA-256, which every hub reads."""
        features = self.session.features if self.session else []
        if s.Feature.BLAKE3 in features and digests.blake3_available():
            return HashKind.BLAKE3
        return HashKind.SHA256

    async def call(self, req: s.Request[R] | Prebuilt[R], *, timeout: float | None = None) -> R:
        raise NotImplementedError

    # -- accounts ---------------------------------------------------------------------

    async def register(self, role: Role, user: str, password: str) -> s.Registered:
        return await self.call(s.Register(role=role, user=user, password=password))

    async def whoami(self) -> s.Identity:
        return await self.call(s.WhoAmI())

    async def ping(self, *, timeout: float | None = None) -> s.Pong:
        return await self.call(s.Ping(), timeout=timeout)

    # -- the store --------------------------------------------------------------------

    async def version_hint(self, name: str) -> s.VersionHintReply:
        return await self.call(s.VersionHint(name=name))

    async def publish_begin(
        self,
        version: str,
        manifest: dict[str, Any],
        index: s.WireIndex,
        deps: s.WireDeps | None = None,
        *,
        ahead: bool = False,
    ) -> s.PublishOffer:
        return await self.call(
            s.PublishBegin(
                version=version, manifest=manifest, index=index, deps=deps or [], ahead=ahead
            )
        )

    async def publish_ahead(self, transfer: str, pieces: list[s.AheadPiece]) -> s.Missing:
        return await self.call(s.PublishAhead(transfer=transfer, pieces=pieces))

    async def publish_index(self, transfer: str, index: s.WireIndex) -> s.PublishOffer:
        return await self.call(s.PublishIndex(transfer=transfer, index=index))

    async def upload_blocks(
        self, transfer: str, blocks: list[tuple[str, bytes]], *, timeout: float | None = None
    ) -> s.Stored:
        views = [(digest, memoryview(data)) for digest, data in blocks]
        return await self.call(s.UploadBlocks(transfer=transfer, blocks=views), timeout=timeout)

    async def upload_frame(self, frame: UploadFrame, *, timeout: float | None = None) -> s.Stored:
        """upload_blocks with a batch laid out and filled by the caller (UploadFrame)."""
        return await self.call(frame, timeout=timeout)

    async def publish_commit(self, transfer: str) -> s.Published:
        return await self.call(s.PublishCommit(transfer=transfer))

    async def unpublish(self, name: str) -> s.Unpublished:
        return await self.call(s.Unpublish(name=name))

    async def my_games(self) -> list[s.GameDetails]:
        return await self.call(s.MyGames())

    async def list_games(self) -> list[s.GameSummary]:
        return await self.call(s.ListGames())

    async def game_details(self, name: str) -> s.GameDetails:
        return await self.call(s.GetGameDetails(name=name))

    async def install_begin(self, name: str, version: str | None = None) -> s.InstallOffer:
        blake3 = self.hash_kind is HashKind.BLAKE3  # asked only of hubs that have it
        return await self.call(s.InstallBegin(name=name, version=version, blake3=blake3))

    async def fetch_blocks(self, hashes: list[str], *, timeout: float | None = None) -> s.Blocks:
        return await self.call(s.FetchBlocks(hashes=hashes), timeout=timeout)

    # -- rooms and reviews ------------------------------------------------------------

    async def list_rooms(self) -> s.RoomList:
        return await self.call(s.ListRooms())

    async def room_get(self, room_id: str) -> s.RoomReply:
        return await self.call(s.RoomGet(room=room_id))

    async def my_room(self) -> s.RoomReply | None:
        return await self.call(s.MyRoom())

    async def create_room(self, name: str, *, timeout: float | None = None) -> s.RoomReply:
        return await self.call(s.CreateRoom(name=name), timeout=timeout)

    async def join_room(self, room_id: str) -> s.RoomReply:
        return await self.call(s.JoinRoom(room=room_id))

    async def leave_room(self, room_id: str, *, timeout: float | None = None) -> s.Empty:
        return await self.call(s.LeaveRoom(room=room_id), timeout=timeout)

    async def set_ready(
        self, room_id: str, ready: bool, installed: str | None = None
    ) -> s.RoomReply:
        return await self.call(s.SetReady(room=room_id, ready=ready, installed=installed))

    async def propose_start(self, room_id: str) -> s.RoomReply:
        return await self.call(s.ProposeStart(room=room_id))

    async def respond_start(self, room_id: str, accept: bool) -> s.RoomReply:
        return await self.call(s.RespondStart(room=room_id, accept=accept))

    async def room_chat(self, room_id: str, text: str) -> s.ChatLine:
        return await self.call(s.RoomChat(room=room_id, text=text))

    async def heartbeat(self, *, timeout: float | None = None) -> s.HeartbeatReply:
        return await self.call(s.Heartbeat(), timeout=timeout)

    async def review(self, name: str, rating: int, text: str = "") -> s.ReviewResult:
        return await self.call(s.Review(name=name, rating=rating, text=text))

    async def my_reviews(self) -> list[s.MyReview]:
        return await self.call(s.MyReviews())

    async def played(self) -> dict[str, int]:
        return await self.call(s.Played())

    async def match_history(
        self, game: str | None = None, *, mine: bool = False, limit: int = 50
    ) -> s.MatchHistoryReply:
        return await self.call(s.MatchHistory(game=game, mine=mine, limit=limit))

    # -- handing the hub over -------------------------------------------------------------

    async def offer_to_host(self, willing: bool = True, host: str = "") -> s.Empty:
        reads = list(s.STORE_FORMATS)
        return await self.call(s.OfferToHost(willing=willing, host=host, reads=reads))

    async def list_willing(self) -> list[str]:
        return await self.call(s.ListWilling())

    async def start_handoff(self, control: str, to: str, wait_matches: float) -> s.HandoffStarted:
        return await self.call(s.StartHandoff(control=control, to=to, wait_matches=wait_matches))

    async def handoff_status(self, control: str) -> s.HandoffProgress:
        return await self.call(s.HandoffStatus(control=control))

    async def await_handoff(self, wait: float) -> s.HandoffOffer:
        return await self.call(s.AwaitHandoff(wait=wait), timeout=wait + 5.0)

    async def handoff_manifest(self, handoff: str) -> s.HandoffManifestReply:
        return await self.call(s.HandoffManifest(handoff=handoff), timeout=30.0)

    async def handoff_chunk(self, handoff: str, file: int, offset: int) -> bytes:
        reply = await self.call(s.HandoffChunk(handoff=handoff, file=file, offset=offset))
        return reply.data

    async def handoff_pieces(self, handoff: str, pieces: list[tuple[int, int]]) -> list[memoryview]:
        reply = await self.call(s.HandoffPieces(handoff=handoff, pieces=pieces))
        return reply.data

    async def handoff_done(self, handoff: str, address: str, req: int, pub: int) -> s.Empty:
        done = s.HandoffDone(handoff=handoff, address=address, req_port=req, pub_port=pub)
        return await self.call(done)

    async def handoff_abort(self, handoff: str, reason: str) -> s.Empty:
        return await self.call(s.HandoffAbort(handoff=handoff, reason=reason))
