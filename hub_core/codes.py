"""Stable error codes returned with every refused request (``ErrorInfo.code``)."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """One value per kind of refusal; clients may branch on these, people read the message."""

    BAD_REQUEST = "bad_request"  # not msgpack, wrong types, missing fields, extra frames
    UNKNOWN_KIND = "unknown_kind"  # no handler for this request kind
    PROTOCOL_VERSION = "protocol_version"  # client and hub speak different versions
    TOO_LARGE = "too_large"  # frame over the size limit
    NOT_LOGGED_IN = "not_logged_in"  # no token, unknown or expired token
    WRONG_ROLE = "wrong_role"  # token of the other role
    SESSION_REPLACED = "session_replaced"  # a newer login for the same user ended this one
    NAME_INVALID = "name_invalid"  # user name breaks the name rules
    PASSWORD_INVALID = "password_invalid"  # password too short or too long
    NAME_TAKEN = "name_taken"  # account already exists
    BAD_CREDENTIALS = "bad_credentials"  # wrong user or password
    THROTTLED = "throttled"  # too many failed logins; wait
    BUSY = "busy"  # hub is overloaded or shutting down
    INTERNAL = "internal"  # a bug on the hub; it was logged there
    PACKAGE_INVALID = "package_invalid"  # manifest, paths, limits or version problems
    NOT_AUTHOR = "not_author"  # the game belongs to another developer
    NO_SUCH_GAME = "no_such_game"  # unknown game name
    GAME_REMOVED = "game_removed"  # the game was removed from the store
    TRANSFER = "transfer"  # a chunk out of order, unknown transfer, hash mismatch
