"""The game SDK's former name, kept for game packages published before it moved.

Games now import ``gamehub_sdk`` (a stdlib-only package of its own); versions of the
sample games stored on older hubs still say ``from hub_core import sdk``.
"""

from gamehub_sdk import *  # noqa: F403
from gamehub_sdk import __all__  # noqa: F401  (the same public names)
