"""PackageError, and a collector so every check can report all its problems at once."""

from __future__ import annotations

from typing import NamedTuple

from hub_core.errors import GameHubError

MAX_LISTED = 50
"""A hostile package can have a million bad paths; the message lists this many at most."""


class Problem(NamedTuple):
    """One problem: the manifest key it is about (None: the whole package) and its sentence.

    The field travels with the sentence so a form can show it beside the right row
    without reading the (translatable, reworded) English text.
    """

    field: str | None
    message: str


class PackageError(GameHubError):
    """The package was refused.

    ``problems`` holds one Problem per problem, each sentence naming the key or file; the
    message is those sentences, one per line, so a developer can fix them all in one go.
    """

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = Problem(None, problems)
        self.problems: list[Problem] = (
            [problems] if isinstance(problems, Problem) else list(problems)
        )
        super().__init__("\n".join(self.messages) or "The package was refused.")

    @property
    def messages(self) -> list[str]:
        """The problems' sentences alone, in order."""
        return [problem.message for problem in self.problems]


class Problems:
    """Collects problems, then raises one PackageError holding all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.extra = 0

    def add(self, problem: Problem | str) -> None:
        """Adds a Problem, or a sentence about the whole package."""
        if len(self.items) < MAX_LISTED:
            self.items.append(problem if isinstance(problem, Problem) else Problem(None, problem))
        else:
            self.extra += 1

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        listed = list(self.items)
        if self.extra:
            listed.append(Problem(None, f"... and {self.extra:,} more problems like these."))
        raise PackageError(listed)


def shown(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message: control characters escaped, long text shortened."""
    if len(text) > limit:
        return repr(text[: limit - 3]) + "..."
    return repr(text)
