"""Logging set-up for the programs (CLI, app); the library itself only logs."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(log_dir: Path, *, file_name: str, verbose: bool = False) -> Path:
    """A rotating file with everything at INFO, and warnings (or all, if verbose) on stderr."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / file_name
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    to_file = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    to_file.setFormatter(logging.Formatter(FORMAT))
    to_stderr = logging.StreamHandler()
    to_stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    to_stderr.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(to_file)
    root.addHandler(to_stderr)
    return path
