"""Game versions: strict major.minor.patch, so every hub and client orders them the same way."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from hub_core.packages._errors import PackageError, shown

_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\.([0-9]+)")
_MAX_TEXT = 64  # int() of thousands of digits is slow; no real version is this long


@dataclass(frozen=True, order=True)
class Version:
    """A version that compares numerically (1.10.0 > 1.9.0), unlike the text."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """Reads "1.2.3"; leading zeros are accepted and dropped ("01.0.0" is 1.0.0)."""
        match = _VERSION.fullmatch(text) if isinstance(text, str) else None
        if match is None or len(text) > _MAX_TEXT:
            shown_text = shown(text) if isinstance(text, str) else repr(text)
            raise PackageError(
                f"Version {shown_text} must look like major.minor.patch, e.g. 1.0.0."
            )
        major, minor, patch = (int(part) for part in match.groups())
        return cls(major, minor, patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def next_patch(self) -> Version:
        return Version(self.major, self.minor, self.patch + 1)


def version_hint(existing: Collection[str]) -> dict[str, Any]:
    """What a developer needs before publishing: the versions so far and a next one to offer."""
    versions = sorted({Version.parse(text) for text in existing})
    latest = versions[-1] if versions else None
    return {
        "exists": latest is not None,
        "latest": None if latest is None else str(latest),
        "versions": [str(v) for v in versions],
        "suggested": "1.0.0" if latest is None else str(latest.next_patch()),
    }


def check_newer(new: str, latest: str | None) -> Version:
    """A new version must be strictly greater than the latest, so "latest" is never ambiguous."""
    version = Version.parse(new)
    if latest is None:
        return version
    current = Version.parse(latest)
    if version <= current:
        raise PackageError(
            f"Version {version} is not greater than the latest, {current}. "
            f"Try {current.next_patch()}."
        )
    return version
