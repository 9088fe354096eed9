"""The manifest's optional ``requires``: the Python packages a game needs, as PEP 508 text.

``packaging`` (the PyPA's own parser, the one pip uses) reads them, so a requirement
means here what it means to pip on the developer's machine. Only named requirements
are accepted: a URL (``pkg @ https://...``) could not be fetched on a LAN without
internet, so the wheels must travel with the game instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hub_core.packages._errors import PackageError, Problem, shown
from hub_core.packages._manifest_json import got

if TYPE_CHECKING:
    from packaging.requirements import Requirement

# ``packaging`` is imported when a requirement is read, not with this module: every
# manifest check imports it, and the parser's import cost the app 40 ms at start.

KEY = "requires"
_OPERATOR_END = ("<", ">", "=", "!", "~", ";", "[", "(", ",")
_OPERATOR_START = ("<", ">", "=", "!", "~", ";", "[", "(", "]", ")")
MAX_REQUIRES = 50
MAX_REQUIREMENT_CHARS = 200


def requirement_reason(text: str) -> str | None:
    """Why ``text`` cannot be a requirement, as a clause, or None when it is fine."""
    from packaging.requirements import InvalidRequirement, Requirement

    if len(text) > MAX_REQUIREMENT_CHARS:
        return f"is {len(text):,} characters long; the limit is {MAX_REQUIREMENT_CHARS}"
    try:
        parsed = Requirement(text)
    except InvalidRequirement as exc:
        first = str(exc).splitlines()[0]
        return f'is not a PEP 508 requirement such as "pygame>=2.5" ({first})'
    if parsed.url:
        return (
            "points to a URL; players install offline from the hub, so name the package "
            "and version instead (the wheels travel with the game)"
        )
    return None


def requires_problems(raw: dict[str, Any]) -> list[Problem]:
    """Problems of the manifest's ``requires`` (absent is fine: the game needs nothing)."""
    if KEY not in raw:
        return []
    value = raw[KEY]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [
            Problem(
                KEY,
                "manifest.json: 'requires' must be a list of requirement texts such as "
                f'["pygame>=2.5"] (got {got(value)}).',
            )
        ]
    found: list[Problem] = []
    if len(value) > MAX_REQUIRES:
        found.append(
            Problem(
                KEY, f"manifest.json: 'requires' lists {len(value)}; the limit is {MAX_REQUIRES}."
            )
        )
    for text in value[:MAX_REQUIRES]:
        reason = requirement_reason(text)
        if reason:
            found.append(Problem(KEY, f"manifest.json: the requirement {shown(text)} {reason}."))
    return found


def parse_requirement(text: str) -> Requirement:
    """A checked requirement, or PackageError with the sentence (``--require`` uses it)."""
    from packaging.requirements import Requirement

    reason = requirement_reason(text)
    if reason:
        raise PackageError(Problem(KEY, f"The requirement {shown(text)} {reason}."))
    return Requirement(text)


def merged(declared: Iterable[str], added: Iterable[str]) -> list[str]:
    """The manifest's requirements, then those added at publish time that it lacks."""
    result = list(declared)
    for text in added:
        parse_requirement(text)
        if text not in result:
            result.append(text)
    return result


def dist_name(text: str) -> str:
    """The canonical distribution name of a requirement ("Pygame>=2" → "pygame")."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(Requirement(text).name))


def split_requirements(text: str) -> list[str]:
    """Requirements typed on one line, "pygame>=2.5, numpy" or "pygame numpy" (the app's field).

    Commas and spaces separate requirements, except inside one: "pygame >= 2.5",
    "pygame>=2.5,<3" and "numpy; python_version < '3.13'" each stay whole, because a
    piece that starts with an operator, or follows one, continues the requirement before
    it. Each piece is then checked by ``requirement_reason``, as ``--require`` is.
    """
    found: list[str] = []
    for piece in (p for p in re.split(r"[,\s]+", text.strip()) if p):
        last = found[-1] if found else ""
        in_marker = ";" in last
        starts = piece.startswith(_OPERATOR_START) or (in_marker and piece in ("and", "or"))
        if last and (starts or last.endswith(_OPERATOR_END) or _open_marker(last)):
            found[-1] = last + _joiner(last, piece) + piece
        else:
            found.append(piece)
    return found


def _open_marker(text: str) -> bool:
    """A marker whose last comparison is not complete yet ("a; python_version <")."""
    return ";" in text and text.rstrip().endswith(("<", ">", "=", "and", "or", ";"))


def _joiner(last: str, piece: str) -> str:
    if ";" in last:
        return " "
    if last.endswith(("<", ">", "=", "!", "~", "[", "(", ",")) or piece.startswith(
        ("]", ")", ";", "[", "(")
    ):
        return ""
    # a second version clause: "pygame>=2.5 <3" means "pygame>=2.5,<3"
    return "," if any(op in last for op in "<>=!~") else ""
