"""The frozen app's entry point: the same as the ``gamehub`` console script.

With no command it opens the app; ``GameHub run-script PATH`` runs a game's script
(hub_core.run_script), since a frozen build has no other Python to run it with.
"""

import sys

from gamehub_qt.launcher import main

if __name__ == "__main__":
    sys.exit(main())
