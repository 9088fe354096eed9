"""The hostile package corpus: packages a stranger could publish, built on demand.

``HOSTILE[name](folder)`` builds one hostile package (a zip or a folder) inside
``folder`` and returns its path; ``EXPECTED[name]`` holds words the refusal must
contain. Nothing big is committed: a zip bomb is a few KB built with zipfile, and
lying headers are patched into a freshly built zip.

The size cases are built against ``HOSTILE_LIMITS``: a hub under test must use those
limits (the zip bomb is refused under any limits, by its compression ratio).
``HOSTILE_INDEXES`` / ``EXPECTED_INDEX`` are file indexes in wire form, for tests of
the transfer layer, which receives the index before any content.

``check_built(path, dest)`` runs what a hub or client runs on a package: extract_zip
for zips, load_package (scan_folder + manifest) for folders.
"""

from __future__ import annotations

import json
import os
import random
import stat
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub_core.packages import Limits, extract_zip, load_package

HOSTILE_LIMITS = Limits(max_files=100, max_total_bytes=4 * 1024**2, max_file_bytes=2 * 1024**2)
MANIFEST: dict[str, Any] = {
    "name": "rps",
    "display_name": "Rock Paper Scissors",
    "type": "CLI",
    "max_players": 2,
    "entry_server": "start_server.py",
    "entry_client": "start_client.py",
    "description": "Simple 2-player RPS game",
}
GOOD_FILES: dict[str, bytes] = {
    "manifest.json": json.dumps(MANIFEST, indent=2).encode(),
    "start_server.py": b"print('server')\n",
    "start_client.py": b"print('client')\n",
}
_DATE = (2024, 1, 1, 0, 0, 0)
Files = dict[str, bytes]


def noise(size: int, seed: int = 1) -> bytes:
    """Incompressible bytes, the same every run."""
    return random.Random(seed).randbytes(size)


def write_zip(path: Path, entries: list[tuple[str, bytes]], *, stored: bool = False) -> Path:
    """A zip holding exactly these names (zipfile's writestr does not clean them)."""
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, _DATE)
            info.compress_type = method
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return path


def package_zip(
    path: Path, extra: Files, *, stored: bool = False, base: Files = GOOD_FILES
) -> Path:
    return write_zip(path, [*base.items(), *extra.items()], stored=stored)


def write_folder(path: Path, files: Files) -> Path:
    for name, data in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def with_manifest(**changes: Any) -> Files:
    """The good package with manifest keys changed (value None removes the key)."""
    manifest = {k: v for k, v in {**MANIFEST, **changes}.items() if v is not None}
    return {**GOOD_FILES, "manifest.json": json.dumps(manifest).encode()}


def replace_bytes(path: Path, old: bytes, new: bytes) -> Path:
    """Renames an entry in place (local header and central directory): same length only."""
    assert len(old) == len(new)
    data = path.read_bytes()
    assert data.count(old) == 2, "expected the name once in each header"
    path.write_bytes(data.replace(old, new))
    return path


def patch_headers(path: Path, name: str, *, flags: int = 0, file_size: int | None = None) -> Path:
    """Sets bits in an entry's flags and/or lies about its size, in both headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    central = _central_record(data, name)
    assert data[local : local + 4] == b"PK\x03\x04"
    for offset, flag_at, size_at in ((local, 6, 22), (central, 8, 24)):
        (old,) = struct.unpack_from("<H", data, offset + flag_at)
        struct.pack_into("<H", data, offset + flag_at, old | flags)
        if file_size is not None:
            struct.pack_into("<I", data, offset + size_at, file_size)
    path.write_bytes(bytes(data))
    return path


def _central_record(data: bytearray, name: str) -> int:
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        (length,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + length] == name.encode():
            return at
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"no central record for {name}")


def _zip(name: str, extra: Files, **kw: Any) -> Callable[[Path], Path]:
    return lambda folder: package_zip(folder / f"{name}.zip", extra, **kw)


def _folder(name: str, files: Files) -> Callable[[Path], Path]:
    return lambda folder: write_folder(folder / name, files)


def _renamed(name: str, placeholder: str, real: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        built = package_zip(folder / f"{name}.zip", {placeholder: b"evil\n"})
        return replace_bytes(built, placeholder.encode(), real)

    return build


def _zip_symlink(folder: Path) -> Path:
    path = package_zip(folder / "zip_symlink.zip", {})
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("assets/link", _DATE)
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "../../../../etc/passwd")
    return path


def _bomb(folder: Path) -> Path:
    return package_zip(folder / "zip_bomb.zip", {"bomb.bin": bytes(20 * 1024**2)})


def _lying_bomb(folder: Path) -> Path:
    path = package_zip(folder / "zip_bomb_lying_sizes.zip", {"bomb.bin": bytes(20 * 1024**2)})
    return patch_headers(path, "bomb.bin", file_size=1000)


def _encrypted(folder: Path) -> Path:
    path = package_zip(folder / "encrypted_entry.zip", {"secret.py": b"print('hidden')\n"})
    return patch_headers(path, "secret.py", flags=0x1)


def _duplicate(folder: Path) -> Path:
    entries = [*GOOD_FILES.items(), ("game.py", b"one\n"), ("game.py", b"two\n")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        return write_zip(folder / "duplicate_entry.zip", entries)


def _truncated(folder: Path) -> Path:
    path = package_zip(folder / "truncated_zip.zip", {"data.bin": noise(64 * 1024)})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _corrupt(folder: Path) -> Path:
    text = b"".join(b"line %d of the game\n" % i for i in range(20_000))
    path = package_zip(folder / "corrupt_zip.zip", {"game.py": text})
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("game.py")
    data = bytearray(path.read_bytes())
    (name_len, extra_len) = struct.unpack_from("<HH", data, info.header_offset + 26)
    middle = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    path.write_bytes(bytes(data))
    return path


def _not_zip(folder: Path) -> Path:
    path = folder / "not_a_zip.zip"
    path.write_bytes(b"This is a text file with a .zip name.\n" * 10)
    return path


def _many_files_folder(folder: Path) -> Path:
    files = {f"levels/{i:03}.txt": b"x" for i in range(HOSTILE_LIMITS.max_files + 50)}
    return write_folder(folder / "too_many_files_folder", {**GOOD_FILES, **files})


def _folder_symlink(folder: Path) -> Path:
    path = write_folder(folder / "folder_symlink", {**GOOD_FILES, "assets/a.png": b"png"})
    try:
        os.symlink("/etc/passwd", path / "assets" / "link")
    except (OSError, NotImplementedError):
        pytest.skip("this system cannot make symlinks")
    return path


def _folder_fifo(folder: Path) -> Path:
    path = write_folder(folder / "folder_fifo", GOOD_FILES)
    if not hasattr(os, "mkfifo"):
        pytest.skip("this system has no named pipes")
    os.mkfifo(path / "pipe")
    return path


_MB = 1024**2
_HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "zip_slip": (_zip("zip_slip", {"../evil.py": b"evil\n"}), "would leave the package"),
    "absolute_path": (_zip("absolute_path", {"/tmp/evil.py": b"evil\n"}), "is absolute"),
    "drive_path": (_zip("drive_path", {"C:/evil.py": b"evil\n"}), "is absolute"),
    "backslash_path": (_renamed("backslash_path", "games|evil.py", b"games\\evil.py"), "backslash"),
    "nul_in_name": (
        _renamed("nul_in_name", "evil.py|.txt", b"evil.py\x00.txt"),
        "control character",
    ),
    "zip_symlink": (_zip_symlink, "is a link"),
    "zip_bomb": (_bomb, "zip bomb"),
    "zip_bomb_lying_sizes": (_lying_bomb, "damaged"),
    "too_many_files": (
        _zip("too_many_files", {f"f{i:03}.txt": b"x" for i in range(100)}),
        "the limit is 100",
    ),
    "too_many_bytes": (
        _zip(
            "too_many_bytes", {f"big{i}.bin": noise(3 * _MB // 2, i) for i in range(3)}, stored=True
        ),
        "the limit is 4,194,304 bytes",
    ),
    "file_too_big": (
        _zip("file_too_big", {"big.bin": noise(3 * _MB)}, stored=True),
        "the limit for one file is 2,097,152 bytes",
    ),
    "case_duplicates": (
        _zip("case_duplicates", {"Data/a.txt": b"1", "data/a.txt": b"2"}),
        "differ only in case",
    ),
    "duplicate_entry": (_duplicate, "listed twice"),
    "file_and_folder": (
        _zip("file_and_folder", {"a": b"file", "a/b.txt": b"inside"}),
        "both a file and a folder",
    ),
    "not_a_zip": (_not_zip, "not a zip archive"),
    "truncated_zip": (_truncated, "not a zip archive"),
    "corrupt_zip": (_corrupt, "damaged"),
    "encrypted_entry": (_encrypted, "encrypted"),
    "reserved_device_file": (_zip("reserved_device_file", {"con.py": b"x"}), "reserved device"),
    "reserved_device_folder": (
        _zip("reserved_device_folder", {"aux/x.py": b"x"}),
        "reserved device",
    ),
    "overlong_name": (_zip("overlong_name", {"a" * 300 + ".py": b"x"}), "the limit is 255"),
    "trailing_dot": (_zip("trailing_dot", {"evil./x.py": b"x"}), "dot or space"),
    "no_manifest": (_zip("no_manifest", {"game.py": b"x"}, base={}), "no manifest.json"),
    "manifest_missing_keys": (
        _folder("manifest_missing_keys", with_manifest(entry_client=None)),
        "is missing 'entry_client'",
    ),
    "manifest_wrong_types": (
        _folder("manifest_wrong_types", with_manifest(max_players="two")),
        "'max_players' must be a whole number",
    ),
    "manifest_bad_type": (
        _folder("manifest_bad_type", with_manifest(type="VR")),
        "must be CLI or GUI (got 'VR')",
    ),
    "manifest_bad_name": (_folder("manifest_bad_name", with_manifest(name="../evil")), "'name'"),
    "manifest_entry_missing": (
        _zip("manifest_entry_missing", {}, base=with_manifest(entry_server="missing_server.py")),
        "which is not in the package",
    ),
    "manifest_entry_escape": (
        _folder("manifest_entry_escape", with_manifest(entry_client="../../client.py")),
        "would leave the package",
    ),
    "manifest_not_json": (
        _folder("manifest_not_json", {**GOOD_FILES, "manifest.json": b"{'name': 'rps',}"}),
        "not valid JSON",
    ),
    "manifest_duplicate_keys": (
        _folder(
            "manifest_duplicate_keys",
            {
                **GOOD_FILES,
                "manifest.json": GOOD_FILES["manifest.json"][:-1] + b', "name": "other"}',
            },
        ),
        "more than once",
    ),
    "manifest_deep_nesting": (
        _folder("manifest_deep_nesting", {**GOOD_FILES, "manifest.json": b"[" * 200_000}),
        "nested too deeply",
    ),
    "manifest_escape_codes": (
        _folder("manifest_escape_codes", with_manifest(display_name="\x1b[2JHacked")),
        "control character",
    ),
    "too_many_files_folder": (_many_files_folder, "the limit is 100"),
    "folder_symlink": (_folder_symlink, "is a link"),
    "folder_fifo": (_folder_fifo, "not a regular file or folder"),
}
HOSTILE: dict[str, Callable[[Path], Path]] = {name: b for name, (b, _) in _HOSTILE.items()}
EXPECTED: dict[str, str] = {name: words for name, (_, words) in _HOSTILE.items()}


def check_built(built: Path, dest: Path, limits: Limits = HOSTILE_LIMITS) -> None:
    """What a hub or client does with a package it is given: unpack or scan, then check."""
    if built.is_dir():
        load_package(built, limits)
    else:
        extract_zip(built, dest, limits)


_GOOD_HASH = "0" * 64
_GOOD_INDEX: list[list[Any]] = [
    ["manifest.json", 200, _GOOD_HASH],
    ["start_server.py", 10, _GOOD_HASH],
    ["start_client.py", 10, _GOOD_HASH],
]
_INDEXES: dict[str, tuple[Any, str]] = {
    "index_slip": ([*_GOOD_INDEX, ["../evil.py", 1, _GOOD_HASH]], "would leave the package"),
    "index_absolute": ([*_GOOD_INDEX, ["/etc/cron.d/x", 1, _GOOD_HASH]], "is absolute"),
    "index_case_duplicates": (
        [*_GOOD_INDEX, ["Data/a.txt", 1, _GOOD_HASH], ["data/a.txt", 1, _GOOD_HASH]],
        "differ only in case",
    ),
    "index_duplicate": (
        [*_GOOD_INDEX, ["a.txt", 1, _GOOD_HASH], ["a.txt", 1, _GOOD_HASH]],
        "listed twice",
    ),
    "index_file_and_folder": (
        [*_GOOD_INDEX, ["a", 1, _GOOD_HASH], ["a/b", 1, _GOOD_HASH]],
        "both a file and a folder",
    ),
    "index_negative_size": ([*_GOOD_INDEX, ["a.txt", -5, _GOOD_HASH]], "bad size"),
    "index_bad_hash": ([*_GOOD_INDEX, ["a.txt", 1, "ABC"]], "bad hash"),
    "index_no_manifest": (_GOOD_INDEX[1:], "no manifest.json"),
    "index_too_many_files": (
        [*_GOOD_INDEX, *([f"f{i}", 1, _GOOD_HASH] for i in range(98))],
        "101 files; the limit is 100",
    ),
    "index_too_many_bytes": (
        [*_GOOD_INDEX, *([f"f{i}", 2 * 1024**2, _GOOD_HASH] for i in range(3))],
        "the limit is 4,194,304 bytes",
    ),
    "index_file_too_big": (
        [*_GOOD_INDEX, ["big.bin", 3 * 1024**2, _GOOD_HASH]],
        "the limit for one file",
    ),
    "index_bad_shape": (
        [*_GOOD_INDEX, ["a.txt", "1", _GOOD_HASH]],
        "must be [path, size, hash, blocks]",
    ),
    "index_not_a_list": ({"manifest.json": 1}, "must be a list"),
}
HOSTILE_INDEXES: dict[str, Any] = {name: index for name, (index, _) in _INDEXES.items()}
EXPECTED_INDEX: dict[str, str] = {name: words for name, (_, words) in _INDEXES.items()}
