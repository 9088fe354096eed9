"""Reading manifest.json bytes safely: size cap, UTF-8, strict JSON, one object.

Strict means no duplicate keys (hub and client could read different values) and no
NaN/Infinity (not JSON; other tools would choke on the re-sent manifest).
"""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path
from typing import Any

from hub_core.packages._errors import PackageError, shown
from hub_core.packages.index import MANIFEST

MAX_MANIFEST_BYTES = 1024 * 1024


def read_manifest(folder: Path) -> bytes:
    path = folder / MANIFEST
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise PackageError("manifest.json must be a plain file (not a link or a folder).")
        if info.st_size > MAX_MANIFEST_BYTES:
            raise PackageError(
                f"manifest.json is {info.st_size:,} bytes; the limit is {MAX_MANIFEST_BYTES:,}."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise PackageError("This folder has no manifest.json.") from None
    except OSError as exc:
        raise PackageError(f"manifest.json could not be read ({exc.strerror}).") from exc


class _Refused(Exception):
    """Raised inside the JSON parser's hooks to refuse duplicate keys and NaN/Infinity."""


def as_object(data: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """The manifest as a dict of plain JSON values, or PackageError with one sentence."""
    if isinstance(data, dict):
        try:
            json.dumps(data, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise PackageError(
                f"manifest.json holds a value that is not plain JSON ({exc})."
            ) from None
        return data
    if isinstance(data, bytes):
        if len(data) > MAX_MANIFEST_BYTES:
            raise PackageError(
                f"manifest.json is {len(data):,} bytes; the limit is {MAX_MANIFEST_BYTES:,}."
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PackageError(f"manifest.json is not UTF-8 text (byte {exc.start}).") from None
    value = _loads(data.removeprefix("\ufeff"))
    if not isinstance(value, dict):
        raise PackageError(f"manifest.json must hold a JSON object ({{...}}), not {got(value)}.")
    return value


def _loads(text: str) -> Any:
    try:
        return json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite
        )
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise PackageError(f"manifest.json is not valid JSON: {exc.msg} ({where}).") from None
    except _Refused as exc:
        raise PackageError(str(exc)) from None
    except RecursionError:
        raise PackageError("manifest.json is not valid JSON: it is nested too deeply.") from None
    except ValueError as exc:
        raise PackageError(f"manifest.json is not valid JSON: {exc}.") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Two values for one key would let hub and client disagree; refuse them."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"manifest.json has the key {shown(key)} more than once.")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise _Refused(f"manifest.json is not valid JSON: {name} is not a JSON number.")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"manifest.json is not valid JSON: {shown(text)} is too large a number.")
    return value


def got(value: Any) -> str:
    """A value as the developer wrote it in JSON, shortened: "0", "'VR'", "true", "[1, 2]"."""
    if isinstance(value, str):
        return shown(value, 40)
    text = json.dumps(value, default=repr)
    return text if len(text) <= 40 else text[:37] + "..."
