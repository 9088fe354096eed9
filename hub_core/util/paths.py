"""Where GameHub keeps its files: platformdirs by default, everything under --data DIR if given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "GameHub"


@dataclass(frozen=True)
class AppPaths:
    """The app's folders; ``hub`` holds a hosted hub's key, database and package store."""

    data: Path
    cache: Path
    logs: Path

    @property
    def hub(self) -> Path:
        return self.data / "hub"

    @property
    def client(self) -> Path:
        return self.data / "client"

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.cache, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths(data_dir: str | Path | None = None) -> AppPaths:
    """Folders from platformdirs, or all under ``data_dir`` (tests, portable use)."""
    if data_dir is not None:
        root = Path(data_dir).expanduser().resolve()
        return AppPaths(data=root, cache=root / "cache", logs=root / "logs")
    return AppPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )
