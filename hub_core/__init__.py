"""GameHub's core: the hub, its client, and what both share. No Qt here.

The app and the command line use what this module exports; modules whose names start
with an underscore are private. Names load on first use, so a game that imports only
``gamehub_sdk`` does not pay for ZeroMQ, the hub and the rest.
"""

from __future__ import annotations

import importlib

# typing costs ~20 ms of start-up (re, enum, collections ...), and every game started
# with `GameHub run-script` imports this package: the names are only for type checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_EXPORTS = {
    "HubClient": "hub_core.client.hub_client",
    "SessionInfo": "hub_core.wire.schema",
    "fetch_hello": "hub_core.client.hub_client",
    "HubAddress": "hub_core.wire.endpoints",
    "parse_endpoint": "hub_core.wire.endpoints",
    "BadEndpoint": "hub_core.errors",
    "DiscoveryError": "hub_core.errors",
    "GameHubError": "hub_core.errors",
    "HubKeyChanged": "hub_core.errors",
    "HubKeyUnproven": "hub_core.errors",
    "HubUnreachable": "hub_core.errors",
    "RequestRefused": "hub_core.errors",
    "StorageError": "hub_core.errors",
    "HubThread": "hub_core.server.thread",
    "Hub": "hub_core.server.hub",
    "HubConfig": "hub_core.server.hub",
    "HubEndpoints": "hub_core.server.hub",
    "KnownHubs": "hub_core.wire.keys",
    "fingerprint": "hub_core.wire.keys",
    "AppPaths": "hub_core.util.paths",
    "app_paths": "hub_core.util.paths",
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
    from hub_core.client.hub_client import HubClient, fetch_hello
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
    from hub_core.server.hub import Hub, HubConfig, HubEndpoints
    from hub_core.server.thread import HubThread
    from hub_core.util.paths import AppPaths, app_paths
    from hub_core.wire.endpoints import HubAddress, parse_endpoint
    from hub_core.wire.keys import KnownHubs, fingerprint
    from hub_core.wire.schema import SessionInfo
