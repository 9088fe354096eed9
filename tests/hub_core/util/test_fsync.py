"""The one atomic file writer: whole files only, private when asked, no temp files left;
and starting a file's writing out early."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from hub_core.util.fsync import start_writeback, write_atomic


def test_replaces_the_file_whole_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b"old")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_private_files_are_owner_only_and_others_follow_the_umask(tmp_path: Path) -> None:
    write_atomic(tmp_path / "secret", b"s", private=True)
    write_atomic(tmp_path / "plain", b"p", durable=False)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "plain").stat().st_mode) == 0o666 & ~umask


def test_writing_out_starts_early_on_linux_and_is_harmless_elsewhere(tmp_path: Path) -> None:
    """A handoff's receiver starts each piece's writing as it lands (the final sync then
    finds it written); on Linux it really starts, a bad descriptor is no error, and the
    data is unchanged by it."""
    path = tmp_path / "piece.bin"
    data = os.urandom(1 << 20)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        os.pwrite(fd, data, 4096)
        assert start_writeback(fd, 4096, len(data)) is sys.platform.startswith("linux")
    finally:
        os.close(fd)
    assert start_writeback(fd, 0, 1) is False  # closed: nothing to start, nothing raised
    assert path.read_bytes() == bytes(4096) + data
