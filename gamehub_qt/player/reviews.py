"""Rating a game: the dialog, and sending it as a ``review`` (a later one replaces it).

Used after a match and from "My games". The hub announces the new review on the store
topic, so the store's details and the player's review list update themselves.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gamehub_qt.player.common import need_client
from gamehub_qt.player.prompts import RatingDialog
from gamehub_qt.player.state import PlayerState
from hub_core.wire.schema import ReviewResult


def ask_review(
    state: PlayerState, parent: QWidget | None, name: str, rating: int = 0, text: str = ""
) -> RatingDialog:
    """Opens a non-modal rating dialog for ``name``; Submit sends the review."""
    dialog = RatingDialog(name, state.display_name(name), rating, text, parent)
    dialog.submitted.connect(lambda n, r, t: send_review(state, dialog, n, r, t))
    dialog.show()
    return dialog


def send_review(
    state: PlayerState, dialog: RatingDialog, name: str, rating: int, text: str
) -> None:
    async def work() -> ReviewResult:
        # Safe to repeat: a player's later review of a game replaces the earlier one.
        return await need_client(state.context).review(name, rating, text)

    def kept(_reply: ReviewResult) -> None:
        dialog.done_ok()
        state.context.messages.info(
            dialog.tr("Thanks! Your review of {0} is in the store.").format(
                state.display_name(name)
            )
        )

    state.op(dialog, work).success(kept).failure(
        state.guard(lambda exc: dialog.failed(str(exc)))
    ).run()
