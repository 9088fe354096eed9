"""Content hashes: each digest says which function made it, so old and new packages are
both checked; anything else a stranger sends is no digest at all."""

from __future__ import annotations

import hashlib
import os

import blake3  # type: ignore[import-untyped]
import pytest

from hub_core.util import digests
from hub_core.util.digests import HashKind

# Published test vectors: the SHA-256 and the BLAKE3 of no bytes at all.
EMPTY = {
    HashKind.SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    HashKind.BLAKE3: "b3-af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
}


@pytest.mark.parametrize("kind", list(HashKind))
def test_known_answers(kind: HashKind) -> None:
    assert digests.digest(b"", kind) == EMPTY[kind]
    assert digests.kind_of(EMPTY[kind]) is kind
    assert digests.matches(b"", EMPTY[kind])
    assert not digests.matches(b"x", EMPTY[kind])


@pytest.mark.parametrize("kind", list(HashKind))
def test_a_running_hash_equals_the_one_shot(kind: HashKind) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    running = digests.new(kind)
    for start in range(0, len(data), 1_000_003):
        running.update(memoryview(data)[start : start + 1_000_003])
    assert digests.spell(running, kind) == digests.digest(data, kind)


def test_sha256_digests_are_what_they_always_were() -> None:
    data = os.urandom(1000)
    assert digests.digest(data, HashKind.SHA256) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a" * 63,
        "a" * 65,
        "A" * 64,  # upper case: one spelling per digest, or one block would have two names
        "g" * 64,
        "b3-" + "a" * 63,
        "b3-" + "A" * 64,
        "B3-" + "a" * 64,
        "b3:" + "a" * 64,
        "b3" + "a" * 64,
        "sha256-" + "a" * 64,
        "../" + "a" * 64,
        "a" * 64 + "\n",
        None,
        64,
        b"a" * 64,
    ],
)
def test_anything_else_is_no_digest(text: object) -> None:
    assert digests.kind_of(text) is None and not digests.is_digest(text)
    assert not digests.matches(b"", text)  # type: ignore[arg-type]


def test_blake3_is_there() -> None:
    assert digests.blake3_available()  # a dependency: every test run has it


def test_a_blake3_file_hash_is_over_its_blocks_hashes() -> None:
    """Keyed for files (derive_key_context): never the hash of the same bytes, nor of the
    blocks' hashes as plain bytes."""
    blocks = [digests.digest(b"first", HashKind.BLAKE3), digests.digest(b"second", HashKind.BLAKE3)]
    whole = digests.of_blocks(blocks)
    assert digests.kind_of(whole) is HashKind.BLAKE3
    raw = b"".join(bytes.fromhex(b[3:]) for b in blocks)
    assert whole not in (
        digests.digest(raw, HashKind.BLAKE3),
        digests.digest(b"firstsecond", HashKind.BLAKE3),
    )
    assert whole == "b3-" + blake3.blake3(raw, derive_key_context=digests.FILE_CONTEXT).hexdigest()
    assert digests.of_blocks(blocks[::-1]) != whole
    assert digests.of_blocks([*blocks[:1], hashlib.sha256(b"second").hexdigest()]) == ""


@pytest.mark.parametrize("kind", list(HashKind))
def test_the_empty_file_of_each_kind(kind: HashKind) -> None:
    empty = digests.file_digest(kind, (), digests.whole_hasher(kind))
    assert digests.is_empty_file(empty)
    assert not digests.is_empty_file(digests.digest(b"x", kind))
