"""`python -m hub_core` is the `gamehub` command."""

import sys

from hub_core.cli import main

sys.exit(main())
