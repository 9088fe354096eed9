"""Is a discovered hub alive? Its hello answers: mDNS records outlive crashed hubs."""

from __future__ import annotations

from typing import Any

from hub_core.client.hub_client import fetch_hello
from hub_core.errors import HubUnreachable
from hub_core.wire.endpoints import HubAddress


async def probe_hub(info: Any, *, timeout: float = 1.0) -> bool:
    """True if a discovered hub answers its hello at one of its addresses."""
    for address in info.addresses:
        try:
            await fetch_hello(HubAddress(address, info.req_port), timeout=timeout)
        except HubUnreachable:
            continue
        return True
    return False
