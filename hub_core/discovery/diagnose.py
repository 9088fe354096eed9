"""Why no hub shows up: the network checks behind "Can't find your hub?" and
`gamehub discover --diagnose`.

Finding hubs needs three things on this computer: an interface that carries multicast,
mDNS sockets (UDP 5353) that open, and announcements that come back to a browser. The
self-test announces a throw-away service of its own type (never ``_gamehub._tcp``, so no
other copy lists a phantom hub) and browses for it with a second zeroconf instance, the
way one copy hears another. What it cannot see (a firewall on the hosting computer, a
router that drops multicast between Wi-Fi clients) is named as a place to look.

Interfaces come from ifaddr (zeroconf's own dependency); their up/multicast flags come
from the SIOCGIFFLAGS ioctl on Linux and are reported as unknown elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import platform
import shutil
import socket
import struct
import time
import uuid
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from zeroconf import Error as ZeroconfError
from zeroconf import ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from hub_core.discovery._browser import open_zeroconf
from hub_core.discovery._records import default_interfaces, local_addresses, network_adapters
from hub_core.errors import DiscoveryError

__all__ = [
    "MDNS_PORT",
    "PROBE_TYPE",
    "Diagnosis",
    "Interface",
    "SelfTest",
    "diagnose",
    "firewall_tools",
    "list_interfaces",
    "render",
]

MDNS_PORT = 5353
PROBE_TYPE = "_gamehub-test._tcp.local."  # not the hubs' type: browsers never list it
SELF_TEST_WAIT_S = 3.0  # an announcement normally comes back within a few milliseconds

_IFF_UP = 0x1
_IFF_LOOPBACK = 0x8
_IFF_MULTICAST = 0x1000
_SIOCGIFFLAGS = 0x8913  # from <linux/sockios.h>
_LINUX_FIREWALLS = ("ufw", "firewall-cmd", "nft", "iptables")


class SelfTest(StrEnum):
    """What came of announcing a probe service and browsing for it."""

    # the probe's announcement came back to this computer's own browser
    HEARD = "heard"
    # the sockets opened, but the announcement did not come back within the wait
    NOT_HEARD = "not_heard"
    # multicast DNS could not open or start its sockets (Diagnosis.sockets_error says why)
    NO_SOCKETS = "no_sockets"


@dataclass(frozen=True)
class Interface:
    """A network interface with its addresses; None where the OS does not say."""

    name: str
    addresses: tuple[str, ...]
    up: bool | None
    multicast: bool | None
    loopback: bool

    @property
    def carries_multicast(self) -> bool:
        """Up, multicast-capable (or unknown) and with an IPv4 address mDNS can use."""
        has_v4 = any(":" not in a for a in self.addresses)
        return has_v4 and self.up is not False and self.multicast is not False


@dataclass(frozen=True)
class Diagnosis:
    """Everything the checks found, for the CLI, the app's panel and --json."""

    interfaces: tuple[Interface, ...]
    mdns_interfaces: tuple[str, ...] | None  # GAMEHUB_MDNS_INTERFACES, None = all
    sockets_open: bool
    sockets_error: str
    self_test: SelfTest
    heard_after_s: float | None
    platform: str  # linux, windows, macos or other
    firewall_tools: tuple[str, ...]  # the Linux firewall front-ends installed here
    hub_ports: tuple[int, int, int]  # requests, hello, events of a hub on the default port

    @property
    def multicast_interfaces(self) -> tuple[Interface, ...]:
        return tuple(i for i in self.interfaces if i.carries_multicast)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["self_test"] = str(self.self_test)
        data["multicast_interfaces"] = [i.name for i in self.multicast_interfaces]
        return data


def _flags(name: str) -> int | None:
    """The interface's flags by SIOCGIFFLAGS (Linux; None elsewhere or on failure).

    An ioctl, not /sys/class/net: sysfs shows the namespace it was mounted in, which need
    not be this process's.
    """
    if platform.system() != "Linux":
        return None
    import fcntl

    request = struct.pack("16sH22x", name.encode()[:15], 0)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            answer = fcntl.ioctl(sock.fileno(), _SIOCGIFFLAGS, request)
    except OSError:
        return None
    flags: int = struct.unpack_from("16sH", answer)[1]
    return flags


def list_interfaces() -> tuple[Interface, ...]:
    """This computer's interfaces with addresses (IPv4 first); sends no traffic."""
    adapters = network_adapters()
    found: list[Interface] = []
    for adapter in adapters:
        v4 = [ip.ip for ip in adapter.ips if isinstance(ip.ip, str)]
        v6 = [ip.ip[0] for ip in adapter.ips if isinstance(ip.ip, tuple)]
        flags = _flags(adapter.name)
        loopback = any(ipaddress.ip_address(a).is_loopback for a in v4 + v6)
        found.append(
            Interface(
                name=adapter.nice_name or adapter.name,
                addresses=tuple(v4 + v6),
                up=None if flags is None else bool(flags & _IFF_UP),
                multicast=None if flags is None else bool(flags & _IFF_MULTICAST),
                loopback=loopback if flags is None else bool(flags & _IFF_LOOPBACK),
            )
        )
    return tuple(found) + _without_addresses({a.name for a in adapters})


def _without_addresses(listed: set[str]) -> tuple[Interface, ...]:
    """Linux interfaces ifaddr leaves out because they have no address (often: down)."""
    if platform.system() != "Linux":
        return ()
    try:
        names = [name for _, name in socket.if_nameindex() if name not in listed]
    except OSError:
        return ()
    found = []
    for name in names:
        flags = _flags(name) or 0
        up, multicast = bool(flags & _IFF_UP), bool(flags & _IFF_MULTICAST)
        found.append(Interface(name, (), up, multicast, loopback=bool(flags & _IFF_LOOPBACK)))
    return tuple(found)


def _platform() -> str:
    """platform.system(), not sys.platform: the type checker would prune the other OSes."""
    names = {"Linux": "linux", "Windows": "windows", "Darwin": "macos"}
    return names.get(platform.system(), "other")


def firewall_tools() -> tuple[str, ...]:
    """The Linux firewall front-ends installed here (they may still be inactive)."""
    return tuple(tool for tool in _LINUX_FIREWALLS if shutil.which(tool) is not None)


async def _self_test(interfaces: list[str] | None, wait: float) -> tuple[SelfTest, float | None]:
    """Announces a probe service with one zeroconf and waits for another to hear it."""
    announcing = await open_zeroconf(interfaces, "run the multicast self-test")
    try:
        browsing = await open_zeroconf(interfaces, "run the multicast self-test")
    except DiscoveryError:
        await announcing.async_close()
        raise
    try:
        return await _announce_and_listen(announcing, browsing, interfaces, wait)
    finally:
        await browsing.async_close()
        await announcing.async_close()


async def _announce_and_listen(
    announcing: AsyncZeroconf, browsing: AsyncZeroconf, interfaces: list[str] | None, wait: float
) -> tuple[SelfTest, float | None]:
    tag = uuid.uuid4().hex[:12]
    probe_name = f"GameHub self-test {tag}.{PROBE_TYPE}"
    heard = asyncio.Event()

    def changed(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:  # zeroconf passes these by keyword
        if name == probe_name and state_change is not ServiceStateChange.Removed:
            heard.set()

    address = (interfaces or local_addresses() or ["127.0.0.1"])[0]
    info = AsyncServiceInfo(
        PROBE_TYPE,
        probe_name,
        port=9,  # discard: nothing is ever served; only the records matter
        properties={"probe": tag},
        server=f"gamehub-test-{tag}.local.",
        parsed_addresses=[address if ":" not in address else "127.0.0.1"],
    )
    browser = AsyncServiceBrowser(browsing.zeroconf, PROBE_TYPE, handlers=[changed])
    began = time.monotonic()
    try:
        try:
            await announcing.async_register_service(info, cooperating_responders=True)
        except (OSError, ValueError, ZeroconfError) as exc:
            raise DiscoveryError(f"Could not announce the self-test service ({exc}).") from exc
        try:
            await asyncio.wait_for(heard.wait(), wait)
        except TimeoutError:
            return SelfTest.NOT_HEARD, None
        return SelfTest.HEARD, round(time.monotonic() - began, 4)
    finally:
        await browser.async_cancel()  # closing `announcing` says goodbye for the probe


async def diagnose(
    *, hub_port: int, interfaces: list[str] | None = None, wait: float = SELF_TEST_WAIT_S
) -> Diagnosis:
    """Runs every check; never raises for a network problem (that is what it reports)."""
    chosen = interfaces if interfaces is not None else default_interfaces()
    error = ""
    try:
        result, heard_after = await _self_test(chosen, wait)
    except DiscoveryError as exc:
        result, heard_after, error = SelfTest.NO_SOCKETS, None, str(exc)
    return Diagnosis(
        interfaces=list_interfaces(),
        mdns_interfaces=tuple(chosen) if chosen is not None else None,
        sockets_open=result is not SelfTest.NO_SOCKETS,
        sockets_error=error,
        self_test=result,
        heard_after_s=heard_after,
        platform=_platform(),
        firewall_tools=firewall_tools() if _platform() == "linux" else (),
        hub_ports=(hub_port, hub_port + 1, hub_port + 2),
    )


# -- the report in words (the CLI's; the app words its panel through its translations) ---


def _interface_lines(d: Diagnosis) -> list[str]:
    lines = []
    for i in d.interfaces:
        if i.multicast is None:
            state = "multicast unknown"
        elif i.carries_multicast:
            state = "carries multicast"
        else:
            state = "down" if i.up is False else "no multicast"
        kind = " (loopback)" if i.loopback else ""
        lines.append(f"  {i.name}{kind}: {', '.join(i.addresses) or 'no address'} — {state}")
    if not d.multicast_interfaces:
        lines.append("  No interface carries multicast: hubs cannot be found automatically.")
    if d.mdns_interfaces is not None:
        lines.append(f"  mDNS limited to {', '.join(d.mdns_interfaces)} (GAMEHUB_MDNS_INTERFACES)")
    return lines


def _self_test_lines(d: Diagnosis) -> list[str]:
    if d.self_test is SelfTest.NO_SOCKETS:
        return [f"mDNS sockets: could not open them. {d.sockets_error}"]
    lines = ["mDNS sockets (UDP 5353): open."]
    if d.self_test is SelfTest.HEARD:
        lines.append(f"Self-test: this computer heard its own announcement ({d.heard_after_s} s).")
    else:
        lines.append(
            "Self-test: this computer did not hear its own announcement: something on this "
            "computer drops multicast (a firewall rule for UDP 5353, or no multicast route)."
        )
    return lines


def firewall_lines(d: Diagnosis) -> list[str]:
    """Where to look for a firewall that blocks mDNS or a hub's ports, on this OS."""
    req, hello, pub = d.hub_ports
    lines = [
        f"Firewall: allow UDP {MDNS_PORT} (mDNS) on every computer, and TCP {req}, {hello} "
        f"and {pub} (requests, hello, events) in on the computer that hosts the hub."
    ]
    if d.platform == "linux":
        where = {
            "ufw": "sudo ufw status",
            "firewall-cmd": "sudo firewall-cmd --list-all",
            "nft": "sudo nft list ruleset",
            "iptables": "sudo iptables -L -n",
        }
        found = [f"{where[t]} ({t})" for t in d.firewall_tools] or ["no firewall tool found"]
        lines.append("  Look at: " + "; ".join(found) + ".")
    elif d.platform == "windows":
        lines.append(
            "  Windows Defender Firewall: allow GameHub (or Python) on Private networks, and "
            "set this network to Private (Settings → Network & internet)."
        )
    elif d.platform == "macos":
        lines.append(
            "  macOS: System Settings → Network → Firewall → Options: allow incoming "
            "connections for GameHub (or Python)."
        )
    lines.append("  Routers and Wi-Fi 'client isolation' can also drop multicast between devices.")
    return lines


def render(d: Diagnosis) -> str:
    """The report as plain English text, ready to copy into a message."""
    lines = ["GameHub discovery check", "Interfaces:"]
    lines += _interface_lines(d)
    lines += _self_test_lines(d)
    lines += firewall_lines(d)
    lines.append(
        "Without multicast, type the hub's address as host:port (the host shows it "
        f"as 'Hosting at …', e.g. 192.168.1.20:{d.hub_ports[0]})."
    )
    return "\n".join(lines)
