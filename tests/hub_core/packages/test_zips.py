"""extract_zip on honest zips, and the streaming counters that back up the header checks."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub_core.packages import Limits, PackageError, extract_zip, scan_folder, zips
from hub_core.packages.zips import copy_counted
from tests.hub_core.packages.hostile import GOOD_FILES, package_zip, with_manifest, write_zip

FILES = {**GOOD_FILES, "assets/a.txt": b"hello", "lib/util.py": b"x = 1\n" * 100}


def test_extract_a_flat_zip(tmp_path: Path) -> None:
    built = write_zip(tmp_path / "p.zip", list(FILES.items()))
    dest = tmp_path / "out" / "rps"
    entries = extract_zip(built, dest, Limits())
    assert {
        p.relative_to(dest).as_posix(): p.read_bytes() for p in dest.rglob("*") if p.is_file()
    } == FILES
    assert entries == scan_folder(dest, Limits())
    assert list(dest.parent.iterdir()) == [dest]


def test_the_top_folder_is_stripped(tmp_path: Path) -> None:
    entries = [("rps/", b""), *((f"rps/{name}", data) for name, data in FILES.items())]
    entries += [("__MACOSX/rps/._manifest.json", b"junk"), ("rps/.DS_Store", b"junk")]
    built = write_zip(tmp_path / "p.zip", entries)
    index = extract_zip(built, tmp_path / "dest", Limits())
    assert sorted(e.path for e in index) == sorted(FILES)
    assert (tmp_path / "dest" / "manifest.json").is_file()


def test_a_top_folder_without_manifest_is_kept(tmp_path: Path) -> None:
    built = write_zip(
        tmp_path / "p.zip", [(f"src/{n}", d) for n, d in FILES.items() if n != "manifest.json"]
    )
    with pytest.raises(PackageError, match=r"no manifest\.json at its root"):
        extract_zip(built, tmp_path / "dest", Limits())


def test_folder_entries_and_skipped_clutter(tmp_path: Path) -> None:
    extra = {"levels/": b"", "lib/__pycache__/util.cpython-311.pyc": b"junk", "old.pyc": b"junk"}
    built = package_zip(tmp_path / "p.zip", extra)
    index = extract_zip(built, tmp_path / "dest", Limits())
    assert (tmp_path / "dest" / "levels").is_dir()
    assert not (tmp_path / "dest" / "lib").exists()
    assert sorted(e.path for e in index) == sorted(GOOD_FILES)


def test_the_manifest_is_checked(tmp_path: Path) -> None:
    built = package_zip(tmp_path / "p.zip", {}, base=with_manifest(type="VR", max_players=0))
    with pytest.raises(PackageError) as info:
        extract_zip(built, tmp_path / "dest", Limits())
    assert len(info.value.problems) == 2
    assert not (tmp_path / "dest").exists()
    extract_zip(built, tmp_path / "dest", Limits(), check_manifest=False)
    assert (tmp_path / "dest" / "manifest.json").is_file()


def test_dest_must_not_exist(tmp_path: Path) -> None:
    built = package_zip(tmp_path / "p.zip", {})
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "keep.txt").write_text("mine")
    with pytest.raises(PackageError, match="already exists"):
        extract_zip(built, tmp_path / "dest", Limits())
    assert [p.name for p in (tmp_path / "dest").iterdir()] == ["keep.txt"]


def test_missing_zip(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="There is no file"):
        extract_zip(tmp_path / "nope.zip", tmp_path / "dest", Limits())


def test_unsupported_compression(tmp_path: Path) -> None:
    built = package_zip(tmp_path / "p.zip", {})
    data = bytearray(built.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at >= 0:
            struct.pack_into("<H", data, at + offset, 99)
            at = data.find(signature, at + 4)
    built.write_bytes(bytes(data))
    with pytest.raises(PackageError, match="compression method 99"):
        extract_zip(built, tmp_path / "out" / "dest", Limits())


def test_an_interrupted_extraction_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = package_zip(tmp_path / "p.zip", {"more.txt": b"x"})
    calls: list[str] = []

    def interrupted(*args: object, **kwargs: object) -> tuple[str, int]:
        calls.append("x")
        if len(calls) == 3:
            raise KeyboardInterrupt
        return copy_counted(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zips, "copy_counted", interrupted)
    (tmp_path / "out").mkdir()
    with pytest.raises(KeyboardInterrupt):
        extract_zip(built, tmp_path / "out" / "dest", Limits())
    assert list((tmp_path / "out").iterdir()) == []


class CountingReader(io.BytesIO):
    """Counts the bytes handed out, to show the copy stops soon after a limit."""

    handed = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.handed += len(data)
        return data


MIB = 1024 * 1024


@pytest.mark.parametrize(
    ("limits", "budget", "compressed", "words"),
    [
        (Limits(max_file_bytes=MIB), 10 * MIB, 10 * MIB, "'x.bin' is at least 1,572,864 bytes"),
        (Limits(max_total_bytes=20 * MIB), MIB, 10 * MIB, "more than 20,971,520 bytes"),
        (Limits(), 10 * MIB, 1000, "looks like a zip bomb"),
    ],
)
def test_copy_counts_real_bytes(limits: Limits, budget: int, compressed: int, words: str) -> None:
    src = CountingReader(bytes(8 * MIB))
    dst = io.BytesIO()
    with pytest.raises(PackageError) as info:
        copy_counted(src, dst, "x.bin", compressed=compressed, limits=limits, budget=budget)
    assert words in str(info.value)
    assert src.handed <= 2 * MIB
    assert len(dst.getvalue()) <= MIB


def test_copy_counted_copies_and_hashes() -> None:
    src, dst = io.BytesIO(b"abc" * MIB), io.BytesIO()
    digest, size, blocks, sizes = copy_counted(
        src, dst, "x", compressed=3 * MIB, limits=Limits(), budget=10 * MIB
    )
    assert (size, dst.getvalue()) == (3 * MIB, b"abc" * MIB)
    assert sum(sizes) == size and len(blocks) == len(sizes)
    assert digest == __import__("hashlib").sha256(b"abc" * MIB).hexdigest()


def test_zip_written_by_zipfile_write_works(tmp_path: Path) -> None:
    folder = tmp_path / "rps"
    for name, data in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    built = tmp_path / "rps.zip"
    with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(tmp_path).as_posix())
    entries = extract_zip(built, tmp_path / "installed", Limits())
    assert entries == scan_folder(folder, Limits())


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_zips_raise_only_package_errors(
    tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    good = package_zip(tmp_path / "good.zip", {"lib/a.py": b"print('a')\n" * 50}, stored=False)
    data = bytearray(good.read_bytes())
    for at, value in flips:
        data[at % len(data)] = value
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    out = tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    try:
        extract_zip(damaged, out / "game", Limits())
    except PackageError:
        assert list(out.iterdir()) == []
    else:
        assert [p.name for p in out.iterdir()] == ["game"]
