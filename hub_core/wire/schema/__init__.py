"""Every message's shape, shared by hub, client, CLI and app: requests, replies and events.

A request is a Struct whose class names its ``kind`` and, through ``Request[Reply]``, the
type of its reply: the hub's route table registers the Struct, and ``HubClient.call`` sends
one and decodes the reply into that type. Field names are the wire's map keys, unchanged
since protocol version 1, so frames of older clients still decode.
"""

from hub_core.wire.schema import _base, _events, _handoff, _replies, _requests
from hub_core.wire.schema._base import *  # noqa: F403
from hub_core.wire.schema._events import *  # noqa: F403
from hub_core.wire.schema._handoff import *  # noqa: F403
from hub_core.wire.schema._replies import *  # noqa: F403
from hub_core.wire.schema._requests import *  # noqa: F403

__all__: list[str] = []
__all__ += _base.__all__
__all__ += _replies.__all__
__all__ += _requests.__all__
__all__ += _events.__all__
__all__ += _handoff.__all__
