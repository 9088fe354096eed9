"""Thousands of random frames at a live hub: every one gets an error reply, nothing breaks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub_core.server.thread import HubThread
from hub_core.wire import protocol
from hub_core.wire.codes import Code
from tests.hub_core.rawwire import RawDealer

json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.binary(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
kinds = st.sampled_from(["ping", "login", "register", "logout", "whoami", "hello", ""]) | st.text(
    max_size=12
)
envelopes = st.fixed_dictionaries(
    {
        "v": st.integers(-2, 3),
        "id": st.integers(-(2**63), 2**64 - 1) | st.text(max_size=3),
        "kind": kinds,
    },
    optional={
        "token": st.text(max_size=50) | st.integers(0, 9),
        "args": json_like,
        "extra": json_like,
    },
)
frames = st.one_of(
    st.binary(max_size=200),
    json_like.map(protocol.encode),
    envelopes.map(protocol.encode),
)
messages = st.lists(frames, min_size=1, max_size=3)


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubThread]:
    from tests.hub_core.conftest import running_hub

    yield from running_hub(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def dealer(fuzz_hub: HubThread) -> Iterator[RawDealer]:
    raw = RawDealer(fuzz_hub)
    yield raw
    raw.close()


@settings(
    max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=messages)
def test_random_frames_get_error_replies(dealer: RawDealer, message: list[bytes]) -> None:
    reply = dealer.ask(*message)
    if not reply.ok:
        assert reply.error is not None
        assert reply.error.code in {c.value for c in Code}
        assert reply.error.message.endswith(".")
        assert "Traceback" not in reply.error.message


def test_hub_still_serves_after_fuzzing(dealer: RawDealer, fuzz_hub: HubThread) -> None:
    good = protocol.request_frame(1, "ping", {})
    for _ in range(3):
        reply: Any = dealer.ask(good)
        assert reply.ok and "time" in reply.result
