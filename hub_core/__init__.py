"""GameHub's core: the hub, its client, and what both share. No Qt here.

The app and the command line use only what this module exports; everything in modules
whose names start with an underscore is private.
"""

from hub_core.client import HubClient, SessionInfo, fetch_hello
from hub_core.endpoints import HubAddress, parse_endpoint
from hub_core.errors import (
    BadEndpoint,
    DiscoveryError,
    GameHubError,
    HubKeyChanged,
    HubUnreachable,
    RequestRefused,
    StorageError,
)
from hub_core.hosting import HubThread
from hub_core.hub import Hub, HubConfig, HubEndpoints
from hub_core.keys import KnownHubs, fingerprint
from hub_core.paths import AppPaths, app_paths

__all__ = [
    "AppPaths",
    "BadEndpoint",
    "DiscoveryError",
    "GameHubError",
    "Hub",
    "HubAddress",
    "HubClient",
    "HubConfig",
    "HubEndpoints",
    "HubKeyChanged",
    "HubThread",
    "HubUnreachable",
    "KnownHubs",
    "RequestRefused",
    "SessionInfo",
    "StorageError",
    "app_paths",
    "fetch_hello",
    "fingerprint",
    "parse_endpoint",
]
