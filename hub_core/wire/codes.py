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
    NO_SUCH_ROOM = "no_such_room"  # unknown or closed room
    ROOM_FULL = "room_full"  # no seat left
    ROOM_BUSY = "room_busy"  # the room is not waiting (start proposed or game running)
    NOT_IN_ROOM = "not_in_room"  # the player is not a member of that room
    NOT_OWNER = "not_owner"  # only the owner may do this
    NOT_READY = "not_ready"  # not enough players, or someone is not ready
    NO_PROPOSAL = "no_proposal"  # accept/decline with no start proposed
    GAME_START_FAILED = "game_start_failed"  # the game server did not start
    NOT_PLAYED = "not_played"  # reviewing a game one has not played
    HANDOFF = "handoff"  # a hub handoff refused: not willing, not allowed, none running
    HANDING_OVER = "handing_over"  # the hub is moving to another host; try again shortly
