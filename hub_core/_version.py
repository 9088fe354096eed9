"""GameHub's version, in one place: pyproject.toml reads it, and so does ``gamehub --version``
(also in a frozen build, which carries no package metadata)."""

VERSION = "0.1.0"
