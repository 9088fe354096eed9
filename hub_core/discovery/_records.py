"""What a hub publishes over mDNS and what a browser reports, and the TXT record between them.

Private to hub_core.discovery, which re-exports the public names.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub_core.errors import DiscoveryError

log = logging.getLogger("hub_core.discovery")

SERVICE_TYPE = "_gamehub._tcp.local."
INTERFACES_ENV = "GAMEHUB_MDNS_INTERFACES"

KEY_LENGTH = 40  # a CURVE public key in z85 text
_Z85 = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
)
_MAX_TEXT_BYTES = 200  # each TXT string holds at most 255 bytes, "key=" included
_MAX_LABEL_BYTES = 63  # one DNS label: the instance part of the service name
_UNSAFE_IN_LABEL = re.compile(r"[\x00-\x1f\x7f.\\]")


@dataclass(frozen=True)
class HubAnnouncement:
    """What a hub publishes: who it is, where its sockets are, and its public key."""

    name: str
    host: str
    address: str  # the IPv4 address the hub is reachable at
    req_port: int
    pub_port: int
    key: str
    protocol: int


@dataclass(frozen=True)
class HubInfo:
    """A hub as a browser sees it; ``alive`` is the result of the last liveness probe."""

    name: str
    host: str
    addresses: tuple[str, ...]
    req_port: int
    pub_port: int
    key: str
    protocol: int
    alive: bool = True
    mdns_name: str = field(default="")  # the mDNS instance name; see service_name

    @property
    def endpoint(self) -> str:
        """``address:port`` of the hub's request socket, as `--hub` takes it."""
        return f"{self.addresses[0]}:{self.req_port}" if self.addresses else f":{self.req_port}"

    @property
    def service_name(self) -> str:
        """The hub's unique id across add, update and remove: its mDNS instance name."""
        return self.mdns_name or f"{self.name} [{self.endpoint}].{SERVICE_TYPE}"


def default_interfaces() -> list[str] | None:
    """The IP addresses from ``GAMEHUB_MDNS_INTERFACES`` (comma-separated), else None (all)."""
    raw = os.environ.get(INTERFACES_ENV, "")
    chosen = [part.strip() for part in raw.split(",") if part.strip()]
    for part in chosen:
        try:
            ipaddress.ip_address(part)
        except ValueError:
            raise DiscoveryError(
                f"{INTERFACES_ENV} must list IP addresses separated by commas; "
                f"{part!r} is not an IP address."
            ) from None
    return chosen or None


def _clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def hub_tag(ann: HubAnnouncement) -> str:
    """Eight hex digits that tell hubs with the same name apart (same key and host: same hub)."""
    return hashlib.sha256(f"{ann.key}\n{ann.host}".encode()).hexdigest()[:8]


def instance_name(ann: HubAnnouncement) -> str:
    """The full mDNS service name: 'Hub name [1a2b3c4d]._gamehub._tcp.local.'."""
    suffix = f" [{hub_tag(ann)}]"
    label = _UNSAFE_IN_LABEL.sub("-", ann.name).strip() or "GameHub"
    label = _clip(label, _MAX_LABEL_BYTES - len(suffix)).rstrip()
    return f"{label}{suffix}.{SERVICE_TYPE}"


def server_name(ann: HubAnnouncement) -> str:
    """The host name in the SRV record; its own per hub, so goodbyes never hit another hub."""
    return f"gamehub-{hub_tag(ann)}.local."


def encode_txt(ann: HubAnnouncement) -> dict[str, str]:
    """The TXT properties of an announcement; raises DiscoveryError if it is not valid."""
    try:
        address = ipaddress.IPv4Address(ann.address)
    except ValueError:
        raise DiscoveryError(
            f"Cannot announce the hub at {ann.address!r}: it needs an IPv4 address."
        ) from None
    if address.is_unspecified:
        raise DiscoveryError("Cannot announce the hub at 0.0.0.0: give the address players reach.")
    txt = {
        "v": str(ann.protocol),
        "name": _clip(ann.name, _MAX_TEXT_BYTES),
        "host": _clip(ann.host, _MAX_TEXT_BYTES),
        "req": str(ann.req_port),
        "pub": str(ann.pub_port),
        "key": ann.key,
    }
    raw = {k.encode(): v.encode("utf-8") for k, v in txt.items()}
    try:
        parse_txt(raw, (ann.address,), "")
    except ValueError as exc:
        raise DiscoveryError(f"Cannot announce the hub: {exc}.") from None
    return txt


def _text(props: Mapping[bytes, bytes | None], key: str) -> str:
    value = props.get(key.encode())
    if value is None:
        raise ValueError(f"the TXT record has no {key!r} value")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"the TXT value {key!r} is not UTF-8 text") from None


def _int(props: Mapping[bytes, bytes | None], key: str, low: int, high: int) -> int:
    text = _text(props, key)
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ValueError(f"the TXT value {key}={text!r} is not a number from {low} to {high}")
    return int(text)


def parse_txt(
    props: Mapping[bytes, bytes | None], addresses: tuple[str, ...], mdns_name: str
) -> HubInfo:
    """A HubInfo (alive) from TXT properties and IPv4 addresses; ValueError says what is wrong."""
    name = _text(props, "name")
    if not name.strip():
        raise ValueError("the TXT record has an empty hub name")
    key = _text(props, "key")
    if len(key) != KEY_LENGTH or not set(key) <= _Z85:
        raise ValueError(f"the TXT value key={key!r} is not a {KEY_LENGTH}-character z85 key")
    if not addresses:
        raise ValueError("the service has no IPv4 address")
    return HubInfo(
        name=name,
        host=_text(props, "host"),
        addresses=addresses,
        req_port=_int(props, "req", 1, 65535),
        pub_port=_int(props, "pub", 1, 65535),
        key=key,
        protocol=_int(props, "v", 0, 1_000_000),
        alive=True,
        mdns_name=mdns_name,
    )


def network_adapters() -> list[Any]:
    """ifaddr's adapters (zeroconf's own dependency); none, with a log line, if the OS
    will not list them."""
    import ifaddr

    try:
        return list(ifaddr.get_adapters())
    except OSError as exc:
        log.warning("Could not list the network interfaces: %s", exc)
        return []


def local_addresses() -> list[str]:
    """This machine's IPv4 addresses, loopback last; sends no traffic."""
    ranked: dict[str, int] = {}
    for adapter in network_adapters():
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):  # IPv6 comes as a tuple
                continue
            try:
                address = ipaddress.IPv4Address(ip.ip)
            except ValueError:
                continue
            rank = 2 if address.is_loopback else 1 if address.is_link_local else 0
            ranked.setdefault(str(address), rank)
    return sorted(ranked, key=lambda a: ranked[a])  # stable: keeps the adapters' order
