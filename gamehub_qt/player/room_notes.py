"""What changed in a room between two of its snapshots, as system lines for its chat:
who joined, who left (or was dropped because their app stopped answering), and who owns
the room now. The player's own arrival and departure are not news to them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from hub_core.wire.schema import RoomState, RoomView

# Called as translate("RoomNotes", "...") with literals, so pyside6-lupdate finds the texts.
translate = QCoreApplication.translate


def room_notes(before: RoomView, after: RoomView, me: str) -> list[str]:
    """One sentence per change from ``before`` to ``after`` (same room), oldest first."""
    if before.id != after.id or after.state is RoomState.CLOSED:
        return []
    notes = [
        translate("RoomNotes", "{0} joined the room.").format(name)
        for name in after.players
        if name not in before.players and name != me
    ]
    for name in before.players:
        if name in after.players or name == me:
            continue
        if name in after.dropped:
            notes.append(
                translate("RoomNotes", "{0} was dropped: their app stopped answering.").format(name)
            )
        else:
            notes.append(translate("RoomNotes", "{0} left the room.").format(name))
    if after.owner != before.owner:
        if after.owner == me:
            notes.append(translate("RoomNotes", "You own the room now."))
        else:
            notes.append(translate("RoomNotes", "{0} owns the room now.").format(after.owner))
    return notes
