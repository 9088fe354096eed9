"""The manifest's optional ``requires``: the Python packages a game needs, as PEP 508 text.

``packaging`` (the PyPA's own parser, the one pip uses) reads them, so a requirement
means here what it means to pip on the developer's machine. Only named requirements
are accepted: a URL (``pkg @ https://...``) could not be fetched on a LAN without
internet, so the wheels must travel with the game instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hub_core.packages._errors import PackageError, Problem, shown
from hub_core.packages._manifest_json import got

if TYPE_CHECKING:
    from packaging.requirements import Requirement

# ``packaging`` is imported when a requirement is read, not with this module: every
# manifest check imports it, and the parser's import cost the app 40 ms at start.

KEY = "requires"
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
