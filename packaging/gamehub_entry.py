"""The frozen app's entry point: the same as the ``gamehub`` console script.

With no command it opens the app; ``GameHub run-script PATH`` runs a game's script
(hub_core.run_script), since a frozen build has no other Python to run it with.
"""

import os
import sys

from gamehub_qt.launcher import main

if __name__ == "__main__":
    # The build carries no Wayland plugin (packaging/README.md): on a Wayland desktop the
    # app and its games use X11 through XWayland. Saying so up front spares Qt's warning
    # about the missing "wayland" plugin before it falls back to xcb.
    if os.environ.get("XDG_SESSION_TYPE") == "wayland":
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.exit(main())
