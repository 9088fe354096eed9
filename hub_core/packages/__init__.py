"""Game packages without the network: manifest, versions, path rules, file index, zips.

Packages come from strangers, so the hub and every client run the same checks here
before trusting a byte. Everything raises PackageError, whose ``problems`` lists one
Problem (field, sentence) per problem (all problems at once, not one per attempt).
"""

from __future__ import annotations

from hub_core.packages._errors import PackageError, Problem
from hub_core.packages._manifest_json import read_manifest
from hub_core.packages.index import (
    BLOCK_BYTES,
    HASH_CHUNK,
    MAX_BLOCK_BYTES,
    FileEntry,
    Limits,
    block_count,
    block_problem,
    check_blocks,
    check_index,
    hash_file,
    index_from_wire,
    index_to_wire,
    scan_folder,
)
from hub_core.packages.manifest import (
    REQUIRED_KEYS,
    Manifest,
    load_manifest,
    load_package,
    parse_manifest,
)
from hub_core.packages.paths import game_name_problem, path_problem
from hub_core.packages.versions import Version, check_newer, version_hint
from hub_core.packages.zips import extract_zip

__all__ = [
    "BLOCK_BYTES",
    "HASH_CHUNK",
    "MAX_BLOCK_BYTES",
    "REQUIRED_KEYS",
    "FileEntry",
    "Limits",
    "Manifest",
    "PackageError",
    "Problem",
    "Version",
    "block_count",
    "block_problem",
    "check_blocks",
    "check_index",
    "check_newer",
    "extract_zip",
    "game_name_problem",
    "hash_file",
    "index_from_wire",
    "index_to_wire",
    "load_manifest",
    "load_package",
    "parse_manifest",
    "path_problem",
    "read_manifest",
    "scan_folder",
    "version_hint",
]
