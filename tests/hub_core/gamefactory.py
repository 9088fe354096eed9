"""Small game packages made on the fly for tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def make_game(
    folder: Path, name: str = "rps", *, files: dict[str, bytes] | None = None, **manifest: Any
) -> Path:
    """A valid package in ``folder``: manifest, both entry scripts, and any extra files."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "name": name,
        "display_name": name.upper(),
        "type": "CLI",
        "max_players": 2,
        "entry_server": "server.py",
        "entry_client": "client.py",
        "description": f"The {name} game.",
    } | manifest
    (folder / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "server.py").write_text("print('server')\n", encoding="utf-8")
    (folder / "client.py").write_text("print('client')\n", encoding="utf-8")
    for rel, content in (files or {}).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def random_bytes(size: int) -> bytes:
    return os.urandom(size)
