"""Finding hubs on the LAN: a hub announces `_gamehub._tcp` over mDNS, the app browses for it.

TXT keys: ``v`` (protocol version), ``name`` (hub name), ``host`` (who hosts), ``req`` and
``pub`` (ports), ``key`` (CURVE public key, z85). Everything runs on the caller's asyncio
loop (zeroconf's AsyncZeroconf attaches to it; no threads). ``GAMEHUB_MDNS_INTERFACES``
(comma-separated IPs) limits mDNS to those interfaces when no interfaces are given.

A crashed hub's PTR record lingers in caches for many minutes, so a Browser given a
``probe`` checks each hub itself and reports unreachable hubs with ``alive=False``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

from zeroconf import Error as ZeroconfError
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

from hub_core.discovery._browser import Browser, HubCallback, Probe, open_zeroconf
from hub_core.discovery._records import (
    SERVICE_TYPE,
    HubAnnouncement,
    HubInfo,
    default_interfaces,
    encode_txt,
    instance_name,
    local_addresses,
    server_name,
)
from hub_core.errors import DiscoveryError

__all__ = [
    "SERVICE_TYPE",
    "Announcer",
    "Browser",
    "HubAnnouncement",
    "HubCallback",
    "HubInfo",
    "Probe",
    "default_interfaces",
    "discover",
    "local_addresses",
]

log = logging.getLogger(__name__)

_SETTLE_S = 3.0  # how long discover() waits for hubs still being resolved or probed


class Announcer:
    """Publishes one hub on the LAN until stopped.

    Registration skips the multicast name-conflict probe (``cooperating_responders``):
    the instance name carries a tag made from the hub's key and host, so two different
    hubs never share it, and the same hub restarted simply replaces its stale record.
    """

    def __init__(self, ann: HubAnnouncement, *, interfaces: list[str] | None = None) -> None:
        self._ann = ann
        self._interfaces = interfaces
        self._name = instance_name(ann)
        self._server = server_name(ann)
        self._aiozc: AsyncZeroconf | None = None
        self._info: AsyncServiceInfo | None = None
        self._broadcast: asyncio.Future[object] | None = None

    @property
    def service_name(self) -> str:
        """The mDNS instance name browsers report as HubInfo.service_name."""
        return self._name

    def _service_info(self, ann: HubAnnouncement) -> AsyncServiceInfo:
        return AsyncServiceInfo(
            SERVICE_TYPE,
            self._name,
            port=ann.req_port,
            properties=encode_txt(ann),
            server=self._server,
            parsed_addresses=[ann.address],
        )

    async def start(self) -> None:
        """Announces the hub (returns at once; the repeats follow in the background).

        Raises DiscoveryError with a sentence when the hub cannot be announced.
        """
        if self._aiozc is not None:
            return
        info = self._service_info(self._ann)
        aiozc = await open_zeroconf(self._interfaces, "announce the hub on the network")
        try:
            pending = await aiozc.async_register_service(info, cooperating_responders=True)
        except (OSError, ValueError, ZeroconfError) as exc:
            await aiozc.async_close()
            raise DiscoveryError(f"Could not announce the hub on the network ({exc}).") from exc
        self._aiozc, self._info = aiozc, info
        self._follow(pending)
        log.info("Announcing hub %r as %s at %s", self._ann.name, self._name, self._ann.address)

    async def update(self, ann: HubAnnouncement) -> None:
        """Publishes new details (name, ports, key, address) under the same service name."""
        info = self._service_info(ann)  # validates before anything changes
        self._ann = ann
        aiozc = self._aiozc
        if aiozc is None:
            return
        self._cancel_broadcast()
        self._info = info
        try:
            self._follow(await aiozc.async_update_service(info))
        except (OSError, ValueError, ZeroconfError) as exc:
            raise DiscoveryError(f"Could not update the hub's announcement ({exc}).") from exc

    async def stop(self) -> None:
        """Says goodbye on the network and closes the sockets; safe to call twice."""
        aiozc, info = self._aiozc, self._info
        self._aiozc = self._info = None
        if aiozc is None:
            return
        self._cancel_broadcast()
        try:
            if info is not None:
                goodbyes = await aiozc.async_unregister_service(info)
                await goodbyes
        except (OSError, ZeroconfError) as exc:
            log.warning("Could not withdraw the hub's announcement: %s", exc)
        finally:
            await aiozc.async_close()
        log.info("Stopped announcing hub %r", self._ann.name)

    def _follow(self, pending: Awaitable[object]) -> None:
        future = asyncio.ensure_future(pending)
        future.add_done_callback(_log_failure)
        self._broadcast = future

    def _cancel_broadcast(self) -> None:
        if self._broadcast is not None and not self._broadcast.done():
            self._broadcast.cancel()
        self._broadcast = None


def _log_failure(future: asyncio.Future[object]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("Announcing the hub failed: %s", future.exception())


async def discover(
    timeout: float, *, probe: Probe | None = None, interfaces: list[str] | None = None
) -> list[HubInfo]:
    """Browses for ``timeout`` seconds and returns the hubs seen, sorted by name.

    Hubs still being resolved or probed at the end get a few more seconds at most.
    """

    def ignore(_: HubInfo) -> None:
        pass

    browser = Browser(
        on_added=ignore,
        on_updated=ignore,
        on_removed=ignore,
        probe=probe,
        interfaces=interfaces,
        probe_interval=max(timeout, 1.0) * 10,  # each hub is probed once, when found
    )
    await browser.start()
    try:
        await asyncio.sleep(timeout)
        await browser.settle(_SETTLE_S)
        hubs = browser.hubs.values()
    finally:
        await browser.stop()
    return sorted(hubs, key=lambda h: (h.name.casefold(), h.service_name))
