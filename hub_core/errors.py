"""One exception root for everything hub_core raises; each docstring is the user's message.

The CLI and the app print ``str(exc)``: every subclass carries a plain sentence.
"""

from __future__ import annotations


class GameHubError(Exception):
    """Something went wrong in GameHub."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (self.__doc__ or "").strip())


class HubUnreachable(GameHubError):
    """The hub did not answer; it may be stopped or out of reach."""


class RequestRefused(GameHubError):
    """The hub refused the request."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class HubKeyChanged(GameHubError):
    """The hub's key differs from the one pinned when it was first trusted."""

    def __init__(
        self,
        hub: str,
        pinned: str,
        offered: str,
        *,
        address: str = "",
        pinned_hub: str = "",
        by: str = "name",
    ) -> None:
        """``by`` says which pin differs: "name" (same hub name) or "address" (same host:port,
        where ``pinned_hub`` was trusted before); fingerprints, not keys, for people to compare.
        """
        if by == "address" and pinned_hub and pinned_hub != hub:
            what = (
                f"The hub at {address} is not the one you trusted there: that was "
                f"{pinned_hub!r} with key {pinned}, this is {hub!r} with key {offered}. "
            )
        else:
            where = f", at {address}" if address else ""
            what = f"The key of hub {hub!r} has changed (was {pinned}, now {offered}{where}). "
        super().__init__(
            what + "If the hub was reinstalled or replaced on purpose, trust the new key; "
            "otherwise another machine may be pretending to be this hub."
        )
        self.hub = hub
        self.pinned = pinned
        self.offered = offered
        self.address = address
        self.pinned_hub = pinned_hub or hub
        self.by = by


class HubKeyUnproven(GameHubError):
    """The hub could not prove it holds the key it announced: this is not the hub you trusted."""

    def __init__(self, hub: str, address: str, announced: str) -> None:
        super().__init__(
            f"The hub at {address} announced itself as {hub!r} with key {announced}, but could "
            "not prove it holds that key, so it is not the hub you trusted; do not log in. "
            "If you host it, restart it and check its key file."
        )
        self.hub = hub
        self.address = address
        self.announced = announced


class BadEndpoint(GameHubError):
    """The hub address must look like host:port."""


class StorageError(GameHubError):
    """The hub's database could not be read or written."""


class DiscoveryError(GameHubError):
    """Looking for hubs on the network failed."""


class HubHandedOver(GameHubError):
    """An older copy of a hub that was handed over to another host is running again."""

    def __init__(self, hub: str, address: str, generation: int, newest: int) -> None:
        where = f" at {address}" if address else ""
        super().__init__(
            f"The hub {hub!r}{where} is an old copy: this hub was handed over to another "
            f"host (handoff {newest}, this copy is at {generation}). Connect to the hub's new "
            "host instead; this copy's changes would not reach the real hub."
        )
        self.generation = generation
        self.newest = newest
