"""The one byte-size format the CLI, the app and the hub's messages share."""

from __future__ import annotations

import pytest

from hub_core.util.units import format_bytes


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 bytes"),
        (1023, "1,023 bytes"),
        (1024, "1.0 KiB"),
        (28_000, "27 KiB"),
        (1_500_000, "1.4 MiB"),
        (104_857_600, "100 MiB"),
        (4 * 1024**3, "4.0 GiB"),
        (3 * 1024**5, "3,072 TiB"),
        (2.5 * 1024**2, "2.5 MiB"),  # rates are floats
    ],
)
def test_format_bytes(size: float, shown: str) -> None:
    assert format_bytes(size) == shown
