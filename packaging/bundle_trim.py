"""What the spec leaves out of the build, and why (packaging/README.md, "What is left out").

Three kinds: Qt plugins GameHub never loads (with the libraries only they pull in),
libraries every desktop has that must match the system rather than the build machine,
and Qt's translations for languages the app does not ship. Names are the build's
destination paths, e.g. ``PySide6/Qt/plugins/platforms/libqwayland.so``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from bundle_elf import ElfNeeds

QT_PLUGINS = "PySide6/Qt/plugins/"
# Plugins for what the app does not use. Wayland: the app runs on X11 (XWayland on a
# Wayland desktop); the Wayland plugin and its shell/decoration/graphics plugins pull in
# libwayland and Qt's Wayland client (packaging/README.md says why).
UNUSED_PLUGINS = (
    "platformthemes/libqgtk3.so",  # GTK's look; pulls in GTK, cairo, pango, harfbuzz ...
    "platforms/libqwayland*.so",
    "wayland-*/*",
    "platforms/libqeglfs.so",  # full-screen embedded devices (no window system)
    "platforms/libqminimalegl.so",
    "egldeviceintegrations/*",
    "platforms/libqlinuxfb.so",
    "platforms/libqvnc.so",
    "platforms/libqvkkhrdisplay.so",
    "generic/libqevdev*.so",  # raw input devices, for the embedded platforms above
    "networkinformation/*",  # QNetworkInformation: not used
)
# Host libraries that must match the system (its X server, GL driver, font set-up, bus)
# and that every desktop has: the build uses the system's copies. Qt's less common xcb
# helpers (xcb-cursor, xcb-icccm, xkbcommon-x11 ...) stay bundled: desktops may lack them.
SYSTEM_LIBRARIES = (
    "libfontconfig.so.*",
    "libfreetype.so.*",  # fontconfig's partner: the system's fontconfig links the system's
    "libdbus-1.so.*",
    # The C++ runtime: the build machine's (Debian 12) needs glibc 2.36, while what links
    # it (shiboken6, Qt, libzmq) needs only GLIBCXX 3.4.29 (GCC 11), which every system
    # new enough for the rest (glibc 2.35) has. finish.py prints the GLIBCXX floor.
    "libstdc++.so.*",
    "libgcc_s.so.*",
    "libX11.so.*",  # Xlib and its core extensions; Tk's libXft and libXss stay bundled
    "libX11-xcb.so.*",
    "libXau.so.*",
    "libXdmcp.so.*",
    "libXext.so.*",
    "libXrender.so.*",
    "libxcb.so.*",
    "libxcb-glx.so.*",
    "libxcb-dri*.so.*",
    "libxcb-present.so.*",
    "libGL.so.*",
    "libGLX.so.*",
    "libGLdispatch.so.*",
    "libEGL.so.*",
    "libOpenGL.so.*",
    "libgbm.so.*",
    "libdrm.so.*",
)
QT_TRANSLATIONS = "PySide6/Qt/translations/"


def left_out(dest: str) -> str | None:
    """Why the file at ``dest`` stays out of the build, or None when it goes in."""
    if dest.startswith(QT_PLUGINS):
        plugin = dest.removeprefix(QT_PLUGINS)
        if any(fnmatch(plugin, pattern) for pattern in UNUSED_PLUGINS):
            return "unused Qt plugin"
    name = PurePosixPath(dest).name
    if any(fnmatch(name, pattern) for pattern in SYSTEM_LIBRARIES):
        return "the system's copy is used"
    return None


def orphans(
    binaries: Mapping[str, Path], dropped: Iterable[str], needs: Mapping[Path, ElfNeeds]
) -> set[str]:
    """Libraries that only the ``dropped`` files needed: nothing kept links them.

    ``binaries`` maps every destination to its source; ``needs`` holds each source's
    libraries (bundle_elf.read_needs). Only libraries reachable from a dropped file are
    candidates, so a library loaded with dlopen by a kept file is never taken out.
    """
    by_name: dict[str, set[str]] = {}
    for dest in binaries:
        by_name.setdefault(PurePosixPath(dest).name, set()).add(dest)

    def links(dest: str) -> set[str]:
        found = needs.get(binaries[dest].absolute(), ElfNeeds()).libraries
        return {d for name in found for d in by_name.get(name, ())}

    gone = set(dropped)
    candidates: set[str] = set()
    todo = list(gone)
    while todo:  # everything the dropped files pull in, directly or not
        for dest in links(todo.pop()) - candidates - gone:
            candidates.add(dest)
            todo.append(dest)
    while True:
        kept = set(binaries) - gone
        needed = {d for dest in kept for d in links(dest)}
        newly = (candidates & kept) - needed
        if not newly:
            return gone - set(dropped)
        gone |= newly


def translation_wanted(dest: str, languages: Iterable[str]) -> bool:
    """Qt's own ``<catalog>_<language>.qm``: kept only for the app's languages."""
    if not dest.startswith(QT_TRANSLATIONS):
        return True
    wanted = "|".join(re.escape(lang) for lang in languages)
    return re.search(rf"_({wanted})\.qm$", dest) is not None


def app_languages(translations: Path) -> list[str]:
    """English (the source language) and every ``gamehub_<language>.qm`` the app ships."""
    shipped = sorted(p.stem.removeprefix("gamehub_") for p in translations.glob("gamehub_*.qm"))
    return ["en", *shipped]
