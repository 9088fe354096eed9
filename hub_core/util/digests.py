"""Content hashes: which function made a digest, and checking bytes against one.

Packages name their files and blocks by hash. Until 2026-12 that was SHA-256, spelled as
64 lowercase hex digits. New packages use BLAKE3, spelled ``b3-`` and 64 hex digits:
equally strong (256 bits, collision- and preimage-resistant), and 3.5x faster here
(4.5 GB/s against 1.3 for OpenSSL's SHA-256 with the SHA extensions), which is a third
of a publish's CPU. Because a digest says which function made it, a hub's block store,
a player's install and a handoff check any block, whichever package it came from, and
packages published before stay readable for ever.

A BLAKE3 file's own hash is made from its blocks' hashes, in order, not from its bytes
again (``of_blocks``; BLAKE3 in its key-derivation mode, so it never equals the hash of
some bytes): every byte is checked in its block, so neither the app, nor the hub, nor a
player hashes a file twice, which was an eighth of a publish. A SHA-256 file's hash is
over its bytes, as it always was.

A new package uses BLAKE3 only when the hub says it reads it (``Feature.BLAKE3`` in the
login reply), and a hub gives a BLAKE3 version only to apps that say they read it, so
an older app is told to update instead of failing on hashes it cannot check. Without the
``blake3`` package (a platform with no wheel), this copy reads and writes SHA-256 only.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Protocol

B3_PREFIX = "b3-"
# What a BLAKE3 file hash is for (blake3's derive_key_context): never reuse it elsewhere.
FILE_CONTEXT = "GameHub 2026-12-02 a file's hash over its blocks' BLAKE3 hashes"
_FORMS = {
    "sha256": re.compile(r"[0-9a-f]{64}"),
    "blake3": re.compile(r"b3-[0-9a-f]{64}"),
}


class HashKind(StrEnum):
    SHA256 = "sha256"  # every package before 2026-12
    BLAKE3 = "blake3"


class Hasher(Protocol):
    """What hashlib's and blake3's hash objects share."""

    def update(self, data: bytes | bytearray | memoryview, /) -> Any: ...

    def hexdigest(self) -> str: ...


def kind_of(digest: object) -> HashKind | None:
    """The function that made ``digest``, or None if it is not a digest at all."""
    if not isinstance(digest, str):
        return None
    kind = HashKind.BLAKE3 if digest.startswith(B3_PREFIX) else HashKind.SHA256
    return kind if _FORMS[kind].fullmatch(digest) else None


def is_digest(text: object) -> bool:
    return kind_of(text) is not None


def new(kind: HashKind) -> Hasher:
    """A running hash of ``kind``; ``spell`` turns it into a digest."""
    if kind is HashKind.BLAKE3:
        return _blake3()()  # type: ignore[no-any-return]
    return hashlib.sha256()


def spell(hasher: Hasher, kind: HashKind) -> str:
    """The digest of a running hash, as indexes and the wire spell it."""
    return B3_PREFIX + hasher.hexdigest() if kind is HashKind.BLAKE3 else hasher.hexdigest()


def digest(data: bytes | bytearray | memoryview, kind: HashKind) -> str:
    hasher = new(kind)
    hasher.update(data)
    return spell(hasher, kind)


def matches(data: bytes | bytearray | memoryview, expected: str) -> bool:
    """Whether ``data`` hashes to ``expected`` (False for anything that is no digest)."""
    kind = kind_of(expected)
    if kind is None or (kind is HashKind.BLAKE3 and not blake3_available()):
        return False
    return digest(data, kind) == expected


def over_blocks(kind: HashKind) -> bool:
    """Whether a file's hash of ``kind`` is made from its blocks' hashes (BLAKE3), not
    from its bytes (SHA-256)."""
    return kind is HashKind.BLAKE3


def of_blocks(blocks: Sequence[str]) -> str:
    """A BLAKE3 file's hash: over its blocks' BLAKE3 hashes, in order ("", which matches
    no file, if one is not a BLAKE3 hash or this copy has no BLAKE3)."""
    if not blake3_available() or any(kind_of(b) is not HashKind.BLAKE3 for b in blocks):
        return ""
    raw = b"".join(bytes.fromhex(b[len(B3_PREFIX) :]) for b in blocks)
    return B3_PREFIX + _blake3()(raw, derive_key_context=FILE_CONTEXT).hexdigest()  # type: ignore[no-any-return]


def file_digest(kind: HashKind, blocks: Sequence[str], whole: Hasher | None) -> str:
    """A file's hash of ``kind``: from its ``blocks`` (BLAKE3), or the running hash of its
    bytes, ``whole`` (SHA-256; None for BLAKE3)."""
    if over_blocks(kind):
        return of_blocks(blocks)
    assert whole is not None
    return spell(whole, kind)


def is_empty_file(expected: str) -> bool:
    """Whether ``expected`` is the hash of an empty file (of its kind)."""
    kind = kind_of(expected)
    return kind is not None and file_digest(kind, (), whole_hasher(kind)) == expected


def whole_hasher(kind: HashKind) -> Hasher | None:
    """A running hash of a file's bytes, if its hash of ``kind`` is over them."""
    return None if over_blocks(kind) else new(kind)


@functools.cache
def blake3_available() -> bool:
    try:
        _blake3()
    except ImportError:
        return False
    return True


@functools.cache
def _blake3() -> Any:
    """The ``blake3`` constructor, imported on first use (not at the app's start)."""
    from blake3 import blake3

    return blake3
