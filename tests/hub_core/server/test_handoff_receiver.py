"""The receiving side's own checks: unsafe paths from a hostile hub, damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub_core.server.handoff import files
from hub_core.server.handoff.receiver import HandoffFailed, Receiver, _verify_all
from hub_core.util.paths import app_paths
from hub_core.wire.schema import HandoffFile
from hub_core.wire.schema._handoff import CHUNK_BYTES


@pytest.mark.parametrize("path", ["../outside", "/etc/passwd", "client/known_hubs.json", ""])
def test_files_may_land_only_in_the_hub_and_logs_folders(tmp_path: Path, path: str) -> None:
    receiver = Receiver(None, app_paths(tmp_path), lambda *_: None)  # type: ignore[arg-type]
    with pytest.raises(HandoffFailed, match="unsafe path"):
        receiver._target(HandoffFile(path, 1, "0" * 64))
    assert receiver._target(HandoffFile("hub/db/x.json", 1, "0" * 64)).is_relative_to(tmp_path)


def test_a_damaged_or_short_file_fails_the_check(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\x01" * (CHUNK_BYTES + 10))
    good = HandoffFile("hub/big.bin", big.stat().st_size, files.sha256_file(big))
    _verify_all([good], [big], tmp_path)
    with pytest.raises(HandoffFailed, match="hash differs"):
        _verify_all([HandoffFile(good.path, good.size, "0" * 64)], [big], tmp_path)
    with pytest.raises(HandoffFailed, match="size differs"):
        _verify_all([HandoffFile(good.path, good.size + 1, good.sha256)], [big], tmp_path)
