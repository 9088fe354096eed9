"""msgpack laid out around holes: the shared part of ``upload_frame`` and ``blocks_frame``.

Both write a Struct whose last field is a list of items that end in binary data, as
msgspec would encode it, except that each item's data is left as a hole of the right
size for the caller to read a file into. This module knows the msgpack headers and
where each hole goes; the frames decide what comes in front and what is kept.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

_EMPTY_LIST = b"\x90"


class Layout(NamedTuple):
    """Where an encoded Struct's headers and holes go, from its first byte."""

    headers: list[tuple[int, bytes]]  # (offset, bytes) of what is written
    holes: list[tuple[int, int]]  # (offset, length) of what the caller fills
    size: int

    def write(self, buffer: bytearray, at: int) -> list[memoryview]:
        """Writes the headers into ``buffer`` from ``at``; returns the holes, as views."""
        for offset, header in self.headers:
            buffer[at + offset : at + offset + len(header)] = header
        view = memoryview(buffer)
        return [view[at + offset : at + offset + n] for offset, n in self.holes]


def lay_out(empty: bytes, items: list[tuple[bytes, int]]) -> Layout:
    """The layout of a Struct that msgspec encodes as ``empty`` when its last field, a
    list, is empty, holding ``items``: each a header (msgpack bytes ending in ``bin_head``)
    followed by a hole of the given length."""
    if not empty.endswith(_EMPTY_LIST):  # the list must stay the Struct's last field
        raise AssertionError("A laid-out message no longer ends with its list")
    headers = [(0, empty[: -len(_EMPTY_LIST)] + array_head(len(items)))]
    holes: list[tuple[int, int]] = []
    offset = len(headers[0][1])
    for header, length in items:
        headers.append((offset, header))
        holes.append((offset + len(header), length))
        offset += len(header) + length
    return Layout(headers, holes, offset)


def array_head(n: int) -> bytes:
    """msgpack's header for an array of ``n`` items."""
    if n < 16:
        return bytes([0x90 | n])
    if n < 1 << 16:
        return b"\xdc" + struct.pack(">H", n)
    return b"\xdd" + struct.pack(">I", n)


def bin_head(n: int) -> bytes:
    """msgpack's header for ``n`` bytes of binary."""
    if n < 1 << 8:
        return b"\xc4" + bytes([n])
    if n < 1 << 16:
        return b"\xc5" + struct.pack(">H", n)
    return b"\xc6" + struct.pack(">I", n)
