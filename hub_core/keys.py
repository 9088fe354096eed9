"""CURVE keys: the hub's long-term pair, fingerprints people can compare, and client pins.

Clients trust a hub's key the first time they meet it (trust on first use) and refuse a
different key later unless told to re-trust: the same model as SSH's known_hosts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import zmq

from hub_core.errors import GameHubError, HubKeyChanged

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
    """Atomically writes a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    """Pinned hub keys, by hub name, in a small JSON file of the client's data folder."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("Ignoring unreadable pin file %s: %s", self.path, exc)
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def pinned(self, hub: str) -> str | None:
        return self._load().get(hub)

    def check(self, hub: str, key: str, *, retrust: bool = False) -> bool:
        """Pins ``key`` for ``hub`` if new; raises HubKeyChanged if another key is pinned.

        Returns True when the key was pinned just now (first use or re-trust).
        """
        pins = self._load()
        old = pins.get(hub)
        if old == key:
            return False
        if old is not None and not retrust:
            raise HubKeyChanged(hub, fingerprint(old), fingerprint(key))
        pins[hub] = key
        write_private_file(self.path, json.dumps(pins, indent=1, sort_keys=True))
        return True
