"""The game_finished listener's connections as a state machine: each transition recorded,
over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from hub_core.server.lobby import callback as lobby_callback
from hub_core.server.lobby.callback import CallState, GameFinished, LobbyCallback
from tests.hub_core.server.lobby.test_lobby_callback import exchange, report

FULL = ["reading", "answering", "lingering", "closed"]


class States:
    """Records (connection number, state) as the listener announces them."""

    def __init__(self) -> None:
        self.events: list[tuple[int, CallState]] = []
        self._changed = asyncio.Event()

    def __call__(self, number: int, state: CallState) -> None:
        self.events.append((number, state))
        self._changed.set()

    def of(self, number: int) -> list[str]:
        return [state.value for n, state in self.events if n == number]

    async def wait_for(self, number: int, state: CallState) -> None:
        async with asyncio.timeout(5):
            while (number, state) not in self.events:
                self._changed.clear()
                await self._changed.wait()


async def finished(report: GameFinished) -> tuple[bool, str]:
    return True, "The room is waiting again."


@pytest.fixture
async def listener() -> AsyncIterator[tuple[LobbyCallback, States]]:
    states = States()
    callback = LobbyCallback(finished, read_timeout=0.3, on_state=states)
    await callback.start()
    yield callback, states
    await callback.stop()


async def test_a_report_goes_through_every_state(listener: tuple[LobbyCallback, States]) -> None:
    callback, states = listener
    assert (await exchange(callback.port, report()))["ok"] is True
    await states.wait_for(1, CallState.CLOSED)
    assert states.of(1) == FULL


@pytest.mark.parametrize(
    "data",
    [b"hello\n", b"[1]\n", b"x" * (lobby_callback.MAX_LINE + 10)],
    ids=["json", "shape", "long"],
)
async def test_garbage_is_answered_too(listener: tuple[LobbyCallback, States], data: bytes) -> None:
    callback, states = listener
    assert (await exchange(callback.port, data))["ok"] is False
    await states.wait_for(1, CallState.CLOSED)
    assert states.of(1) == FULL


async def test_a_silent_client_times_out_into_an_answer(
    listener: tuple[LobbyCallback, States],
) -> None:
    callback, states = listener
    answer = await exchange(callback.port, b"")
    assert "No message arrived" in answer["error"]
    await states.wait_for(1, CallState.CLOSED)
    assert states.of(1) == FULL


async def test_stopping_closes_a_connection_that_is_still_reading() -> None:
    states = States()
    callback = LobbyCallback(finished, read_timeout=30, on_state=states)
    port = await callback.start()
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await states.wait_for(1, CallState.READING)
        await callback.stop()
        assert states.of(1) == ["reading", "closed"]
    finally:
        writer.close()


async def test_one_over_the_limit_skips_reading(
    listener: tuple[LobbyCallback, States], monkeypatch: pytest.MonkeyPatch
) -> None:
    callback, states = listener
    monkeypatch.setattr(lobby_callback, "MAX_CONNECTIONS", 1)
    _, first = await asyncio.open_connection("127.0.0.1", callback.port)
    try:
        await states.wait_for(1, CallState.READING)
        answer = await exchange(callback.port, report())
        assert answer == {"ok": False, "error": "The hub is busy; try again in a moment."}
        await states.wait_for(2, CallState.CLOSED)
        assert states.of(2) == ["answering", "lingering", "closed"]
    finally:
        first.close()
