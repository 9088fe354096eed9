"""CURVE keys: the hub's long-term pair, fingerprints people can compare, and client pins.

Clients trust a hub's key the first time they meet it (trust on first use) and refuse a
different key later unless told to re-trust: the same model as SSH's known_hosts.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import zmq

from hub_core.errors import GameHubError, HubHandedOver, HubKeyChanged
from hub_core.util.fsync import write_atomic

log = logging.getLogger(__name__)

KEY_FILE = "hub_key.json"


@dataclass(frozen=True)
class KeyPair:
    """z85-encoded CURVE keys as bytes, the form pyzmq's socket options take."""

    public: bytes
    secret: bytes

    @classmethod
    def generate(cls) -> KeyPair:
        public, secret = zmq.curve_keypair()
        return cls(public=public, secret=secret)


def fingerprint(public_key: str | bytes) -> str:
    """A short, comparable form of a public key: 'ab12 cd34 ef56 7890'."""
    raw = public_key.encode() if isinstance(public_key, str) else public_key
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def write_private_file(path: Path, text: str) -> None:
    """Atomically writes a file only its owner can read, making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"), private=True)


def load_or_create_hub_keys(folder: Path) -> KeyPair:
    """The hub's long-term key pair, created on first start and kept in its data folder."""
    path = folder / KEY_FILE
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            pair = KeyPair(public=data["public"].encode(), secret=data["secret"].encode())
        except (OSError, ValueError, KeyError, AttributeError) as exc:
            raise GameHubError(f"The hub key file {path} is unreadable ({exc}).") from exc
        if zmq.curve_public(pair.secret) != pair.public:
            raise GameHubError(f"The hub key file {path} is damaged: its keys do not match.")
        return pair
    pair = KeyPair.generate()
    text = json.dumps({"public": pair.public.decode(), "secret": pair.secret.decode()})
    write_private_file(path, text)
    log.info("Created a new hub key pair in %s", path)
    return pair


class KnownHubs:
    """Pinned hub keys, by hub name and by address, in small JSON files of the client's data.

    A key is checked against both pins: another hub answering at a trusted address, or a
    trusted hub's name showing up with another key anywhere, is flagged. ``path`` keeps its
    first format (hub name → key), so older versions still read it; address pins sit beside
    it in ``<stem>_addresses.json`` (host:port → {"key", "name"}).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.address_path = path.with_name(f"{path.stem}_addresses{path.suffix}")

    def _read(self, path: Path) -> dict[str, object]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("Ignoring unreadable pin file %s: %s", path, exc)
            return {}
        return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}

    def _load(self) -> dict[str, str]:
        return {k: str(v) for k, v in self._read(self.path).items()}

    def _load_addresses(self) -> dict[str, dict[str, str]]:
        pins = {}
        for address, pin in self._read(self.address_path).items():
            if isinstance(pin, dict) and isinstance(pin.get("key"), str):
                pins[address] = {"key": pin["key"], "name": str(pin.get("name", ""))}
        return pins

    @property
    def generation_path(self) -> Path:
        return self.path.with_name(f"{self.path.stem}_generations{self.path.suffix}")

    def check_generation(self, hub: str, key: str, generation: int, address: str = "") -> None:
        """Remembers the newest generation seen of ``key``; raises HubHandedOver for an older
        one: a copy of a hub that was handed to another host and is running again."""
        seen = self._read(self.generation_path)
        newest = seen.get(key, 0)
        newest = newest if isinstance(newest, int) else 0
        if generation < newest:
            raise HubHandedOver(hub, address, generation, newest)
        if generation > newest:
            seen[key] = generation
            write_private_file(self.generation_path, json.dumps(seen, indent=1, sort_keys=True))

    def pinned(self, hub: str) -> str | None:
        """The key pinned for the hub called ``hub``."""
        return self._load().get(hub)

    def pinned_at(self, address: str) -> tuple[str, str] | None:
        """(key, hub name) pinned for ``address`` (host:port)."""
        pin = self._load_addresses().get(address)
        return (pin["key"], pin["name"]) if pin else None

    def check(self, hub: str, key: str, *, address: str = "", retrust: bool = False) -> bool:
        """Pins ``key`` for ``hub`` and ``address`` if new; raises HubKeyChanged if either
        has another key pinned (unless ``retrust``).

        Returns True when a key was pinned just now (first use or re-trust).
        """
        names, addresses = self._load(), self._load_addresses()
        at = addresses.get(address) if address else None
        if not retrust:
            _refuse_changed(hub, key, address, names.get(hub), at)
        pinned = False
        if names.get(hub) != key:
            names[hub] = key
            write_private_file(self.path, json.dumps(names, indent=1, sort_keys=True))
            pinned = True
        if address and at != {"key": key, "name": hub}:
            pinned = pinned or at is None or at["key"] != key
            addresses[address] = {"key": key, "name": hub}
            text = json.dumps(addresses, indent=1, sort_keys=True)
            write_private_file(self.address_path, text)
        return pinned


def _refuse_changed(
    hub: str, key: str, address: str, by_name: str | None, at: dict[str, str] | None
) -> None:
    """Raises HubKeyChanged with both fingerprints if a pin disagrees with ``key``."""
    if at is not None and at["key"] != key:
        raise HubKeyChanged(
            hub,
            fingerprint(at["key"]),
            fingerprint(key),
            address=address,
            pinned_hub=at["name"],
            by="address",
        )
    if by_name is not None and by_name != key:
        raise HubKeyChanged(hub, fingerprint(by_name), fingerprint(key), address=address)
