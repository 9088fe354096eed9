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

    def __init__(self, hub: str, pinned: str, offered: str) -> None:
        super().__init__(
            f"The key of hub {hub!r} has changed (was {pinned}, now {offered}). "
            "If the hub was reinstalled, trust the new key; otherwise another machine "
            "may be pretending to be this hub."
        )
        self.hub = hub
        self.pinned = pinned
        self.offered = offered


class BadEndpoint(GameHubError):
    """The hub address must look like host:port."""


class StorageError(GameHubError):
    """The hub's database could not be read or written."""


class DiscoveryError(GameHubError):
    """Looking for hubs on the network failed."""
