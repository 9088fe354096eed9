"""Sizes for people: one byte-size format for the CLI, the app and the hub's messages."""

from __future__ import annotations

_UNITS = ("KiB", "MiB", "GiB", "TiB")


def format_bytes(size: float) -> str:
    """'900 bytes', '3.4 MiB', '27 KiB', '4.0 GiB': binary units (package limits are powers
    of two, so they read exactly), one decimal below 10 and none above."""
    if size < 1024:
        return f"{int(size):,} bytes"
    value = float(size)
    for unit in _UNITS:
        value /= 1024
        if value < 1024 or unit == _UNITS[-1]:
            break
    return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
