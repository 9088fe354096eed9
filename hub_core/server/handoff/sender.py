"""The handing side: a hub that gives itself to a willing player's copy.

    idle            : no handoff; the hub serves as usual
    waiting_matches : new matches are refused; running ones may finish, up to the limit
    sending         : writes are refused; the receiver pulls the manifest and the files
    moved           : the receiver serves; clients were told where; this hub stops
    failed          : the last handoff failed; this hub serves as before (``message`` says why)

Nothing here changes this hub's data until the receiver says it serves: then only a
marker file is added. Any failure before that (the receiver killed, cut off, out of disk)
ends in ``failed`` with writes allowed again, so the hub never stops serving.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from hub_core.errors import RequestRefused
from hub_core.server.handoff import files
from hub_core.server.lobby import moving
from hub_core.server.routes import Context
from hub_core.server.sessions import Session
from hub_core.wire.codes import Code
from hub_core.wire.protocol import HUB_TOPIC
from hub_core.wire.schema import (
    Empty,
    EventKind,
    HandoffFile,
    HandoffManifestReply,
    HandoffOffer,
    HandoffProgress,
    HandoffStarted,
    HubMoved,
    MovedSession,
    MovedState,
)
from hub_core.wire.schema._handoff import CHUNK_BYTES, PIECES_MAX, STORE_FORMATS

if TYPE_CHECKING:
    from hub_core.server.hub import Hub

log = logging.getLogger(__name__)


class HandoffState(StrEnum):
    IDLE = "idle"  # no handoff; the hub serves as usual
    WAITING_MATCHES = "waiting_matches"  # no new matches; running ones may finish (limit)
    SENDING = "sending"  # writes refused; the receiver pulls the manifest and the files
    MOVED = "moved"  # the receiver serves; clients were told; this hub stops
    FAILED = "failed"  # the last handoff failed; this hub serves as before


# What the hub still answers while its state is copied: nothing here writes a record.
READ_ONLY = frozenset(
    {
        "whoami", "ping", "version_hint", "my_games", "list_games", "game_details",
        "install_begin", "fetch_blocks", "list_rooms", "room_get", "my_room", "heartbeat",
        "my_reviews", "played", "match_history", "list_willing", "handoff_status",
        "await_handoff", "handoff_manifest", "handoff_chunk", "handoff_pieces", "handoff_done",
        "handoff_abort", "offer_to_host",
    }
)  # fmt: skip
NO_NEW_MATCHES = frozenset({"create_room", "propose_start", "respond_start", "start_handoff"})
IDLE_TIMEOUT = 15.0  # a receiver silent this long has failed
_POLL = 0.2


class _Offer(NamedTuple):
    """A player's copy that would take the hub."""

    host: str  # who would host, as shown in lists: "bob@bob-laptop"
    reads_ours: bool  # it reads this hub's STORE_FORMATS (an older copy does not)


class Handoff:
    """One hub's handoffs (one at a time); every method runs on the hub's loop."""

    def __init__(self, hub: Hub, *, idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.hub = hub
        self.idle_timeout = idle_timeout
        self.control = secrets.token_urlsafe(32)
        self.state = HandoffState.IDLE
        self.message = ""
        self._willing: dict[str, _Offer] = {}  # session token -> that copy's offer
        self._waiters: dict[str, asyncio.Future[None]] = {}  # receiver token -> wake-up
        self._id = ""
        self._receiver: Session | None = None
        self._files: list[HandoffFile] = []
        self._state_blob = b""
        self._last_touch = 0.0
        self._sent = 0
        self._task: asyncio.Task[None] | None = None

    # -- the receiver's side of the conversation ---------------------------------------

    def offer(self, ctx: Context, willing: bool, host: str, reads: list[str]) -> Empty:
        token = ctx.user.token
        if willing:
            self._willing[token] = _Offer(host or ctx.user.user, set(STORE_FORMATS) <= set(reads))
        else:
            self._willing.pop(token, None)
        return Empty()

    def willing(self) -> list[str]:
        """Players online whose copy offered to host, by name."""
        live = {s.token: s.user for s in self.hub.sessions.online("player")}
        self._willing = {t: h for t, h in self._willing.items() if t in live}
        return sorted({live[t] for t in self._willing}, key=str.casefold)

    async def await_offer(self, ctx: Context, wait: float) -> HandoffOffer:
        """A long poll: returns when a handoff for this player starts, or after ``wait``."""
        token = ctx.user.token
        if not self._is_receiver(token):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters[token] = waiter
            try:
                await asyncio.wait_for(waiter, min(max(wait, 0.0), 30.0))
            except TimeoutError:
                return HandoffOffer()
            finally:
                self._waiters.pop(token, None)
        if not self._is_receiver(token):
            return HandoffOffer()
        total = sum(f.size for f in self._files)
        return HandoffOffer(self._id, self.hub.name, len(self._files), total)

    def manifest(self, ctx: Context, handoff: str) -> HandoffManifestReply:
        self._check(ctx, handoff)
        digest = files.sha256_bytes(self._state_blob)
        return HandoffManifestReply(self._files, self._state_blob, digest)

    async def chunk(self, ctx: Context, handoff: str, index: int, offset: int) -> bytes:
        return bytes((await self.pieces(ctx, handoff, [(index, offset)]))[0])

    async def pieces(
        self, ctx: Context, handoff: str, asked: list[tuple[int, int]]
    ) -> list[memoryview]:
        """Up to CHUNK_BYTES of pieces of files, read in one go off the loop."""
        self._check(ctx, handoff)
        spans = [self._span(index, offset) for index, offset in asked]
        if len(spans) > PIECES_MAX or sum(size for _, _, size in spans) > CHUNK_BYTES:
            raise RequestRefused(
                Code.HANDOFF,
                f"Ask for at most {PIECES_MAX} pieces and {CHUNK_BYTES:,} bytes of the hub's "
                "files at once.",
            )
        data = await asyncio.to_thread(_read_all, spans)
        self._sent += sum(map(len, data))
        self._check(ctx, handoff)  # the handoff may have failed while the files were read
        return data

    def _span(self, index: int, offset: int) -> tuple[str, int, int]:
        """The path, offset and length of one piece (CHUNK_BYTES of a file at most)."""
        if not 0 <= index < len(self._files) or offset < 0:
            raise RequestRefused(Code.HANDOFF, "That file or offset is not in the handoff.")
        entry = self._files[index]
        # Never past the manifest's size: an open room's log grows meanwhile, and its first
        # ``size`` bytes (which the manifest's hash covers) stay as they were.
        size = max(0, min(CHUNK_BYTES, entry.size - offset))
        return str(self.hub.paths.data / entry.path), offset, size

    async def done(self, ctx: Context, handoff: str, address: str, req: int, pub: int) -> Empty:
        """The receiver serves: mark this copy handed over, tell every client, then stop."""
        if self.state is HandoffState.MOVED and handoff == self._id:
            return Empty()  # the receiver's retry of a reply it did not get
        self._check(ctx, handoff)
        self._set(HandoffState.MOVED, "The hub now runs on the new host.")
        moved = HubMoved(
            name=self.hub.name,
            address=address or ctx.address or "127.0.0.1",
            req_port=req,
            pub_port=pub,
            key=self.hub.public_key,
            generation=self.hub.generation + 1,
            host=self._willing.get(ctx.user.token, _Offer(ctx.user.user, True)).host,
        )
        marker = msgspec.to_builtins(moved) | {"time": time.time(), "to": ctx.user.user}
        await asyncio.to_thread(files.write_json, self.hub.paths.hub / files.MARKER_FILE, marker)
        self.hub.wire.publish(HUB_TOPIC, EventKind.HUB_MOVED, moved)
        log.info("Hub handed over to %s at %s:%d", moved.host, moved.address, req)
        self.hub.moved.set()
        return Empty()

    def abort(self, ctx: Context, handoff: str, reason: str) -> Empty:
        self._check(ctx, handoff)
        self._fail(f"{ctx.user.user}'s copy stopped the handoff: {reason}")
        return Empty()

    # -- the host's side ---------------------------------------------------------------

    def start(self, control: str, to: str, wait_matches: float) -> HandoffStarted:
        self._check_control(control)
        if self.state not in (HandoffState.IDLE, HandoffState.FAILED):
            raise RequestRefused(Code.HANDOFF, "A handoff is already under way.")
        self.willing()
        session = next(
            (
                s
                for s in self.hub.sessions.online("player")
                if s.token in self._willing and s.user.casefold() == to.casefold()
            ),
            None,
        )
        if session is None:
            raise RequestRefused(
                Code.HANDOFF,
                f"{to} is not online with a copy that accepts the hub; ask them to allow "
                "hosting (gamehub host --accept-handoff, or the app's Settings).",
            )
        if not self._willing[session.token].reads_ours:
            raise RequestRefused(
                Code.HANDOFF,
                f"{session.user}'s GameHub is older than this hub's and cannot read how it "
                "stores its games; they must update GameHub first.",
            )
        self._id, self._receiver, self._sent = secrets.token_hex(8), session, 0
        self._task = asyncio.ensure_future(self._run(max(0.0, wait_matches)))
        return HandoffStarted(self._id, session.user)

    def status(self, control: str) -> HandoffProgress:
        self._check_control(control)
        total = sum(f.size for f in self._files)
        return HandoffProgress(self.state.value, self.message, self._sent, total)

    def gate(self, kind: str) -> None:
        """Refuses what must wait during a handoff (WireServer.gate)."""
        if self.state is HandoffState.SENDING and kind not in READ_ONLY:
            raise RequestRefused(
                Code.HANDING_OVER,
                "The hub is moving to another host; try again in a few seconds.",
            )
        if self.state is HandoffState.WAITING_MATCHES and kind in NO_NEW_MATCHES:
            raise RequestRefused(
                Code.HANDING_OVER,
                "The hub is about to move to another host; new matches wait until it has.",
            )

    # -- the handoff itself ------------------------------------------------------------

    async def _run(self, wait_matches: float) -> None:
        try:
            await self._prepare(wait_matches)
            await self._watch()
        except Exception as exc:  # a handoff that breaks leaves the hub serving
            log.exception("Handoff failed")
            self._fail(f"The handoff failed on this hub ({exc}); the hub carries on here.")

    async def _prepare(self, wait_matches: float) -> None:
        self._set(HandoffState.WAITING_MATCHES, "Waiting for running matches to finish.")
        deadline = time.monotonic() + wait_matches
        # The lobby has no "match ended" event to wait on; a short poll costs nothing here.
        while moving.matches_running(self.hub.lobby) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(_POLL)
        self._set(HandoffState.SENDING, "Copying the hub's data.")
        await self.hub.wire.drain(READ_ONLY, timeout=10.0)
        who = self._receiver.user if self._receiver else "another host"
        why = f"The hub moved to {who}'s computer, so this match had to end."
        await moving.end_matches(self.hub.lobby, why)
        await self.hub.repo.flush()
        paths = self.hub.paths
        async with self.hub.sweep_lock:  # no block file may vanish between list and copy
            self._files = await asyncio.to_thread(
                files.list_files, paths.data, paths.hub, paths.logs / "rooms"
            )
        self._state_blob = msgspec.msgpack.encode(self._moved_state())
        self._touch()
        waiter = self._waiters.get(self._receiver.token if self._receiver else "")
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _moved_state(self) -> MovedState:
        sessions = [
            MovedSession(s.token, s.session_id, s.role, s.user, s.key, s.address, s.client)
            for s in self.hub.sessions.online()
        ]
        rooms = moving.export_rooms(self.hub.lobby)
        return MovedState(self.hub.name, self.hub.generation + 1, sessions, rooms)

    async def _watch(self) -> None:
        """Fails the handoff when the receiver goes quiet or logs out (it died, or the
        network was cut); returns when the handoff ends either way."""
        while self.state is HandoffState.SENDING:
            await asyncio.sleep(_POLL)
            receiver = self._receiver
            live = receiver is not None and receiver.token in {
                s.token for s in self.hub.sessions.online("player")
            }
            quiet = time.monotonic() - self._last_touch > self.idle_timeout
            if self.state is HandoffState.SENDING and (quiet or not live):
                who = receiver.user if receiver else "The receiver"
                self._fail(
                    f"{who}'s copy stopped answering during the handoff; the hub carries on here."
                )

    # -- helpers -----------------------------------------------------------------------

    def _set(self, state: HandoffState, message: str) -> None:
        self.state, self.message = state, message
        log.info("Handoff: %s (%s)", state.value, message)

    def _fail(self, message: str) -> None:
        if self.state in (HandoffState.MOVED, HandoffState.FAILED, HandoffState.IDLE):
            return
        self._set(HandoffState.FAILED, message)
        log.warning("%s", message)

    def _touch(self) -> None:
        self._last_touch = time.monotonic()

    def _is_receiver(self, token: str) -> bool:
        return (
            self.state is HandoffState.SENDING
            and self._receiver is not None
            and self._receiver.token == token
            and bool(self._files or self._state_blob)
        )

    def _check(self, ctx: Context, handoff: str) -> None:
        if handoff != self._id or not self._is_receiver(ctx.user.token):
            why = self.message if self.state is HandoffState.FAILED else "it is not under way"
            raise RequestRefused(Code.HANDOFF, f"This handoff cannot go on: {why}")
        self._touch()

    def _check_control(self, control: str) -> None:
        if not secrets.compare_digest(control.encode(), self.control.encode()):
            raise RequestRefused(
                Code.HANDOFF,
                "Only the hub's host can hand it over: run gamehub handoff on the hosting "
                "computer, as the user who runs the hub.",
            )


def _read_all(spans: list[tuple[str, int, int]]) -> list[memoryview]:
    found = []
    for path, offset, size in spans:
        fd = os.open(path, os.O_RDONLY)
        try:
            found.append(memoryview(os.pread(fd, size, offset)))
        finally:
            os.close(fd)
    return found
