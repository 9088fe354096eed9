"""Hub addresses as people type them: 'host:port', '[::1]:port'."""

from __future__ import annotations

from dataclasses import dataclass

from hub_core.errors import BadEndpoint


@dataclass(frozen=True)
class HubAddress:
    """Where a hub's request socket listens."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def tcp(self, port: int | None = None) -> str:
        """The ZeroMQ address of this host at ``port`` (the request port by default)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{port or self.port}"


def parse_endpoint(text: str) -> HubAddress:
    """'host:port' → HubAddress; raises BadEndpoint with a sentence naming the problem."""
    text = text.strip()
    if text.startswith("["):
        host, sep, port_text = text[1:].partition("]:")
    else:
        host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise BadEndpoint(
            f"{text!r} is not a hub address; write it as host:port, e.g. 192.168.1.20:47800."
        )
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65533:
        raise BadEndpoint(
            f"{port_text!r} is not a valid port in {text!r}; use a number from 1 to 65533."
        )
    return HubAddress(host=host, port=int(port_text))
