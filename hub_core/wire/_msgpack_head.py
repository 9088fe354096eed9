"""Reads a request's envelope fields (v, id, kind, token) without decoding the rest of the frame.

The client encodes the envelope as a map with ``v, id, kind, token, args`` in that order, so
the first few bytes hold everything the hub needs to decide about a frame before it pays
for decoding it: which request it answers (the id, even when a later field is broken),
whether that kind may be large at all, and who sends it. Reading stops at ``args``, at
the first value that is not a plain scalar, or at anything malformed; it never raises.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# The keys read from the front of the map; ``args`` ends the header.
_SCALAR_KEYS = frozenset({"v", "id", "kind", "token"})
_ARGS = "args"
_MAX_KEY = 16  # longer keys are none of ours

_UINT = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q"}
_INT = {0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q"}
_STR_LEN = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I"}


@dataclass(frozen=True)
class Head:
    """What the front of a frame says; every field is None when it could not be read."""

    size: int  # entries in the top-level map, or None if the frame is not a map
    fields: dict[str, int | str]
    args_at: int | None = None  # offset of the args value, when args is the map's last entry

    @property
    def id(self) -> int | None:
        value = self.fields.get("id")
        return value if isinstance(value, int) else None

    def text(self, key: str) -> str | None:
        value = self.fields.get(key)
        return value if isinstance(value, str) else None

    def number(self, key: str) -> int | None:
        value = self.fields.get(key)
        return value if isinstance(value, int) else None


def read_head(frame: bytes | memoryview) -> Head:
    """The scalar fields in front of ``args``; stops quietly at anything else."""
    reader = _Reader(frame)
    size = reader.map_size()
    fields: dict[str, int | str] = {}
    if size is None:
        return Head(size=0, fields=fields)
    for entry in range(size):
        key = reader.string(_MAX_KEY)
        if key == _ARGS:
            last = entry == size - 1
            return Head(size=size, fields=fields, args_at=reader.pos if last else None)
        if key not in _SCALAR_KEYS or key in fields:
            break
        value = reader.scalar()
        if value is None:
            break
        fields[key] = value
    return Head(size=size, fields=fields)


class _Reader:
    """A cursor over msgpack bytes that answers None instead of raising."""

    def __init__(self, data: bytes | memoryview) -> None:
        self.data = data
        self.pos = 0

    def _byte(self) -> int | None:
        if self.pos >= len(self.data):
            return None
        value = self.data[self.pos]
        self.pos += 1
        return value

    def _unpack(self, fmt: str) -> int | None:
        width = struct.calcsize(fmt)
        if self.pos + width > len(self.data):
            return None
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += width
        return int(value)

    def map_size(self) -> int | None:
        lead = self._byte()
        if lead is None:
            return None
        if 0x80 <= lead <= 0x8F:
            return lead & 0x0F
        if lead == 0xDE:
            return self._unpack(">H")
        if lead == 0xDF:
            return self._unpack(">I")
        return None

    def string(self, limit: int) -> str | None:
        lead = self._byte()
        if lead is None:
            return None
        return self._string_body(lead, limit)

    def _string_body(self, lead: int, limit: int) -> str | None:
        if 0xA0 <= lead <= 0xBF:
            length: int | None = lead & 0x1F
        elif lead in _STR_LEN:
            length = self._unpack(_STR_LEN[lead])
        else:
            return None
        if length is None or length > limit or self.pos + length > len(self.data):
            return None
        raw = bytes(self.data[self.pos : self.pos + length])
        self.pos += length
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return None

    def scalar(self) -> int | str | None:
        """An int or a short str (ids, versions, kinds, tokens); None for anything else."""
        lead = self._byte()
        if lead is None:
            return None
        if lead <= 0x7F:
            return lead
        if lead >= 0xE0:
            return lead - 0x100
        if lead in _UINT:
            return self._unpack(_UINT[lead])
        if lead in _INT:
            return self._unpack(_INT[lead])
        return self._string_body(lead, 1024)
