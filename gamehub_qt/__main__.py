"""`python -m gamehub_qt` is the `gamehub` executable: the app, or a command if one is given."""

import sys

from gamehub_qt.launcher import main

sys.exit(main())
