"""Malformed input at the request socket: each gets a clear error and the hub keeps serving."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from pathlib import Path

import msgspec
import pytest
import zmq

from hub_core.client.hub_client import HubClient
from hub_core.server.passwords import DEFAULT_COST
from hub_core.server.thread import HubThread
from hub_core.wire import protocol, schema
from hub_core.wire.keys import KnownHubs
from tests.hub_core.conftest import hub_config
from tests.hub_core.rawwire import RawDealer

enc = protocol.encode


def envelope(**fields: object) -> bytes:
    base: dict[str, object] = {"v": protocol.PROTOCOL_VERSION, "id": 7, "kind": "ping", "args": {}}
    base.update(fields)
    return enc({k: v for k, v in base.items() if v is not ...})


@pytest.fixture
def raw(hub: HubThread) -> Iterator[RawDealer]:
    dealer = RawDealer(hub)
    yield dealer
    dealer.close()


MALFORMED = [
    # (frames, code, words the message must contain)
    ([b"\xc1not msgpack"], "bad_request", "Malformed request"),
    ([b'{"kind": "ping"}'], "bad_request", "Malformed request"),
    ([enc(5)], "bad_request", "Expected `object`"),
    ([b"\x81\xa4kind\xa1\xb3"], "bad_request", "Malformed request"),  # not UTF-8
    ([enc([1, 2, 3])], "bad_request", "Expected `object`"),
    ([envelope(kind=...)], "bad_request", "missing required field `kind`"),
    ([envelope(id="seven")], "bad_request", "Expected `int`, got `str` - at `id`"),
    ([envelope(kind=3)], "bad_request", "at `kind`"),
    ([envelope(surprise=1)], "bad_request", "unknown field `surprise`"),
    ([envelope(kind="fly_to_moon")], "unknown_kind", "does not know the request 'fly_to_moon'"),
    ([envelope(v=99)], "protocol_version", "protocol version"),
    ([envelope(args=[1])], "bad_request", "Expected `object`"),
    ([envelope(args={"extra": 1})], "bad_request", "unknown field `extra`"),
    (
        [envelope(kind="login", args={"role": "player", "user": 5, "password": "x"})],
        "bad_request",
        "Expected `str`, got `int` - at `user`",
    ),
    (
        [envelope(kind="login", args={"role": "admin", "user": "a", "password": "x"})],
        "bad_request",
        "at `role`",
    ),
    (
        [envelope(kind="login", args={"role": "player", "user": "a"})],
        "bad_request",
        "missing required field `password`",
    ),
    ([envelope(), b"second frame"], "bad_request", "exactly one frame"),
    ([b"", envelope()], "bad_request", "exactly one frame"),
    ([envelope(kind="whoami")], "not_logged_in", "log in"),
    ([envelope(kind="whoami", token="made-up")], "not_logged_in", "not valid"),
]


@pytest.mark.parametrize(("frames", "code", "words"), MALFORMED)
async def test_malformed_request_gets_clear_error(
    raw: RawDealer, client: HubClient, frames: list[bytes], code: str, words: str
) -> None:
    reply = await asyncio.to_thread(raw.ask, *frames)
    assert not reply.ok and reply.error is not None
    assert reply.error.code == code
    assert words in reply.error.message
    assert reply.error.message.endswith(".")
    assert (await client.ping()).time > 0  # the hub still serves others


async def test_error_reply_keeps_request_id_when_readable(raw: RawDealer) -> None:
    reply = await asyncio.to_thread(raw.ask, envelope(id=42, kind="nope"))
    assert reply.id == 42
    reply = await asyncio.to_thread(raw.ask, envelope(id=43, surprise=True))
    assert reply.id == 43


async def test_oversize_request_is_refused_with_its_size(raw: RawDealer, client: HubClient) -> None:
    big = envelope(id=9, args={"blob": b"x" * (protocol.MAX_MESSAGE_BYTES + 10)})
    reply = await asyncio.to_thread(raw.ask, big)
    assert reply.error is not None and reply.error.code == "too_large"
    assert f"{protocol.MAX_MESSAGE_BYTES:,}" in reply.error.message
    assert reply.id == 9
    await client.ping()


async def test_over_hard_limit_drops_only_that_connection(
    hub: HubThread, client: HubClient
) -> None:
    raw = RawDealer(hub)
    try:
        raw.send(b"x" * (protocol.HARD_MESSAGE_BYTES + 1))
        await client.ping()  # others unaffected
    finally:
        raw.close()


async def test_client_that_never_reads_does_not_stall_others(
    hub: HubThread, client: HubClient
) -> None:
    lazy = RawDealer(hub, rcvhwm=1)
    try:
        frame = envelope(kind="ping")
        await asyncio.to_thread(lambda: [lazy.send(frame) for _ in range(5000)])
        for _ in range(20):
            await client.ping()
    finally:
        lazy.close()


async def test_slow_request_does_not_hold_up_fast_ones(
    data_dir: Path, known_hubs: KnownHubs
) -> None:
    # Real password hashing (tens of ms, in the thread pool) while pings arrive.
    slow_hub = HubThread(hub_config(data_dir, hash_cost=DEFAULT_COST))
    endpoints = slow_hub.start()
    try:
        async with await HubClient.connect(
            endpoints.endpoint("127.0.0.1"), known_hubs=known_hubs
        ) as c:
            order: list[str] = []

            async def run(name: str, coro: Awaitable[object]) -> None:
                await coro
                order.append(name)

            await asyncio.gather(
                *(
                    run("register", c.register("player", f"slowpoke{i}", "secret"))
                    for i in range(4)
                ),
                *(run("ping", c.ping()) for _ in range(4)),
            )
            assert order[:4] == ["ping"] * 4
    finally:
        slow_hub.stop()


def test_reply_is_valid_msgpack_reply(raw: RawDealer) -> None:
    raw.send(envelope(kind="ping"))
    frame = raw.sock.recv()
    reply = msgspec.msgpack.decode(frame, type=protocol.Reply)
    assert reply.ok and reply.id == 7


# -- frames that must be answered with their id, without a traceback on the hub --------

DEEP = b"\x91" * 5000 + b"\xc0"  # 5,000 nested one-element arrays


def head(req_id: int, kind: str = "ping", token: str = "") -> bytes:
    """The front of an envelope as the client encodes it (v, id, kind, token), before args."""
    return (
        b"\x85"
        + enc("v")
        + enc(1)
        + enc("id")
        + enc(req_id)
        + enc("kind")
        + enc(kind)
        + (enc("token") + enc(token) + enc("args"))
    )


ANSWERED_WITH_ID = [
    # (frame, id, code, words the message must contain)
    (DEEP, 0, "bad_request", "Expected `object`"),  # no map, so no id to read
    (b"\x81" + enc("x") + DEEP, 0, "bad_request", "Malformed request"),
    (head(41) + DEEP, 41, "bad_request", "nested too deeply"),
    (head(42, "login") + b"\x81" + enc("user") + DEEP, 42, "bad_request", "nested too deeply"),
    (head(43)[:-5] + b"\xa2ar" + DEEP, 43, "bad_request", "Malformed request"),
    (b"\x83\xa1v\x01\xa2id\x2c\xa4kind\xa1\xb3", 44, "bad_request", "Malformed request"),
    (b"\x84\xa1v\x01\xa2id\x2d\xa4kind\xa4ping\xa5token\xa2\xff\xfe", 45, "bad_request", "UTF-8"),
    (head(46) + b"\xdd\xff\xff\xff\xff", 46, "bad_request", "Malformed request"),  # huge length
    (head(47) + enc({"blob": b"x" * 100_000}), 47, "too_large", "only a game's files"),
    (
        head(48, "upload_blocks") + enc({"transfer": "t", "blocks": [["h", b"x" * 100_000]]}),
        48,
        "not_logged_in",
        "log in",
    ),
    (
        head(49, "upload_blocks", "made-up") + b"\xdd\x00\x10\x00\x00" + b"\x91" * 2**20,
        49,
        "not_logged_in",
        "not valid",
    ),
]


@pytest.mark.parametrize(("frame", "req_id", "code", "words"), ANSWERED_WITH_ID)
async def test_bad_frame_is_answered_with_its_id_and_no_traceback(
    raw: RawDealer,
    client: HubClient,
    caplog: pytest.LogCaptureFixture,
    frame: bytes,
    req_id: int,
    code: str,
    words: str,
) -> None:
    reply = await asyncio.to_thread(raw.ask, frame)
    assert reply.error is not None, reply
    assert (reply.id, reply.error.code) == (req_id, code), reply.error.message
    assert words in reply.error.message and reply.error.message.endswith(".")
    assert (await client.ping()).time > 0
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_many_bad_frames_are_logged_once_per_interval(
    raw: RawDealer, client: HubClient, caplog: pytest.LogCaptureFixture
) -> None:
    frames = [head(i) + DEEP for i in range(1, 2001)]

    def send_all() -> list[int]:
        for frame in frames:
            raw.send(frame)
        return [raw.reply().id for _ in frames]

    assert sorted(await asyncio.to_thread(send_all)) == list(range(1, 2001))
    await client.ping()
    lines = [r for r in caplog.records if r.name == "hub_core.server.transport"]
    assert 1 <= len(lines) <= 3, [r.getMessage() for r in lines]
    assert not [r for r in caplog.records if r.exc_info]


def test_hello_socket_drops_big_messages_and_keeps_answering(hub: HubThread) -> None:
    endpoints = hub.hub.endpoints
    assert endpoints is not None
    ctx = zmq.Context()
    try:
        big = ctx.socket(zmq.DEALER)
        big.setsockopt(zmq.LINGER, 0)
        big.setsockopt(zmq.RCVTIMEO, 1000)
        big.connect(f"tcp://127.0.0.1:{endpoints.ports.hello}")
        big.send(b"x" * (protocol.HELLO_MAX_BYTES + 1))
        with pytest.raises(zmq.Again):  # dropped with its connection: no answer
            big.recv()
        small = ctx.socket(zmq.DEALER)
        small.setsockopt(zmq.LINGER, 0)
        small.setsockopt(zmq.RCVTIMEO, 5000)
        small.connect(f"tcp://127.0.0.1:{endpoints.ports.hello}")
        small.send(b"hello")
        hello = msgspec.msgpack.decode(small.recv(), type=protocol.Hello)
        assert hello.req_port == endpoints.ports.req
    finally:
        ctx.destroy(linger=0)


# -- wire compatibility: frames and replies as protocol version 1 has always had them ------

OLD_ROOM = {
    "id": "a1b2c3d4",
    "game": "rps",
    "version": "1.0.0",
    "display_name": "Rock Paper Scissors",
    "type": "CLI",
    "min_players": 2,
    "max_players": 2,
    "owner": "Ann",
    "players": ["Ann", "Bob"],
    "ready": ["Ann"],
    "accepted": [],
    "state": "waiting",
    "server_port": 40123,
    "matches": 1,
    "last_results": {"winner": "Ann"},
    "closed_reason": "",
    "created": 1700000000.5,
}
OLD_SUMMARY = {
    "name": "rps",
    "display_name": "Rock Paper Scissors",
    "type": "CLI",
    "max_players": 2,
    "min_players": 2,
    "description": "Simple 2-player RPS game",
    "author": "Dev",
    "latest": "1.0.0",
    "status": "active",
    "avg_rating": None,
    "review_count": 0,
    "updated": 1700000000.0,
}
OLD_REVIEW = {
    "player": "Ann",
    "key": "ann",
    "rating": 4,
    "text": "fun",
    "time": 1700000001.0,
    "version": "1.0.0",
}
OLD_VERSION = {
    "version": "1.0.0",
    "uploaded": 1700000000.0,
    "manifest": {"name": "rps", "display_name": "Rock Paper Scissors", "max_players": 2},
    "files": 3,
    "bytes": 1234,
}
OLD_MATCH = {
    "id": "0001700000100.000000-ab12cd34",
    "game": "rps",
    "display_name": "Rock Paper Scissors",
    "version": "1.0.0",
    "room": "a1b2c3d4",
    "players": ["Ann", "Bob"],
    "results": {"winner": "Ann", "scores": {"Ann": 2, "Bob": 0}},
    "winner": "Ann",
    "started": 1700000000.0,
    "ended": 1700000100.0,
    "ending": "finished",
    "closed_room": False,
}
OLD_SESSION = {"token": "t", "session_id": "s", "user": "Ann", "role": "player", "key": "ann"}

# (the Struct a new client decodes into, a reply or event exactly as hubs have sent it)
OLD_REPLIES: list[tuple[object, object]] = [
    (schema.Login.reply, OLD_SESSION),
    (schema.Register.reply, {"user": "Ann", "role": "player"}),
    (schema.WhoAmI.reply, {"user": "Ann", "role": "player", "session_id": "s"}),
    (schema.Ping.reply, {"time": 1700000000.25}),
    (schema.Logout.reply, {}),
    (schema.RoomGet.reply, {"room": OLD_ROOM, "seq": 3}),
    (schema.MyRoom.reply, None),
    (schema.ListRooms.reply, {"rooms": [OLD_ROOM], "seq": 9}),
    (schema.RoomChat.reply, {"from": "Ann", "text": "hi", "time": 1700000002.0}),
    (schema.Heartbeat.reply, {"room": None}),
    (schema.ListGames.reply, [OLD_SUMMARY]),
    (
        schema.GetGameDetails.reply,
        OLD_SUMMARY | {"versions": [OLD_VERSION], "reviews": [OLD_REVIEW]},
    ),
    (
        schema.Review.reply,
        {"name": "rps", "avg_rating": 4.0, "review_count": 1, "review": OLD_REVIEW},
    ),
    (schema.MyReviews.reply, [{"game": "rps", "display_name": "Rock Paper Scissors"} | OLD_REVIEW]),
    (schema.Played.reply, {"rps": 2}),
    (
        schema.MatchHistory.reply,
        {
            "matches": [OLD_MATCH],
            "leaderboard": [{"player": "Ann", "wins": 1, "matches": 1}],
            "per_version": {"1.0.0": 1},
            "kept": 500,
        },
    ),
    (
        schema.VersionHint.reply,
        {"exists": True, "latest": "1.0.0", "versions": ["1.0.0"], "suggested": "1.0.1"},
    ),
    (
        schema.PublishBegin.reply,
        {"transfer": "x", "name": "rps", "version": "1.0.1", "missing": ["ab" * 32]},
    ),
    (schema.UploadBlocks.reply, {"stored": 2}),
    (schema.PublishCommit.reply, {"name": "rps", "version": "1.0.1"}),
    (schema.Unpublish.reply, {"name": "rps", "status": "removed"}),
    (
        schema.InstallBegin.reply,
        {"name": "rps", "version": "1.0.0", "manifest": {}, "index": [["a.py", 1, "h", ["h"]]]},
    ),
    (schema.FetchBlocks.reply, {"blocks": [b"\x00\x01"]}),
    (schema.SessionEnded, {"session_id": "s", "reason": "replaced"}),
    (schema.HubStopping, {"name": "Test hub"}),
    (schema.GameRemoved, {"name": "rps"}),
]


@pytest.mark.parametrize(("shape", "old"), OLD_REPLIES)
def test_replies_shaped_as_before_decode_into_the_schema_and_encode_back_unchanged(
    shape: object, old: object
) -> None:
    """A new client reads an older hub's replies, and a new hub sends the same maps."""
    frame = enc(old)
    typed = msgspec.msgpack.decode(frame, type=shape)
    back = msgspec.msgpack.decode(enc(typed))
    if isinstance(old, dict) and isinstance(back, dict):
        # Fields added since (with defaults old clients ignore) are the only difference.
        assert set(back) - set(old) <= ADDED_SINCE
        back = {key: value for key, value in back.items() if key in old}
    assert back == old


# Reply fields added to protocol version 1 later; older clients ignore unknown keys.
# owner, yours, removed: version_hint; ratings: game_details
# deps: install_begin (a game's libraries); window: publish_begin and upload_blocks (the
# upload window the hub grants); chat: a room's recent lines; ahead: version_hint (the hub
# takes a publish's blocks while they are cut); features: login (e.g. BLAKE3 hashes)
ADDED_SINCE = {
    "incarnation", "owner", "yours", "removed", "ratings", "deps", "window", "chat", "ahead",
    "features",
}  # fmt: skip


def test_publish_begin_without_libraries_is_the_frame_older_hubs_know() -> None:
    """A game without requires sends no "deps" key (older hubs forbid unknown fields), and
    an older client's publish_begin decodes with none."""
    old = {"version": "1.0.0", "manifest": {"name": "rps"}, "index": [["a.py", 1, "h", ["h"]]]}
    typed = msgspec.msgpack.decode(enc(old), type=schema.PublishBegin)
    assert typed.deps == []
    assert msgspec.msgpack.decode(enc(typed)) == old
    wheels = [{"requirement": "pygame", "wheels": [["pygame-2-py3-none-any.whl", 1, "h", ["h"]]]}]
    sent = msgspec.msgpack.decode(enc(msgspec.structs.replace(typed, deps=wheels)))
    assert sent["deps"] == wheels


def test_a_hello_from_before_handoffs_decodes_as_generation_0() -> None:
    """Hubs older than handoffs send no generation: clients take it as never handed over."""
    old = {"protocol": 1, "name": "Hub", "host": "a@b", "key": "k" * 40, "req_port": 1,
           "pub_port": 3, "online": 0, "incarnation": "x"}  # fmt: skip
    hello = msgspec.msgpack.decode(enc(old), type=protocol.Hello)
    assert hello.generation == 0
    moved = {"name": "Hub", "address": "10.0.0.2", "req_port": 1, "pub_port": 3, "key": "k",
             "generation": 1}  # fmt: skip
    event = protocol.Event(topic="hub", seq=1, kind="hub_moved", data=moved)
    assert schema.event_data(event) == schema.HubMoved(**moved)


def test_a_review_stored_without_a_version_decodes_and_is_sent_with_one() -> None:
    """Hub records from before reviews named a version still decode; an old client, which
    requires the key, still finds it in what a new hub sends."""
    unversioned = {k: v for k, v in OLD_REVIEW.items() if k != "version"}
    typed = msgspec.convert(unversioned, schema.ReviewView)
    assert typed.version == ""
    assert msgspec.msgpack.decode(enc(typed))["version"] == ""


def test_every_request_kind_is_one_schema_struct_and_one_route(hub: HubThread) -> None:
    structs = {cls.kind: cls for cls in _request_structs()}
    assert len(structs) == len(_request_structs())  # no kind declared twice
    assert sorted(structs) == hub.hub.wire._routes.kinds()


def _request_structs() -> list[type[schema.Request[object]]]:
    found = [c for c in vars(schema).values() if isinstance(c, type)]
    return [c for c in found if issubclass(c, schema.Request) and c is not schema.Request]


def test_frames_from_a_version_1_client_still_decode_on_the_hub(raw: RawDealer) -> None:
    """Requests built the way clients always built them: a map envelope with map args."""

    def ask(kind: str, token: str = "", **args: object) -> object:
        frame = enc({"v": 1, "id": 11, "kind": kind, "token": token, "args": args})
        reply = raw.ask(frame)
        assert reply.ok, reply.error
        return reply.result

    for role in ("player", "developer"):
        ask("register", role=role, user="Old", password="secret")
    player = msgspec.convert(
        ask("login", role="player", user="Old", password="secret"), schema.SessionInfo
    )
    dev = ask("login", role="developer", user="Old", password="secret")
    developer = msgspec.convert(dev, schema.SessionInfo)
    assert (player.user, player.role, developer.role) == ("Old", "player", "developer")
    who = msgspec.convert(ask("whoami", player.token), schema.Identity)
    assert who.session_id == player.session_id
    assert msgspec.convert(ask("list_rooms", player.token), schema.RoomList).rooms == []
    assert ask("my_room", player.token) is None
    assert msgspec.convert(ask("heartbeat", player.token), schema.HeartbeatReply).room is None
    assert msgspec.convert(ask("list_games", player.token), list[schema.GameSummary]) == []
    hint = msgspec.convert(
        ask("version_hint", developer.token, name="rps"), schema.VersionHintReply
    )
    assert (hint.exists, hint.suggested) == (False, "1.0.0")
    refused = raw.ask(
        enc(
            {
                "v": 1,
                "id": 12,
                "kind": "set_ready",
                "token": player.token,
                "args": {"room": "nope", "ready": True, "installed": None},
            }
        )
    )
    assert refused.error is not None and refused.error.code == "no_such_room"


def test_the_protocol_version_is_still_1() -> None:
    """The wire is unchanged by the typed schema; a change to it must bump this (and say so)."""
    assert protocol.PROTOCOL_VERSION == 1


class _VersionViewBeforeLibraries(msgspec.Struct, frozen=True):
    """VersionView as clients before issue 14's app parts knew it."""

    version: str
    uploaded: float
    manifest: dict[str, object]
    files: int
    bytes: int


def test_a_versions_libraries_reach_new_clients_and_old_ones_ignore_them() -> None:
    """game_details lists each version's wheels by file name; a version without libraries is
    sent exactly as before (OLD_VERSION above), and an older client skips the new key."""
    library = {"requirement": "pygame>=2.5", "wheels": ["pygame-2.6.1-cp311-cp311-win_amd64.whl"]}
    frame = enc(OLD_VERSION | {"libraries": [library]})
    typed = msgspec.msgpack.decode(frame, type=schema.VersionView)
    assert typed.libraries == [schema.LibraryView("pygame>=2.5", library["wheels"])]
    assert msgspec.msgpack.decode(enc(typed)) == OLD_VERSION | {"libraries": [library]}
    old = msgspec.msgpack.decode(frame, type=_VersionViewBeforeLibraries)
    assert msgspec.structs.asdict(old) == OLD_VERSION
    bare = msgspec.msgpack.decode(enc(OLD_VERSION), type=schema.VersionView)
    assert "libraries" not in msgspec.msgpack.decode(enc(bare))
