"""Helpers for Python games: the hub's environment, sockets, JSON lines, the end-of-game report.

Everything here is optional: the game contract (DESIGN.md §5) is plain environment
variables, plain TCP and one JSON line, and a game never needs this module. The sample
games use it to stay short. Standard library only; no Qt.

Client side::

    env = game_env()
    chan = Channel(connect())
    chan.send({"hello": env.player_username})

Server side, the whole loop (gather players, play, report, wait for the next match)::

    serve_matches(MyMatch, min_players=2, max_players=4)
"""

from __future__ import annotations

import contextlib
import os
import selectors  # socket imports it anyway
import socket
import sys
import time

# Start-up time: every game's server and client imports this module before it can listen
# or connect, and the hub's create_room answers once the server listens. Importing
# dataclasses (it loads inspect), typing and traceback (dis, ast, tokenize, linecache) cost
# about 25 of the 45 ms `python -X importtime -c "import gamehub_sdk"` showed, so the
# public types below are small hand-written classes, typing is read by type checkers only,
# and json, queue, threading and traceback are imported where they are first used: a
# server then listens before it pays for them. Measured side by side (Python 3.11): 45 ms
# before, 15 ms after. tests/sample_games/test_sdk_startup.py checks that importing this
# module loads none of them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any, NoReturn
    from typing import Protocol as _MatchBase
else:
    _MatchBase = object  # Match is a typing.Protocol for type checkers, a plain base here

__all__ = [
    "MAX_LINE",
    "Channel",
    "ChannelError",
    "GameEnv",
    "GameEnvError",
    "Inbox",
    "Match",
    "Outgoing",
    "Seat",
    "connect",
    "game_env",
    "listen",
    "play_match",
    "report_finished",
    "serve_matches",
    "wait_for_players",
]

MAX_LINE = 1024 * 1024
"""The longest JSON line a Channel accepts (1 MiB, newline included)."""

_WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1", "*": "127.0.0.1"}


class GameEnvError(RuntimeError):
    """The environment the hub sets is missing or wrong; the message says which variable."""


class ChannelError(ConnectionError):
    """The peer broke the JSON-lines protocol (a line too long or not JSON)."""


class GameEnv:
    """What the hub (server) or the app (client) told the game through the environment.

    Immutable, compared and hashed by value, like the frozen dataclass it replaces
    (hand-written for start-up time: see the note at the imports).
    """

    __match_args__ = (
        "host",
        "port",
        "room_id",
        "game_name",
        "game_version",
        "players",
        "player_name",
        "player_username",
        "lobby_host",
        "lobby_port",
    )
    __slots__ = __match_args__  # the fields, in the order __init__ takes them

    host: str
    port: int
    room_id: str
    game_name: str
    game_version: str
    players: tuple[str, ...]
    """GAME_PLAYERS at server start: only the room owner then; never a player count."""
    player_name: str
    player_username: str
    lobby_host: str
    """LOBBY_CONNECT_HOST, else LOBBY_HOST (a wildcard such as 0.0.0.0 means this machine)."""
    lobby_port: int | None

    def __init__(
        self,
        host: str,
        port: int,
        room_id: str = "",
        game_name: str = "",
        game_version: str = "",
        players: tuple[str, ...] = (),
        player_name: str = "",
        player_username: str = "",
        lobby_host: str = "",
        lobby_port: int | None = None,
    ) -> None:
        set_field = object.__setattr__  # our own __setattr__ refuses every change
        set_field(self, "host", host)
        set_field(self, "port", port)
        set_field(self, "room_id", room_id)
        set_field(self, "game_name", game_name)
        set_field(self, "game_version", game_version)
        set_field(self, "players", players)
        set_field(self, "player_name", player_name)
        set_field(self, "player_username", player_username)
        set_field(self, "lobby_host", lobby_host)
        set_field(self, "lobby_port", lobby_port)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GameEnv) and other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> tuple[type[GameEnv], tuple[Any, ...]]:
        """copy and pickle rebuild it through __init__ (__setattr__ refuses their way)."""
        return self.__class__, self._values()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__qualname__}({fields})"

    @property
    def connect_host(self) -> str:
        """The game server's host as a client dials it (a wildcard means this machine)."""
        return _WILDCARDS.get(self.host, self.host)


def game_env(environ: Mapping[str, str] | None = None) -> GameEnv:
    """Reads the contract's variables; GameEnvError names a missing or bad GAME_PORT."""
    env = os.environ if environ is None else environ
    raw_port = env.get("GAME_PORT", "").strip()
    if not raw_port:
        raise GameEnvError(
            "GAME_PORT is not set: start this game from GameHub, or set GAME_HOST and GAME_PORT."
        )
    port = _port(raw_port, "GAME_PORT")
    lobby_raw = env.get("LOBBY_PORT", "").strip()
    lobby_host = env.get("LOBBY_CONNECT_HOST", "").strip() or env.get("LOBBY_HOST", "").strip()
    username = env.get("PLAYER_USERNAME", "")
    return GameEnv(
        host=env.get("GAME_HOST", "").strip() or "127.0.0.1",
        port=port,
        room_id=env.get("ROOM_ID", ""),
        game_name=env.get("GAME_NAME", ""),
        game_version=env.get("GAME_VERSION", ""),
        players=tuple(p.strip() for p in env.get("GAME_PLAYERS", "").split(",") if p.strip()),
        player_name=env.get("PLAYER_NAME", "") or username,
        player_username=username or env.get("PLAYER_NAME", ""),
        lobby_host=_WILDCARDS.get(lobby_host, lobby_host) if lobby_host else "",
        lobby_port=_port(lobby_raw, "LOBBY_PORT") if lobby_raw else None,
    )


def _port(raw: str, name: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise GameEnvError(f"{name} must be a port number (got {raw!r}).") from None
    if not 0 < port < 65536:
        raise GameEnvError(f"{name} must be a port number from 1 to 65535 (got {port}).")
    return port


def listen(env: GameEnv | None = None, backlog: int = 16) -> socket.socket:
    """A server socket bound to GAME_HOST:GAME_PORT and listening (SO_REUSEADDR on POSIX)."""
    env = env or game_env()
    family = socket.AF_INET6 if ":" in env.host else socket.AF_INET
    try:
        return socket.create_server((env.host, env.port), family=family, backlog=backlog)
    except OSError as exc:
        raise OSError(
            exc.errno, f"Cannot listen on {env.host}:{env.port} ({exc.strerror or exc})."
        ) from exc


def connect(timeout: float = 10.0, env: GameEnv | None = None) -> socket.socket:
    """A connection to the game server, retried until ``timeout`` while it starts up."""
    env = env or game_env()
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        left = deadline - time.monotonic()
        try:
            sock = socket.create_connection((env.connect_host, env.port), timeout=max(left, 0.1))
        except OSError as exc:
            if time.monotonic() + delay >= deadline:
                raise ConnectionError(
                    f"Cannot reach the game server at {env.connect_host}:{env.port} "
                    f"({exc.strerror or exc})."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
            continue
        sock.settimeout(None)
        _tune(sock)
        return sock


def _tune(sock: socket.socket) -> None:
    """No Nagle delay (games send small lines); keepalive notices a vanished peer in minutes."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 10), ("TCP_KEEPCNT", 6)):
        if hasattr(socket, option):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)


class Channel:
    """JSON values over a socket, one per line (UTF-8, newline-terminated, at most 1 MiB).

    ``send`` may be called from several threads; ``recv`` from one thread at a time.
    ``recv`` keeps a partial line across a socket timeout, so it can simply be called again.
    """

    def __init__(self, sock: socket.socket) -> None:
        import threading

        self.sock = sock
        self._buffer = bytearray()
        self._send_lock = threading.Lock()
        self._eof = False

    def send(self, obj: Any) -> None:
        import json

        data = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        if len(data) > MAX_LINE:
            raise ValueError(f"A message of {len(data):,} bytes is over the 1 MiB line limit.")
        with self._send_lock:
            self.sock.sendall(data)

    def recv(self) -> Any:
        """The next JSON value, or None at end of stream; ChannelError on a bad line."""
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return _decode(line)
            if len(self._buffer) >= MAX_LINE:
                raise ChannelError("The peer sent a line longer than 1 MiB.")
            if self._eof:
                return None
            chunk = self.sock.recv(65536)
            if not chunk:
                self._eof = True
            self._buffer += chunk

    def close(self) -> None:
        """Shuts the socket down (waking a thread blocked in recv) and closes it."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _decode(line: bytes) -> Any:
    import json

    try:
        return json.loads(line)
    except (UnicodeDecodeError, ValueError):
        raise ChannelError("The peer sent a line that is not JSON.") from None


def report_finished(
    results: Mapping[str, Any] | None = None,
    kick_all: bool = False,
    timeout: float = 5.0,
    env: GameEnv | None = None,
) -> dict[str, Any]:
    """Tells the lobby the match is over; returns its reply, or {"ok": False, "error": ...}.

    ``results`` are recorded in the hub's match history as sent; a ``"winner"`` that names
    one of GAME_PLAYERS counts on the game's leaderboard, and ``"scores"`` are shown.

    Never raises: a missing or silent lobby is noted on stderr and the game goes on.
    A connection that is refused is retried until ``timeout``; once the line is sent it
    is never sent again, so the lobby never sees one match twice.
    """
    try:
        env = env or game_env()
    except GameEnvError as exc:
        return _not_reported(str(exc))
    if not env.lobby_host or env.lobby_port is None:
        return _not_reported("LOBBY_HOST and LOBBY_PORT are not set")
    report: dict[str, Any] = {"kind": "game_finished", "room_id": env.room_id, "kick_all": kick_all}
    if results is not None:
        report["results"] = dict(results)
    deadline = time.monotonic() + timeout
    try:
        sock = _dial(env.lobby_host, env.lobby_port, deadline)
        with sock:
            chan = Channel(sock)
            chan.send(report)
            reply = chan.recv()
    except (OSError, ValueError, TypeError) as exc:
        return _not_reported(str(exc) or type(exc).__name__)
    if not isinstance(reply, dict):
        return _not_reported(f"the lobby answered {reply!r}")
    return reply


def _dial(host: str, port: int, deadline: float) -> socket.socket:
    while True:
        try:
            sock = socket.create_connection(
                (host, port), timeout=max(deadline - time.monotonic(), 0.1)
            )
        except ConnectionRefusedError:
            if time.monotonic() + 0.2 >= deadline:
                raise
            time.sleep(0.2)
            continue
        sock.settimeout(max(deadline - time.monotonic(), 0.1))
        return sock


def _not_reported(reason: str) -> dict[str, Any]:
    print(f"Note: the end of the game was not reported to the lobby: {reason}.", file=sys.stderr)
    return {"ok": False, "error": reason}


# --- Servers: gather the players, play a match, report, and wait for the next one ---------


class Seat:
    """A player at the table: the name from their hello, and their channel.

    Compared by value (so unhashable) like the dataclass it replaces; hand-written for
    start-up time.
    """

    __match_args__ = ("name", "channel")
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value

    def __init__(self, name: str, channel: Channel) -> None:
        self.name = name
        self.channel = channel

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Seat) and other.__class__ is self.__class__:
            return (self.name, self.channel) == (other.name, other.channel)
        return NotImplemented

    def __repr__(self) -> str:
        return f"{self.__class__.__qualname__}(name={self.name!r}, channel={self.channel!r})"


class _Pending:
    """A client that has connected but not said hello yet."""

    __slots__ = ("channel", "since")

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.since = time.monotonic()


def wait_for_players(
    listener: socket.socket,
    min_players: int,
    max_players: int,
    settle: float = 2.0,
    hello_timeout: float = 30.0,
) -> list[Seat]:
    """Accepts clients until max_players said hello, or min_players did and ``settle`` passed.

    Each client's first line must be {"hello": NAME}. Connections that never say hello
    (a readiness probe, say) do not count and are dropped after ``hello_timeout``; a
    player who leaves before the start frees their seat. Seated players get a
    {"type": "waiting", ...} line each time the table changes.
    """
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    seats: list[Seat] = []
    last_join = time.monotonic()
    try:
        while len(seats) < max_players:
            enough = len(seats) >= min_players
            quiet = time.monotonic() - last_join
            events = sel.select(max(settle - quiet, 0) if enough else 1.0)
            for key, _ in events:
                if key.data is None:
                    _accept(listener, sel)
                elif _on_readable(sel, key.data, seats):
                    last_join = time.monotonic()
            if not events and enough and time.monotonic() - last_join >= settle:
                break  # a quiet moment with nothing half-arrived
            _drop_silent(sel, hello_timeout)
    finally:
        for key in list(sel.get_map().values()):
            if isinstance(key.data, _Pending):
                key.data.channel.close()
        sel.close()
    for seat in seats:
        seat.channel.sock.settimeout(None)
    return seats


def _accept(listener: socket.socket, sel: selectors.BaseSelector) -> None:
    try:
        conn, _ = listener.accept()
    except OSError:
        time.sleep(0.05)  # out of descriptors, or the client gave up: try again later
        return
    conn.settimeout(0.5)
    _tune(conn)
    sel.register(conn, selectors.EVENT_READ, _Pending(Channel(conn)))


def _on_readable(sel: selectors.BaseSelector, data: _Pending | Seat, seats: list[Seat]) -> bool:
    """Reads one line from a pending client or a seated player; True when someone sat down."""
    sock = data.channel.sock
    try:
        msg = data.channel.recv()
    except TimeoutError:
        return False  # half a line so far; the rest comes later
    except OSError:
        msg = None
    if isinstance(data, Seat):
        if msg is None:
            sel.unregister(sock)
            data.channel.close()
            seats.remove(data)
            _tell_table(seats)
        return False  # anything else a seated player sends before the start is ignored
    name = msg.get("hello") if isinstance(msg, dict) else None
    if not isinstance(name, str) or not name.strip():
        if msg is not None:
            _try_send(data.channel, {"type": "error", "text": 'Say {"hello": NAME} first.'})
        sel.unregister(sock)
        data.channel.close()
        return False
    seat = Seat(_unique(name.strip()[:40], seats), data.channel)
    seats.append(seat)
    sel.modify(sock, selectors.EVENT_READ, seat)
    _tell_table(seats)
    return True


def _unique(name: str, seats: list[Seat]) -> str:
    taken = {seat.name for seat in seats}
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def _tell_table(seats: list[Seat]) -> None:
    names = [seat.name for seat in seats]
    here = ", ".join(names)
    for seat in seats:
        text = f"You are connected as {seat.name}. Players here: {here}. Waiting for the match."
        _try_send(seat.channel, {"type": "waiting", "players": names, "text": text})


def _drop_silent(sel: selectors.BaseSelector, hello_timeout: float) -> None:
    now = time.monotonic()
    for key in list(sel.get_map().values()):
        if isinstance(key.data, _Pending) and now - key.data.since > hello_timeout:
            sel.unregister(key.fileobj)
            key.data.channel.close()


def _try_send(channel: Channel, obj: Any) -> bool:
    try:
        channel.send(obj)
    except OSError:
        return False
    return True


class Inbox:
    """Every seat's messages in arrival order: (seat index, message), message None = left.

    One reader thread per seat; ``close`` waits briefly for clients to hang up, then closes.
    """

    def __init__(self, seats: list[Seat]) -> None:
        import queue
        import threading

        self.seats = seats
        self._queue: queue.Queue[tuple[int, Any]] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._read, args=(i,), daemon=True) for i in range(len(seats))
        ]
        for thread in self._threads:
            thread.start()

    def _read(self, index: int) -> None:
        chan = self.seats[index].channel
        while True:
            try:
                msg = chan.recv()
            except (OSError, ValueError):
                msg = None
            self._queue.put((index, msg))
            if msg is None:
                return

    def get(self, timeout: float | None = None) -> tuple[int, Any] | None:
        """The next (seat, message); None if nothing came within ``timeout`` seconds."""
        import queue

        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self, linger: float = 2.0) -> None:
        """Ends our side, lets clients read what was sent and hang up, then closes."""
        for seat in self.seats:
            with contextlib.suppress(OSError):
                seat.channel.sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + linger
        for thread in self._threads:
            thread.join(max(deadline - time.monotonic(), 0))
        for seat in self.seats:
            seat.channel.close()


if TYPE_CHECKING:
    Outgoing = list[tuple[int | None, Any]]
else:
    Outgoing = list[tuple[int | None, object]]  # the same list at run time, without typing
"""Messages a match sends: (seat index, message), or (None, message) for every seat."""


class Match(_MatchBase):
    """One match's rules on the server, with no sockets: messages in, messages out.

    A typing.Protocol for type checkers (any class with these members fits); at run time
    a plain class a match may also inherit from.
    """

    @property
    def finished(self) -> bool: ...

    def start(self) -> Outgoing: ...

    def on_message(self, seat: int, message: Any) -> Outgoing: ...

    def on_leave(self, seat: int) -> Outgoing: ...

    def results(self) -> dict[str, Any]:
        """{"winner": NAME or None, "scores": {NAME: number}}, reported to the lobby."""
        ...


def play_match(seats: list[Seat], match: Match) -> dict[str, Any]:
    """Runs one match to its end over the seats' channels and returns its results."""
    inbox = Inbox(seats)
    gone: set[int] = set()

    def deliver(outgoing: Outgoing) -> None:
        for target, msg in outgoing:
            for index in range(len(seats)) if target is None else [target]:
                if index not in gone and not _try_send(seats[index].channel, msg):
                    seats[index].channel.close()  # its reader reports the leave

    try:
        deliver(match.start())
        while not match.finished:
            event = inbox.get()
            if event is None:
                continue
            index, msg = event
            if index in gone:
                continue
            if msg is None:
                gone.add(index)
                deliver(match.on_leave(index))
            else:
                deliver(match.on_message(index, msg))
    finally:
        inbox.close()
    return match.results()


def serve_matches(
    new_match: Callable[[list[str]], Match],
    *,
    min_players: int,
    max_players: int,
    settle: float = 2.0,
    env: GameEnv | None = None,
) -> NoReturn:
    """The whole server: listen, then forever gather players, play, report to the lobby.

    A match that fails with an exception (a bug in the game) is logged on stderr and
    reported without a winner; the server goes on to the next match.
    """
    env = env or game_env()
    listener = listen(env)
    title = env.game_name or "Game"
    _say(f"{title} server for room {env.room_id} is listening on {env.host}:{env.port}.")
    while True:
        seats = wait_for_players(listener, min_players, max_players, settle)
        names = [seat.name for seat in seats]
        _say(f"A match starts with {', '.join(names)}.")
        try:
            results = play_match(seats, new_match(names))
        except Exception:
            import traceback

            traceback.print_exc()
            for seat in seats:
                seat.channel.close()
            results = {"winner": None, "scores": {}}
        import json

        _say(f"The match is over: {json.dumps(results)}.")
        report_finished(results, env=env)


def _say(text: str) -> None:
    print(text, flush=True)
