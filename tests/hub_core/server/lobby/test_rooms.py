"""The room state machine on its own: every transition and every refusal, no network."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hub_core.errors import RequestRefused
from hub_core.server.lobby.rooms import Room, RoomState
from hub_core.wire.schema import MatchEnding


def make_room(max_players: int = 2, min_players: int | None = None) -> Room:
    return Room(
        id="r1",
        game="rps",
        version="1.0.0",
        display_name="RPS",
        type="CLI",
        min_players=min_players or max_players,
        max_players=max_players,
        owner="ann",
        players=["ann"],
        names={"ann": "Ann"},
    )


def states(room: Room, steps: list[Callable[[Room], None]]) -> list[str]:
    """Runs steps and records the state after each, like an event recorder."""
    seen = []
    for step in steps:
        step(room)
        seen.append(room.state.value)
    return seen


def test_full_lifecycle() -> None:
    room = make_room()
    recorded = states(
        room,
        [
            lambda r: r.join("bob", "Bob"),
            lambda r: r.set_ready("ann", True),
            lambda r: r.set_ready("bob", True),
            lambda r: r.propose("ann"),
            lambda r: r.respond("bob", True),
            lambda r: r.finished(False, {"winner": "Ann"}),
        ],
    )
    assert recorded == ["waiting", "waiting", "waiting", "proposed", "in_game", "waiting"]
    assert room.matches == 1
    assert room.ready == set()  # ready again for the next match
    assert room.last_results == {"winner": "Ann"}


def test_decline_returns_to_waiting() -> None:
    room = make_room()
    room.join("bob", "Bob")
    room.ready = {"ann", "bob"}
    room.propose("ann")
    room.respond("bob", False)
    assert room.state is RoomState.WAITING
    assert room.accepted == set()


def test_kick_all_closes() -> None:
    room = make_room(1)
    room.ready = {"ann"}
    room.propose("ann")  # alone: starts at once
    assert room.state is RoomState.IN_GAME
    room.finished(True, None)
    assert room.state is RoomState.CLOSED
    assert "closed the room" in room.closed_reason


def test_owner_leaving_passes_ownership_and_empty_room_closes() -> None:
    room = make_room(3)
    room.join("bob", "Bob")
    room.join("cy", "Cy")
    room.leave("ann")
    assert room.owner == "bob"
    assert room.snapshot().owner == "Bob"
    room.leave("bob")
    room.leave("cy")
    assert room.state is RoomState.CLOSED


def test_leaving_during_a_proposal_cancels_it() -> None:
    room = make_room(3, min_players=2)
    room.join("bob", "Bob")
    room.join("cy", "Cy")
    room.ready = {"ann", "bob", "cy"}
    room.propose("ann")
    room.leave("cy")
    assert room.state is RoomState.WAITING


def test_min_players_allows_a_start_before_full() -> None:
    room = make_room(4, min_players=2)
    room.join("bob", "Bob")
    room.ready = {"ann", "bob"}
    room.propose("ann")
    room.respond("bob", True)
    assert room.state is RoomState.IN_GAME


REFUSALS: list[tuple[str, Callable[[Room], None], str, str]] = [
    ("join full room", lambda r: (r.join("bob", "Bob"), r.join("cy", "Cy")), "room_full", "full"),
    (
        "guest proposes",
        lambda r: (r.join("bob", "Bob"), r.propose("bob")),
        "not_owner",
        "Only the room's owner",
    ),
    (
        "propose before full",
        lambda r: r.propose("ann"),
        "not_ready",
        "must be full to start (1 of 2",
    ),
    (
        "propose unready",
        lambda r: (r.join("bob", "Bob"), r.propose("ann")),
        "not_ready",
        "Not everyone is ready yet: Ann, Bob",
    ),
    (
        "accept with no proposal",
        lambda r: (r.join("bob", "Bob"), r.respond("bob", True)),
        "no_proposal",
        "No start",
    ),
    ("stranger readies", lambda r: r.set_ready("eve", True), "not_in_room", "not in this room"),
    ("finish while waiting", lambda r: r.finished(False, None), "room_busy", "No game is running"),
]


@pytest.mark.parametrize(
    ("action", "code", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_refusals_leave_the_room_unchanged(
    action: Callable[[Room], None], code: str, words: str
) -> None:
    room = make_room()
    with pytest.raises(RequestRefused) as info:
        action(room)
    assert info.value.code == code
    assert words in str(info.value)
    assert room.state is RoomState.WAITING


def test_join_refused_while_in_game_or_closed() -> None:
    room = make_room(2)
    room.join("bob", "Bob")
    room.ready = {"ann", "bob"}
    room.propose("ann")
    room.respond("bob", True)
    room.leave("bob")
    with pytest.raises(RequestRefused, match="a game is running"):
        room.join("cy", "Cy")
    room.close("test")
    with pytest.raises(RequestRefused, match="has closed") as info:
        room.join("cy", "Cy")
    assert info.value.code == "no_such_room"


def test_ready_only_while_waiting() -> None:
    room = make_room()
    room.join("bob", "Bob")
    room.ready = {"ann", "bob"}
    room.propose("ann")
    with pytest.raises(RequestRefused, match="only while the room is waiting"):
        room.set_ready("bob", False)


def in_game_room() -> Room:
    room = make_room()
    room.join("bob", "Bob")
    room.ready = {"ann", "bob"}
    room.propose("ann")
    room.respond("bob", True)
    return room


@pytest.mark.parametrize(
    ("end", "ending"),
    [
        (lambda r: r.finished(False, {"winner": "Ann"}), MatchEnding.FINISHED),
        (lambda r: r.finished(True, {"winner": "Ann"}), MatchEnding.FINISHED),
        (lambda r: r.close("The server exited."), MatchEnding.SERVER_DIED),
        (lambda r: (r.leave("bob"), r.leave("ann")), MatchEnding.PLAYERS_LEFT),
        (
            lambda r: r.close("The hub is stopping.", MatchEnding.HUB_STOPPED),
            MatchEnding.HUB_STOPPED,
        ),
    ],
)
def test_every_way_a_match_ends_is_handed_to_the_history_once(
    end: Callable[[Room], object], ending: MatchEnding
) -> None:
    room = in_game_room()
    assert room.take_ended_match() is None  # a running match has not ended
    end(room)
    ended = room.take_ended_match()
    assert ended is not None
    assert (ended.ending, ended.players, ended.names) == (ending, ["ann", "bob"], ["Ann", "Bob"])
    assert ended.started <= ended.ended
    assert room.take_ended_match() is None  # taken once
    room.close("later")  # closing after the match ended records nothing more
    assert room.take_ended_match() is None
