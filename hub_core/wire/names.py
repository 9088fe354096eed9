"""Rules for user names: readable in any script, safe in topics, file names and logs."""

from __future__ import annotations

import unicodedata

MIN_NAME = 2
MAX_NAME = 32
_PUNCT = "_-."


def normalize_name(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def name_key(name: str) -> str:
    """Accounts are unique ignoring case: 'Bob' and 'bob' are the same account."""
    return normalize_name(name).casefold()


def name_problem(name: str) -> str | None:
    """A sentence saying what is wrong with a new user name, or None when it is fine."""
    name = normalize_name(name)
    if not MIN_NAME <= len(name) <= MAX_NAME:
        return f"A user name must have {MIN_NAME} to {MAX_NAME} characters (got {len(name)})."
    if not name[0].isalnum():
        return "A user name must start with a letter or a digit."
    bad = sorted({c for c in name if not (c.isalnum() or c in _PUNCT)})
    if bad:
        shown = " ".join(repr(c) for c in bad[:5])
        return f"A user name may hold only letters, digits and {' '.join(_PUNCT)} (not {shown})."
    return None
