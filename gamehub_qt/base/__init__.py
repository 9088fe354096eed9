"""gamehub_qt.base."""
