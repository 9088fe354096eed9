"""Says why, then exits 3 at once without listening."""

import sys

print("boom")
sys.exit(3)
