"""The game_finished listener over real sockets on 127.0.0.1: reports, garbage, concurrency."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from hub_core.server.lobby.callback import MAX_LINE, GameFinished, LobbyCallback


class Recorder:
    """An on_finished that records reports; ``answer`` is what it replies."""

    def __init__(self) -> None:
        self.reports: list[GameFinished] = []
        self.answer: tuple[bool, str] = (True, "The room is waiting again.")

    async def __call__(self, report: GameFinished) -> tuple[bool, str]:
        self.reports.append(report)
        return self.answer


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def port(recorder: Recorder) -> AsyncIterator[int]:
    callback = LobbyCallback(recorder, read_timeout=0.5)
    yield await callback.start()
    await callback.stop()


async def exchange(port: int, data: bytes, *, half_close: bool = False) -> dict[str, Any]:
    """Sends ``data`` as a game would and returns the one-line answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        if half_close:
            writer.write_eof()
        line = await asyncio.wait_for(reader.readline(), 5)
        assert await asyncio.wait_for(reader.read(), 5) == b""  # then the hub closes
        answer = json.loads(line)
        assert isinstance(answer, dict)
        return answer
    finally:
        writer.close()


def report(**fields: Any) -> bytes:
    return json.dumps({"kind": "game_finished", "room_id": "r1", **fields}).encode() + b"\n"


# -- good reports ------------------------------------------------------------------------


async def test_a_report_reaches_on_finished(port: int, recorder: Recorder) -> None:
    results = {"winner": "alice", "scores": {"alice": 3, "bob": 1}}
    answer = await exchange(port, report(kick_all=True, results=results))
    assert answer == {"ok": True, "message": "The room is waiting again."}
    assert recorder.reports == [GameFinished("r1", True, results)]


async def test_kick_all_and_results_are_optional(port: int, recorder: Recorder) -> None:
    assert (await exchange(port, report()))["ok"] is True
    assert recorder.reports == [GameFinished("r1", False, None)]


async def test_a_report_ended_by_closing_instead_of_a_newline_counts(
    port: int, recorder: Recorder
) -> None:
    answer = await exchange(port, report().rstrip(b"\n"), half_close=True)
    assert answer["ok"] is True
    assert [r.room_id for r in recorder.reports] == ["r1"]


async def test_a_line_of_exactly_64_kib_is_accepted(port: int, recorder: Recorder) -> None:
    line = report(results="")
    padded = report(results="x" * (MAX_LINE - len(line) + 1))
    assert len(padded) == MAX_LINE + 1  # the newline is not counted
    assert (await exchange(port, padded))["ok"] is True


async def test_a_refusal_from_the_lobby_is_passed_on(port: int, recorder: Recorder) -> None:
    recorder.answer = (False, "There is no open room 'r1' on this hub.")
    answer = await exchange(port, report())
    assert answer == {"ok": False, "error": "There is no open room 'r1' on this hub."}


async def test_a_failing_on_finished_is_an_error_reply_not_a_crash(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(report: GameFinished) -> tuple[bool, str]:
        raise RuntimeError("bug")

    callback = LobbyCallback(broken)
    port = await callback.start()
    try:
        with caplog.at_level(logging.ERROR):
            answer = await exchange(port, report())
        assert answer == {"ok": False, "error": "The hub could not record the end of the game."}
        assert "room r1 failed" in caplog.text
        assert (await exchange(port, report()))["ok"] is False  # still listening
    finally:
        await callback.stop()


# -- garbage -----------------------------------------------------------------------------

GARBAGE = [
    (b"hello\n", "not valid JSON"),
    (b"\xff\xfe\x00garbage\n", "not valid JSON"),
    (b"\n", "empty"),
    (b"[1, 2]\n", "must be a JSON object"),
    (b'"game_finished"\n', "must be a JSON object"),
    (b"[" * 50_000 + b"\n", "nested too deeply"),
    (b'{"room_id": "r1"}\n', 'no "kind"'),
    (b'{"kind": 7, "room_id": "r1"}\n', 'no "kind"'),
    (
        b'{"kind": "propose_start", "room_id": "r1"}\n',
        "only \"game_finished\" messages, not 'propose_start'",
    ),
    (b'{"kind": "game_finished"}\n', '"room_id" must name the room'),
    (b'{"kind": "game_finished", "room_id": 12}\n', '"room_id" must name the room'),
    (b'{"kind": "game_finished", "room_id": " "}\n', '"room_id" must name the room'),
    (b'{"kind": "game_finished", "room_id": "r1", "kick_all": "yes"}\n', '"kick_all" must be'),
    (b'{"kind": "game_finished", "room_id": "r1", "kick_all": 1}\n', '"kick_all" must be'),
    (b"x" * (MAX_LINE + 1) + b"\n", "longer than 64 KiB"),
    (b"x" * (MAX_LINE * 3), "longer than 64 KiB"),
]


@pytest.mark.parametrize(("data", "error"), GARBAGE, ids=[str(i) for i in range(len(GARBAGE))])
async def test_garbage_gets_an_error_sentence(
    port: int, recorder: Recorder, data: bytes, error: str
) -> None:
    answer = await exchange(port, data)
    assert answer["ok"] is False
    assert error in answer["error"]
    assert answer["error"].endswith(".")
    assert recorder.reports == []


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'{"kind": "game_fin', "closed in the middle of a message"),
        (b"", "closed before a message arrived"),
    ],
)
async def test_a_client_that_stops_sending_early(
    port: int, recorder: Recorder, data: bytes, error: str
) -> None:
    answer = await exchange(port, data, half_close=True)
    assert answer == {"ok": False, "error": f"The connection {error}."}


async def test_a_client_that_vanishes_mid_line_harms_nobody(
    port: int, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(3):
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b'{"kind": "game_finished", "room')
        await writer.drain()
        writer.transport.abort()  # a reset, not even a clean close
    assert (await exchange(port, report()))["ok"] is True
    assert len(recorder.reports) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- concurrency -------------------------------------------------------------------------


async def test_clients_are_served_concurrently() -> None:
    """Every on_finished waits until all have started: served one at a time, it would hang."""
    count = 20
    entered: list[str] = []
    all_in = asyncio.Event()

    async def on_finished(report: GameFinished) -> tuple[bool, str]:
        entered.append(report.room_id)
        if len(entered) == count:
            all_in.set()
        await all_in.wait()
        return True, "ok"

    callback = LobbyCallback(on_finished)
    port = await callback.start()
    try:
        answers = await asyncio.wait_for(
            asyncio.gather(*(exchange(port, report(room_id=f"r{i}")) for i in range(count))), 10
        )
    finally:
        await callback.stop()
    assert all(a["ok"] for a in answers)
    assert sorted(entered) == sorted(f"r{i}" for i in range(count))


async def test_a_silent_client_times_out_without_blocking_others(
    port: int, recorder: Recorder
) -> None:
    silent_reader, silent_writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        assert (await exchange(port, report()))["ok"] is True  # served while the silent waits
        assert not silent_reader.at_eof()
        line = await asyncio.wait_for(silent_reader.readline(), 5)
        assert json.loads(line) == {"ok": False, "error": "No message arrived within 0.5 seconds."}
    finally:
        silent_writer.close()


async def test_stop_drops_open_connections_and_can_repeat(recorder: Recorder) -> None:
    callback = LobbyCallback(recorder)
    port = await callback.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await asyncio.sleep(0.05)  # let the hub accept it
    await asyncio.wait_for(callback.stop(), 2)  # does not wait out the 5 s read timeout
    await callback.stop()
    assert await asyncio.wait_for(reader.read(), 2) == b""
    writer.close()
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", port)
