"""The Rock Paper Scissors terminal client: server lines in, typed moves out.

Works with a real terminal and with pipes (GameHub's console tab): every prompt is a
whole line, flushed at once, and input is read line by line. Lines typed before a
round is asked for are kept and used in order.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from typing import IO, Any, Protocol

from rps_rules import ask_text, parse_move


class Link(Protocol):
    def send(self, obj: Any) -> None: ...

    def recv(self) -> Any: ...


def run(link: Link, stdin: IO[str], stdout: IO[str]) -> int:
    """Plays one match; returns the exit code (0 when the match ended or the player left)."""
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    threading.Thread(target=_read_server, args=(link, events), daemon=True).start()
    threading.Thread(target=_read_lines, args=(stdin, events), daemon=True).start()

    def show(text: str) -> None:
        print(text, file=stdout, flush=True)

    show("Connected. Waiting for the match to start.")
    typed: deque[str | None] = deque()
    asked = 0
    while True:
        kind, value = events.get()
        if kind == "line":
            typed.append(value)
        elif value is None:
            show("The connection to the game server was lost.")
            return 1
        elif isinstance(value, dict):
            show(str(value.get("text", "")))
            if value.get("type") == "end":
                return 0
            if value.get("type") == "ask":
                asked = int(value.get("round", 0)) or 1
        while asked and typed:
            line = typed.popleft()
            if line is None:
                show("No more input: you leave the match.")
                return 0
            move = parse_move(line)
            if move is None:
                show(f"{line.strip()!r} is not a move. {ask_text(asked)}")
                continue
            link.send({"type": "move", "move": move})
            asked = 0


def _read_server(link: Link, events: queue.Queue[tuple[str, Any]]) -> None:
    while True:
        try:
            msg = link.recv()
        except OSError:
            msg = None
        events.put(("net", msg))
        if msg is None:
            return


def _read_lines(stdin: IO[str], events: queue.Queue[tuple[str, Any]]) -> None:
    for line in stdin:
        events.put(("line", line))
    events.put(("line", None))
