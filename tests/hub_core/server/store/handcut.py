"""A small game cut into blocks by hand, for tests that speak the publishing requests
themselves instead of through the app's publish."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from hub_core.util import digests
from hub_core.util.digests import HashKind
from tests.hub_core.gamefactory import make_game, random_bytes


def named(data: bytes) -> str:
    """A block's name as today's app gives it (BLAKE3)."""
    return digests.digest(data, HashKind.BLAKE3)


class Game:
    """A small game cut by hand: big.bin in three blocks, the other files in one each."""

    def __init__(self, folder: Path, name: str = "rps") -> None:
        self.name = name
        self.big = random_bytes(600_000)
        self.folder = make_game(folder, name, files={"big.bin": self.big})
        self.manifest = json.loads((self.folder / "manifest.json").read_text())
        self.data = {
            p.relative_to(self.folder).as_posix(): p.read_bytes()
            for p in sorted(self.folder.rglob("*"))
            if p.is_file()
        }
        edges = [0, 200_000, 400_000, 600_000]
        self.pieces = {
            path: [data[a:b] for a, b in itertools.pairwise(edges)] if path == "big.bin" else [data]
            for path, data in self.data.items()
        }

    def announce(self, path: str) -> tuple[str, list[str], list[int]]:
        return (path, [named(p) for p in self.pieces[path]], [len(p) for p in self.pieces[path]])

    def index(self) -> list[list[Any]]:
        """The wire index; a BLAKE3 file's hash is over its blocks' hashes."""
        return [
            [path, len(data), digests.of_blocks(blocks), blocks, sizes]
            for path, data in self.data.items()
            for _, blocks, sizes in [self.announce(path)]
        ]

    def blocks(self, path: str) -> list[tuple[str, bytes]]:
        return [(named(p), p) for p in self.pieces[path]]

    def all_blocks(self) -> list[tuple[str, bytes]]:
        return [b for path in self.data for b in self.blocks(path)]
