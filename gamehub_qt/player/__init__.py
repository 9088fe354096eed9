"""The Player tab: log in, browse and install games, meet in rooms, play, rate and review."""

from __future__ import annotations

from gamehub_qt.player.tab import PlayerTab

__all__ = ["PlayerTab"]
