"""A real hub in its own process for the kill -9 tests: ``python -m tests.stress._hub_main DATA``.

The same Hub and serve_until_stopped as ``gamehub host``, with the tests' cheap password
hashes (the CLI has no option for them) and limits small enough for hostile games.
Prints the endpoints as one JSON line once it listens.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from hub_core.server.hub import HubConfig, HubEndpoints
from hub_core.server.thread import serve_until_stopped
from tests.hub_core.conftest import hub_config


def _ready(ep: HubEndpoints) -> None:
    print(json.dumps(ep.as_dict()), flush=True)


def main() -> None:
    config: HubConfig = hub_config(Path(sys.argv[1]), ready_timeout=5.0)
    asyncio.run(serve_until_stopped(config, _ready))


if __name__ == "__main__":
    main()
