"""Name and path rules for packages from strangers.

Game names become folder names and URL parts; package paths become files on the
player's disk, which may be Windows, macOS or Linux. Both are refused unless they are
safe and portable everywhere: a package that installs on one player's machine must
install on every machine.

``*_reason`` functions return a clause ("is absolute; ...") so callers can build
sentences that name the key or file; ``*_problem`` return the whole sentence.
"""

from __future__ import annotations

import re
import string

from hub_core.packages._errors import shown

MAX_GAME_NAME = 64
MAX_PATH_BYTES = 1024
MAX_PART_BYTES = 255

_NAME_CHARS = frozenset(string.ascii_lowercase + string.digits + "_-")
_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{kind}{n}" for kind in ("com", "lpt") for n in [*"123456789", "¹", "²", "³"]]
)
_DRIVE = re.compile(r"[A-Za-z]:")
_WINDOWS_FORBIDDEN = '<>:"|?*'


def reserved_device(part: str) -> str | None:
    """The Windows device a file or folder name would open instead of a file ("con.txt" → con)."""
    stem = part.split(".", 1)[0].rstrip(" ").lower()
    return stem if stem in _DEVICES else None


def game_name_reason(name: str) -> str | None:
    """Why ``name`` cannot be a game id, as a clause, or None when it is fine."""
    if not name:
        return "is empty"
    if len(name) > MAX_GAME_NAME:
        return f"is too long ({len(name):,} characters; the limit is {MAX_GAME_NAME})"
    for bad, what in (("..", "'..'"), ("/", "'/'"), ("\\", "a backslash"), (" ", "spaces")):
        if bad in name:
            return f"must not contain {what}; use only a-z, 0-9, '_' and '-'"
    device = reserved_device(name)
    if device:
        return f"is {device!r}, a reserved device name on Windows"
    if name.lower() != name and all(c in _NAME_CHARS for c in name.lower()):
        return f"must be lowercase; try {name.lower()!r}"
    bad_chars = sorted({c for c in name if c not in _NAME_CHARS})
    if bad_chars:
        listed = " ".join(repr(c) for c in bad_chars[:5])
        return f"may hold only a-z, 0-9, '_' and '-' (not {listed})"
    if not name[0].isalnum():
        return "must start with a letter or a digit"
    return None


def game_name_problem(name: str) -> str | None:
    """A sentence saying why ``name`` cannot be a game id, or None when it is fine."""
    reason = game_name_reason(name)
    return None if reason is None else f"The game name {shown(name)} {reason}."


def path_reason(path: str) -> str | None:
    """Why ``path`` (POSIX form, inside a package) is unsafe, as a clause; None if fine."""
    if not path:
        return "is empty"
    control = next((c for c in path if ord(c) < 32 or 127 <= ord(c) < 160), None)
    if control is not None:
        return f"contains a control character ({control!r})"
    if path[0] in "/\\" or _DRIVE.match(path):
        return "is absolute; paths in a package must be relative"
    if "\\" in path:
        return "contains a backslash; paths in a package use '/'"
    try:
        size = len(path.encode("utf-8"))
    except UnicodeEncodeError:
        return "is not valid Unicode text"
    if size > MAX_PATH_BYTES:
        return f"is too long ({size:,} bytes; the limit is {MAX_PATH_BYTES:,})"
    for part in path.split("/"):
        reason = _part_reason(part)
        if reason:
            return reason
    return None


def _part_reason(part: str) -> str | None:
    """Why one file or folder name inside a path is unsafe or not portable."""
    if part == "":
        return "has an empty part (a doubled or trailing '/')"
    if part == "..":
        return "has a '..' part, which would leave the package"
    if part == ".":
        return "has a '.' part"
    size = len(part.encode("utf-8"))
    if size > MAX_PART_BYTES:
        return f"has a name of {size:,} bytes; the limit is {MAX_PART_BYTES}"
    device = reserved_device(part)
    if device:
        return f"uses {part!r}; {device!r} is a reserved device name on Windows"
    if part[-1] in ". ":
        return f"has a name ending in a dot or space ({part!r}), which Windows cannot store"
    forbidden = next((c for c in part if c in _WINDOWS_FORBIDDEN), None)
    if forbidden:
        return f"contains {forbidden!r}, which Windows does not allow in file names"
    return None


def path_problem(path: str) -> str | None:
    """A sentence saying why ``path`` may not be in a package, or None when it is fine."""
    reason = path_reason(path)
    return None if reason is None else f"The path {shown(path)} {reason}."
