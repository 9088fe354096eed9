"""Where a replacing login came from, from the SessionEnded event: which program, and
whether it runs on this computer or at another address. The CLI prints ``describe``;
the app says the same in its own (translated) words from ``Elsewhere``."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hub_core.wire.schema import ClientKind, SessionEnded


@dataclass(frozen=True)
class Elsewhere:
    """The new session's program ("" if the hub did not say) and where it runs."""

    client: str
    address: str  # as the hub saw it; "" from older hubs
    here: bool  # the address is one of this computer's


def this_computer(address: str) -> bool:
    """True for a loopback address or one of this machine's own addresses."""
    try:
        if ipaddress.ip_address(address).is_loopback:
            return True
    except ValueError:
        return False
    from hub_core.discovery import local_addresses  # loads zeroconf: only when needed

    return address in local_addresses()


def elsewhere(ended: SessionEnded) -> Elsewhere:
    return Elsewhere(ended.by_client, ended.by_address, this_computer(ended.by_address))


def describe(where: Elsewhere) -> str:
    """English, for the CLI: 'with the gamehub command on this computer'."""
    programs = {ClientKind.APP: "in the GameHub app", ClientKind.CLI: "with the gamehub command"}
    program = programs.get(where.client, "")  # type: ignore[call-overload]
    place = "on this computer" if where.here else f"at {where.address}" if where.address else ""
    if where.address and not where.here and not program:
        place = f"from {where.address}"
    return " ".join(part for part in (program, place) if part)
