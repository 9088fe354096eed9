"""PackageError, and a collector so every check can report all its problems at once."""

from __future__ import annotations

from hub_core.errors import GameHubError

MAX_LISTED = 50
"""A hostile package can have a million bad paths; the message lists this many at most."""


class PackageError(GameHubError):
    """The package was refused.

    ``problems`` holds one full sentence per problem, each naming the key or file; the
    message is those sentences, one per line, so a developer can fix them all in one go.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems) or "The package was refused.")


class Problems:
    """Collects problem sentences, then raises one PackageError holding all of them."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.extra = 0

    def add(self, sentence: str) -> None:
        if len(self.items) < MAX_LISTED:
            self.items.append(sentence)
        else:
            self.extra += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = list(self.items)
        if self.extra:
            listed.append(f"... and {self.extra:,} more problems like these.")
        raise PackageError(listed)


def shown(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message: control characters escaped, long text shortened."""
    if len(text) > limit:
        return repr(text[: limit - 3]) + "..."
    return repr(text)
