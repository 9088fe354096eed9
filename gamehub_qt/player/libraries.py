"""What a game version's libraries mean on this machine, before anything is installed.

The hub's game details list each version's libraries by wheel file name
(``VersionView.libraries``); file names carry the distribution, version and platform
tags, so the store page and the room page can run the install's own picking
(``packages.wheels.fit``) beforehand and say what is missing instead of letting the
player click Install or Ready to meet an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from hub_core.packages.wheels import fit, here_tags, platform_label
from hub_core.wire.schema import GameDetails, VersionView

if TYPE_CHECKING:
    from packaging.tags import Tag

# ``packaging`` is imported when a game with libraries is looked at, not at the app's start.

translate = QCoreApplication.translate


def machine_tags() -> list[Tag]:
    """This interpreter's wheel tags, best first (the seam tests use for another machine)."""
    return here_tags()


def machine_label() -> str:
    """'Linux (x86_64) / Python 3.11': what a player calls this machine."""
    return platform_label()


@dataclass(frozen=True)
class LibraryFit:
    """A version's libraries as this machine sees them."""

    listed: list[tuple[str, str]] = field(default_factory=list)  # (name, version), by name
    missing: list[str] = field(default_factory=list)  # names with no build for this machine

    def sentence(self) -> str:
        """Each missing build as the player reads it; "" when everything fits."""
        text = translate(
            "Libraries", "%1 has no build for %2 on this hub — the developer can publish one."
        )
        label = machine_label()
        return " ".join(text.replace("%1", name).replace("%2", label) for name in self.missing)

    def line(self) -> str:
        """'Libraries: pygame 2.6.1, numpy 2.1.0' ("" for a game without)."""
        if not self.listed:
            return ""
        names = ", ".join(f"{name} {version}" for name, version in self.listed)
        return translate("Libraries", "Libraries: %1").replace("%1", names)


def fit_version(version: VersionView | None) -> LibraryFit:
    """Which of ``version``'s libraries have a build here, picked as the install picks."""
    if version is None:
        return LibraryFit()
    wheels = _valid([w for library in version.libraries for w in library.wheels])
    if not wheels:
        return LibraryFit()
    from packaging.utils import parse_wheel_filename

    chosen, missing = fit(wheels, machine_tags())
    parsed = {name: parse_wheel_filename(name) for name in wheels}
    # Each library's version: the chosen wheel's where one fits here, else any listed one.
    picked = [n for n in wheels if n not in chosen] + chosen
    versions = {str(parsed[n][0]): str(parsed[n][1]) for n in picked}
    return LibraryFit(sorted(versions.items()), missing)


def version_of(details: GameDetails, version: str) -> VersionView | None:
    return next((v for v in details.versions if v.version == version), None)


def _valid(names: Sequence[str]) -> list[str]:
    """Wheel names the hub checked when they were published; anything else is skipped."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    found = []
    for name in names:
        try:
            parse_wheel_filename(name)
        except InvalidWheelFilename:
            continue
        found.append(name)
    return found
