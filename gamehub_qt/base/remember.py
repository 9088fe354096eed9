"""'Remember me' through the system's keyring, when the optional ``keyring`` module exists.

Passwords are never written to the settings file; without ``keyring`` the option is
simply not offered. Keyring back ends may block (a D-Bus prompt), so every call here is
meant to run off the Qt thread (inside a HubOp's coroutine, via ``asyncio.to_thread``).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "GameHub player"


def _keyring() -> Any | None:
    try:
        return importlib.import_module("keyring")
    except ImportError:
        return None


def available() -> bool:
    """True if passwords can be remembered on this machine."""
    return _keyring() is not None


def service_for(hub: str) -> str:
    return f"{SERVICE} ({hub})" if hub else SERVICE


def load(hub: str, user: str) -> str | None:
    keyring = _keyring()
    if keyring is None or not user:
        return None
    try:
        found = keyring.get_password(service_for(hub), user)
    except Exception as exc:  # any back end may fail; remembering is only a convenience
        log.info("Could not read the keyring: %s", exc)
        return None
    return str(found) if found else None


def save(hub: str, user: str, password: str) -> None:
    keyring = _keyring()
    if keyring is None:
        return
    try:
        keyring.set_password(service_for(hub), user, password)
    except Exception as exc:  # as above: never fail a login over it
        log.info("Could not write to the keyring: %s", exc)


def forget(hub: str, user: str) -> None:
    keyring = _keyring()
    if keyring is None:
        return
    with contextlib.suppress(Exception):  # nothing stored is fine too
        keyring.delete_password(service_for(hub), user)
