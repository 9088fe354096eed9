"""gamehub_qt.shell."""
