"""Versions unpacked into folders on the hub, for game servers to run from.

The block store holds contents by hash; a game server needs a real folder. The first
room of a version builds it (in a temporary folder, renamed when complete and checked),
and later rooms reuse it. A version with libraries gets a second folder beside it,
``<version>.libs``: the wheels that fit the hub's Python, installed for its servers.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from hub_core.errors import GameHubError
from hub_core.packages import FileEntry, Limits
from hub_core.packages.wheelfiles import LIBS_MARKER, check_wheel, install_wheels
from hub_core.packages.wheels import Dep, pick
from hub_core.server.store.blocks import BlockStore
from hub_core.util import digests
from hub_core.util.digests import HashKind


class Unpacked:
    """``root/<game>/<version>/`` folders built from the block store; thread-safe."""

    def __init__(self, root: Path, blocks: BlockStore) -> None:
        self.root = root
        self.blocks = blocks
        self._lock = threading.Lock()

    def folder(self, game: str, version: str, index: list[FileEntry]) -> Path:
        """The version's folder, built now if it is not there yet (blocking I/O)."""
        target = self.root / game / version
        with self._lock:
            if not target.is_dir():
                self._build(target, index)
        return target

    def libs(self, game: str, version: str, deps: list[Dep], limits: Limits) -> Path | None:
        """The version's libraries installed for this hub's Python, or None if it has none.

        Raises NoFittingWheel (a PackageError) when a requirement has no wheel for it.
        """
        if not deps:
            return None
        target = self.root / game / f"{version}.libs"
        with self._lock:
            if not (target / LIBS_MARKER).is_file():
                shutil.rmtree(target, ignore_errors=True)
                wheels = pick(deps)
                self.root.mkdir(parents=True, exist_ok=True)
                with tempfile.TemporaryDirectory(dir=self.root) as temp:
                    paths = [Path(temp) / w.path for w in wheels]
                    for path, wheel in zip(paths, wheels, strict=True):
                        self._write(path, wheel)
                    install_wheels(paths, target, limits)
        return target

    def _build(self, target: Path, index: list[FileEntry]) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            for entry in index:
                self._write(temp / entry.path, entry)
            temp.rename(target)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise

    def _write(self, path: Path, entry: FileEntry) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        kind = digests.kind_of(entry.hash) or HashKind.SHA256
        whole = digests.whole_hasher(kind)
        intact = True
        with path.open("wb") as f:
            for block in entry.blocks:
                data = self.blocks.read(block)
                if whole is not None:
                    whole.update(data)
                else:  # a BLAKE3 file's hash is over its blocks': each is checked here
                    intact = intact and digests.matches(data, block)
                f.write(data)
        if not intact or digests.file_digest(kind, entry.blocks, whole) != entry.hash:
            raise GameHubError(
                f"The hub's copy of {entry.path} is damaged; publish the game again."
            )


def check_stored_wheels(blocks: BlockStore, wheels: list[FileEntry], limits: Limits) -> None:
    """Each published wheel, put together from its blocks, gets the hostile-wheel checks."""
    if not wheels:
        return
    with tempfile.TemporaryDirectory(prefix="gamehub-wheels-") as temp:
        store = Unpacked(Path(temp), blocks)
        for wheel in wheels:
            path = Path(temp) / wheel.path
            store._write(path, wheel)
            check_wheel(path, limits)
            path.unlink()
