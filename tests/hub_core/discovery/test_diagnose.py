"""The discovery checks: interfaces, mDNS sockets, the self-test, and the report's words.

Tests that start zeroconf are marked ``mdns`` and run only inside scripts/test's private
network namespace, bound to 127.0.0.1.
"""

from __future__ import annotations

import asyncio

import pytest
from zeroconf import ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf

from hub_core.discovery import SERVICE_TYPE
from hub_core.discovery.diagnose import (
    Diagnosis,
    Interface,
    SelfTest,
    diagnose,
    list_interfaces,
    render,
)
from tests.hub_core.discovery.test_discovery import no_leaked_threads  # noqa: F401 (autouse)

LO = ["127.0.0.1"]


def test_interfaces_list_loopback_with_its_address() -> None:
    found = {i.name: i for i in list_interfaces()}
    assert "lo" in found
    assert "127.0.0.1" in found["lo"].addresses
    assert found["lo"].loopback is True
    assert found["lo"].up is True


@pytest.mark.mdns
def test_the_self_test_hears_itself_and_lists_no_hub() -> None:
    async def run() -> tuple[Diagnosis, list[str]]:
        seen: list[str] = []

        def changed(
            zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
        ) -> None:
            seen.append(name)

        watcher = AsyncZeroconf(interfaces=LO)
        browser = AsyncServiceBrowser(watcher.zeroconf, SERVICE_TYPE, handlers=[changed])
        try:
            found = await diagnose(hub_port=47800, interfaces=LO)
            await asyncio.sleep(0.3)  # anything announced as a hub would have arrived by now
        finally:
            await browser.async_cancel()
            await watcher.async_close()
        return found, seen

    found, seen = asyncio.run(run())
    assert found.self_test is SelfTest.HEARD and found.sockets_open
    assert found.heard_after_s is not None
    assert found.mdns_interfaces == ("127.0.0.1",)
    assert found.hub_ports == (47800, 47801, 47802)
    assert [i.name for i in found.multicast_interfaces] == ["lo"]  # scripts/test turned it on
    assert seen == []  # the probe has its own service type: a hub browser never sees it


@pytest.mark.mdns
def test_sockets_that_cannot_open_are_reported_with_the_reason() -> None:
    found = asyncio.run(diagnose(hub_port=47800, interfaces=["10.255.255.254"]))
    assert found.self_test is SelfTest.NO_SOCKETS and not found.sockets_open
    assert "multicast DNS" in found.sockets_error
    assert "could not open them" in render(found)


def found_with(result: SelfTest, platform: str, multicast: bool = True) -> Diagnosis:
    return Diagnosis(
        interfaces=(
            Interface("eth0", ("10.0.0.5",), up=True, multicast=multicast, loopback=False),
        ),
        mdns_interfaces=None,
        sockets_open=result is not SelfTest.NO_SOCKETS,
        sockets_error="Could not look for hubs: no sockets.",
        self_test=result,
        heard_after_s=0.002 if result is SelfTest.HEARD else None,
        platform=platform,
        firewall_tools=("ufw",) if platform == "linux" else (),
        hub_ports=(47800, 47801, 47802),
    )


@pytest.mark.parametrize(
    ("result", "platform", "multicast", "expected"),
    [
        (SelfTest.HEARD, "linux", True, ["heard its own", "sudo ufw status (ufw)", "carries"]),
        (SelfTest.NOT_HEARD, "windows", True, ["did not hear", "Windows Defender Firewall"]),
        (SelfTest.NO_SOCKETS, "macos", False, ["could not open them", "no sockets", "macOS"]),
        (SelfTest.HEARD, "macos", False, ["No interface carries multicast", "eth0: 10.0.0.5"]),
    ],
)
def test_the_report_names_what_was_found_and_where_to_look(
    result: SelfTest, platform: str, multicast: bool, expected: list[str]
) -> None:
    text = render(found_with(result, platform, multicast))
    for words in [*expected, "UDP 5353", "TCP 47800, 47801 and 47802", "host:port"]:
        assert words in text
    data = found_with(result, platform, multicast).as_dict()
    assert data["self_test"] == str(result)
    assert data["multicast_interfaces"] == (["eth0"] if multicast else [])
