"""The blocks of a publish sent ahead of its index, checked as they are announced.

The developer's app announces each file's blocks while it is still cutting the files
(``publish_ahead``), so blocks travel during the cut instead of after it. The hub knows
the files' hashes only when the whole index comes, so until then it holds strangers'
claims: each piece is checked on its own (path, block hashes and sizes) and all of them
together against the package limits, as an index would be, before the hub asks for a
byte of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub_core.packages import FileEntry, Limits, block_problem, path_problem
from hub_core.util.units import format_bytes
from hub_core.wire.protocol import MAX_BATCH
from hub_core.wire.schema import AheadPiece


class AheadRefused(ValueError):
    """A piece the hub will not take; the message says why."""


@dataclass
class AheadLedger:
    """What an ahead publish has announced so far: bytes per path, and in all."""

    limits: Limits
    sizes: dict[str, int] = field(default_factory=dict)  # bytes announced per path
    total: int = 0

    def check(self, pieces: list[AheadPiece]) -> list[tuple[str, list[tuple[str, int]]]]:
        """The pieces as (path, [(hash, length)]), once all are within the limits;
        raises AheadRefused for the first that is not, counting none of them then."""
        if sum(len(blocks) for _, blocks, _ in pieces) > MAX_BATCH:
            raise AheadRefused(f"Announce at most {MAX_BATCH:,} blocks at once.")
        added: dict[str, int] = {}  # this announcement's bytes per path
        total, files = self.total, len(self.sizes)
        for path, blocks, lengths in pieces:
            problem = path_problem(path) or block_problem(
                FileEntry(path, sum(lengths), "", tuple(blocks), tuple(lengths))
            )
            if problem:
                raise AheadRefused(problem)
            files += path not in self.sizes and path not in added
            added[path] = added.get(path, 0) + sum(lengths)
            total += sum(lengths)
            self._check_totals(path, self.sizes.get(path, 0) + added[path], total, files)
        for path, size in added.items():
            self.sizes[path] = self.sizes.get(path, 0) + size
        self.total = total
        return [(path, list(zip(blocks, lengths, strict=True))) for path, blocks, lengths in pieces]

    def _check_totals(self, path: str, size: int, total: int, files: int) -> None:
        limits = self.limits
        if size > limits.max_file_bytes:
            raise AheadRefused(
                f"{path!r} is announced with more than {format_bytes(limits.max_file_bytes)}; "
                "that is the limit for one file."
            )
        if files > limits.max_files:
            raise AheadRefused(f"The package has more than {limits.max_files:,} files.")
        if total > limits.max_total_bytes:
            raise AheadRefused(
                f"The package is announced with more than "
                f"{format_bytes(limits.max_total_bytes)}; that is the limit."
            )
