"""GameHub's core: the hub, its client, and what both share. No Qt here.

The app and the command line use what this module exports; modules whose names start
with an underscore are private. Names load on first use, so a game that imports only
``hub_core.sdk`` does not pay for ZeroMQ, the hub and the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "HubClient": "hub_core.client",
    "SessionInfo": "hub_core.schema",
    "fetch_hello": "hub_core.client",
    "HubAddress": "hub_core.endpoints",
    "parse_endpoint": "hub_core.endpoints",
    "BadEndpoint": "hub_core.errors",
    "DiscoveryError": "hub_core.errors",
    "GameHubError": "hub_core.errors",
    "HubKeyChanged": "hub_core.errors",
    "HubKeyUnproven": "hub_core.errors",
    "HubUnreachable": "hub_core.errors",
    "RequestRefused": "hub_core.errors",
    "StorageError": "hub_core.errors",
    "HubThread": "hub_core.hosting",
    "Hub": "hub_core.hub",
    "HubConfig": "hub_core.hub",
    "HubEndpoints": "hub_core.hub",
    "KnownHubs": "hub_core.keys",
    "fingerprint": "hub_core.keys",
    "AppPaths": "hub_core.paths",
    "app_paths": "hub_core.paths",
}

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
    "HubKeyUnproven",
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hub_core' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:
    from hub_core.client import HubClient, fetch_hello
    from hub_core.endpoints import HubAddress, parse_endpoint
    from hub_core.errors import (
        BadEndpoint,
        DiscoveryError,
        GameHubError,
        HubKeyChanged,
        HubKeyUnproven,
        HubUnreachable,
        RequestRefused,
        StorageError,
    )
    from hub_core.hosting import HubThread
    from hub_core.hub import Hub, HubConfig, HubEndpoints
    from hub_core.keys import KnownHubs, fingerprint
    from hub_core.paths import AppPaths, app_paths
    from hub_core.schema import SessionInfo
