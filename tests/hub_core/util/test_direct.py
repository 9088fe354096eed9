"""Writing files past the page cache: the same bytes whatever the sizes, and the usual
way where a file system refuses."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from hub_core.util import direct

MIB = 1024 * 1024
_LINUX_DIRECT = hasattr(os, "O_DIRECT")


def _write(path: Path, parts: list[bytes | memoryview], head: int = 0) -> bool:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        return direct.write_new(fd, parts, cached_head=head)
    finally:
        os.close(fd)


@pytest.mark.parametrize(
    "size",
    [0, 100, direct.MIN_BYTES - 1, direct.MIN_BYTES, direct.MIN_BYTES + 1, 4 * MIB, 4 * MIB + 1,
     9 * MIB + 77],
)  # fmt: skip
@pytest.mark.parametrize("head", [0, 10, direct.ALIGN, direct.ALIGN + 1, 10**9])
def test_writes_exactly_the_parts(tmp_path: Path, size: int, head: int) -> None:
    data = os.urandom(size)
    parts: list[bytes | memoryview] = [
        data[: size // 3],
        memoryview(data)[size // 3 : size // 2],
        data[size // 2 :],
    ]
    went_direct = _write(tmp_path / "f", parts, head)
    assert (tmp_path / "f").read_bytes() == data
    past_head = direct._round_up(min(head, size)) < size
    assert went_direct == (_LINUX_DIRECT and size >= direct.MIN_BYTES and past_head)


@pytest.mark.skipif(not _LINUX_DIRECT, reason="O_DIRECT is Linux's")
def test_large_files_go_past_the_cache(tmp_path: Path) -> None:
    assert _write(tmp_path / "big", [os.urandom(MIB)])
    assert not _write(tmp_path / "small", [os.urandom(1000)])


@pytest.mark.skipif(not _LINUX_DIRECT, reason="O_DIRECT is Linux's")
def test_a_file_system_that_refuses_gets_the_usual_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some file systems accept O_DIRECT and refuse the write (EINVAL): the file is then
    written the usual way, whole, and that file system is not tried again."""
    import fcntl

    real = os.pwrite

    def refusing(fd: int, data: memoryview, offset: int) -> int:
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", refusing)
    monkeypatch.setattr(direct, "_refused", set())
    data = os.urandom(5 * MIB + 3)
    assert not _write(tmp_path / "f", [data])
    assert (tmp_path / "f").read_bytes() == data
    assert os.stat(tmp_path).st_dev in direct._refused
