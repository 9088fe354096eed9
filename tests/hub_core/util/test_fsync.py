"""The one atomic file writer: whole files only, private when asked, no temp files left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hub_core.util.fsync import write_atomic


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
