"""`python -m hub_core` runs the `gamehub` commands (the app opens through gamehub_qt.launcher)."""

import sys

from hub_core.cli import main

sys.exit(main())
