"""The hub: accounts, storage, sockets and discovery put together, and its life cycle.

``Hub`` runs on whatever asyncio loop starts it; ``run_hub`` serves it until a stop
signal (``gamehub host``); ``HubThread`` runs it on its own thread and loop, which is how
the desktop app hosts one, so a busy window never slows the hub and vice versa.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from hub_core.errors import GameHubError
from hub_core.gameprocs import (
    ProcessLimits,
    Protections,
    WarmSpare,
    kill_orphans,
    protections,
)
from hub_core.packages import Limits
from hub_core.server.accounts import Accounts
from hub_core.server.api import accounts as _api_accounts
from hub_core.server.api import handoff as _api_handoff
from hub_core.server.api import packages as _api_packages
from hub_core.server.api import rooms as _api_rooms
from hub_core.server.handoff import files as handoff_files
from hub_core.server.handoff.files import CONTROL_FILE, MARKER_FILE
from hub_core.server.handoff.sender import IDLE_TIMEOUT, Handoff, HandoffState
from hub_core.server.lobby import moving
from hub_core.server.lobby.callback import LobbyCallback
from hub_core.server.lobby.history import DEFAULT_KEPT, History
from hub_core.server.lobby.lobby import Lobby, LobbyConfig
from hub_core.server.passwords import DEFAULT_COST, HashCost
from hub_core.server.routes import Routes
from hub_core.server.sessions import Session, Sessions
from hub_core.server.store.blockio import BlockIO
from hub_core.server.store.blocks import BlockStore
from hub_core.server.store.catalog import Catalog
from hub_core.server.store.samples import publish_samples, rename_old_samples
from hub_core.server.store.sweep import SWEEP_INTERVAL, sweep_forever
from hub_core.server.store.unpacked import Unpacked
from hub_core.server.store.uploads import Uploads
from hub_core.server.transport import Ports, WireServer
from hub_core.storage import Repository, open_repository
from hub_core.util.malloc import tune_for_blocks
from hub_core.util.paths import AppPaths, app_paths
from hub_core.wire import protocol
from hub_core.wire.keys import KeyPair, fingerprint, load_or_create_hub_keys
from hub_core.wire.protocol import HUB_TOPIC
from hub_core.wire.schema import EventKind, HubStopping, MovedState

log = logging.getLogger(__name__)

DEFAULT_PORT = 47800


def default_hub_name() -> str:
    """The name a hub gets when none is chosen (the Settings dialog shows it too)."""
    return f"GameHub on {socket.gethostname()}"


def default_host_label() -> str:
    """Who hosts, as shown next to a hub's name: 'alice@classroom-pc'."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        user = "someone"
    return f"{user}@{socket.gethostname()}"


@dataclass
class HubConfig:
    """How to run a hub; ``port`` 0 picks free ports."""

    name: str = ""
    data_dir: Path | None = None
    bind: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    discovery: bool = True
    hash_cost: HashCost = field(default_factory=lambda: DEFAULT_COST)
    limits: Limits = field(default_factory=Limits)
    process_limits: ProcessLimits = field(default_factory=ProcessLimits)
    ready_timeout: float = 10.0
    samples: bool = True  # publish the sample games on a hub whose store is empty
    matches_kept: int = DEFAULT_KEPT  # match history: the newest this many per game
    restore: MovedState | None = None  # a handed-over hub's sessions and rooms, to take on
    ignore_handoff_marker: bool = False  # run a copy that was handed away (clients will refuse)
    handoff_idle: float = IDLE_TIMEOUT  # a receiver silent this long fails the handoff
    sweep_every: float = SWEEP_INTERVAL  # seconds between sweeps of unused blocks (sweep.py)

    def paths(self) -> AppPaths:
        return app_paths(self.data_dir)


@dataclass(frozen=True)
class HubEndpoints:
    """What a running hub tells the person who started it."""

    name: str
    host: str
    bind: str
    ports: Ports
    public_key: str
    data_dir: Path
    protections: str = ""  # which protections game servers get here, in one sentence

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def endpoint(self, address: str | None = None) -> str:
        """host:port for commands (the request socket)."""
        return f"{address or self.bind}:{self.ports.req}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "host": self.host,
            "bind": self.bind,
            "req_port": self.ports.req,
            "hello_port": self.ports.hello,
            "pub_port": self.ports.pub,
            "key": self.public_key,
            "fingerprint": self.fingerprint,
            "data": str(self.data_dir),
            "protections": self.protections,
        }


class Hub:
    """One hub; ``start`` and ``stop`` run on the hub's own loop."""

    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self.paths = config.paths()
        self.name = config.name or default_hub_name()
        self.host = default_host_label()
        self.endpoints: HubEndpoints | None = None
        self._announcer: Any = None
        self._background: set[asyncio.Task[None]] = set()
        self._public_key = ""
        self.generation = 0  # times this hub was handed over (identity.json)
        self.moved = asyncio.Event()  # set once handed over: the hub should stop
        self.sweep_lock = asyncio.Lock()  # held by a sweep, and by a handoff listing files

    @property
    def public_key(self) -> str:
        return self._public_key

    async def start(self) -> HubEndpoints:
        self.paths.ensure()
        tune_for_blocks()
        await asyncio.to_thread(self._refuse_handed_over)
        self.generation = await asyncio.to_thread(handoff_files.read_generation, self.paths.hub)
        keys = await asyncio.to_thread(load_or_create_hub_keys, self.paths.hub)
        self._public_key = keys.public.decode()
        self.repo: Repository = await asyncio.to_thread(open_repository, self.paths.hub / "db")
        try:
            ports = await self._serve(keys)
        except BaseException:
            await asyncio.to_thread(self.repo.close)
            raise
        self.endpoints = HubEndpoints(
            name=self.name,
            host=self.host,
            bind=self.config.bind,
            ports=ports,
            public_key=self._public_key,
            data_dir=self.paths.data,
            protections=self._protections.describe(),
        )
        if self.config.restore is not None:
            await self._take_over(self.config.restore)
        control = {"token": self.handoff.control, "port": ports.req, "bind": self.config.bind}
        # Not synced: it is rewritten at every start, and an fsync here waited behind a
        # received hub's final flush (0.22 s).
        await asyncio.to_thread(
            handoff_files.write_json,
            self.paths.hub / CONTROL_FILE,
            control,
            private=True,
            durable=False,
        )
        if self.config.discovery:
            await self._announce()
        log.info("Hub %r listening on %s:%d", self.name, self.config.bind, ports.req)
        return self.endpoints

    def _refuse_handed_over(self) -> None:
        """A copy that was handed away must not serve again by accident (a split store)."""
        marker = self.paths.hub / MARKER_FILE
        info = handoff_files.read_json(marker)
        if info is None or self.config.ignore_handoff_marker:
            return
        where = f"{info.get('address', '?')}:{info.get('req_port', '?')}"
        raise GameHubError(
            f"This hub was handed over to {info.get('to', 'another host')} ({where}); the data "
            f"here is the kept old copy. Connect to the new host instead, or delete {marker} "
            "(or pass --ignore-handoff-marker) to run this copy anyway; clients that followed "
            "the hub will refuse it."
        )

    async def _take_over(self, state: MovedState) -> None:
        """Adopts the sessions and re-opens the rooms of the hub handed over to this one."""
        for moved in state.sessions:
            self.sessions.adopt(Session(**msgspec.structs.asdict(moved), created=0.0))
        opened = moving.restore_rooms(self.lobby, state.rooms)
        log.info("Took over %d sessions and %d rooms", len(state.sessions), opened)

    async def _serve(self, keys: KeyPair) -> Ports:
        """Builds the services, routes their requests, and opens the sockets."""
        self.sessions = Sessions()
        routes = Routes()
        self.wire = WireServer(
            keys=keys,
            routes=routes,
            sessions=self.sessions,
            hello=self._hello,
            bind=self.config.bind,
            port=self.config.port,
        )
        self.accounts = accounts = Accounts(
            repo=self.repo,
            sessions=self.sessions,
            publish=self.wire.publish,
            cost=self.config.hash_cost,
            on_logout=self._on_logout,
        )
        blocks = await asyncio.to_thread(BlockStore, self.paths.hub / "blocks")
        catalog = Catalog(self.repo)
        self.block_io = BlockIO(self.wire.queued_bytes)
        self.uploads = uploads = Uploads(blocks, catalog, self.config.limits, self.block_io)
        unpacked_root = self.paths.hub / "unpacked"
        await rename_old_samples(catalog, unpacked_root)
        # Reading every record takes a while on a big history (15-50 ms per 1000 matches here):
        # off the loop, at start, before anything else writes to the repository.
        history = await asyncio.to_thread(History, self.repo, self.config.matches_kept)
        await history.prune_all()
        self.spare = WarmSpare()  # started after the first room (gameprocs._spare)
        self.lobby = Lobby(
            config=LobbyConfig(
                bind_host=self.config.bind,
                state_dir=self.paths.hub / "servers",
                log_dir=self.paths.logs / "rooms",
                limits=self.config.process_limits,
                ready_timeout=self.config.ready_timeout,
                package_limits=self.config.limits,
                spare=self.spare,
            ),
            catalog=catalog,
            accounts=accounts,
            unpacked=Unpacked(unpacked_root, blocks),
            publish=self.wire.publish,
            topic_seq=self.wire.topic_seq,
            history=history,
            incarnation=self.wire.incarnation,
        )
        _api_accounts.add_routes(routes, accounts)
        _api_packages.add_routes(routes, catalog, uploads, blocks, self.wire.publish, self.block_io)
        _api_rooms.add_routes(routes, self.lobby, catalog, accounts, self.wire.publish)
        _api_rooms.add_history_route(routes, history)
        self.handoff = Handoff(self, idle_timeout=self.config.handoff_idle)
        self.wire.gate = self.handoff.gate
        _api_handoff.add_routes(routes, self.handoff)
        if self.config.samples:
            await publish_samples(catalog, blocks)
        self._protections: Protections = await asyncio.to_thread(protections)
        log.info("%s", self._protections.describe())
        killed = await asyncio.to_thread(kill_orphans, self.paths.hub / "servers")
        if killed:
            log.warning("Stopped %d game server(s) left over from a crash", killed)
        await asyncio.to_thread(self.lobby.prune_logs)
        self.callback = LobbyCallback(self.lobby.on_finished, host="127.0.0.1")
        self.lobby.lobby_port = await self.callback.start()
        ports = self.wire.start()
        self._reaper = asyncio.ensure_future(self.lobby.reap())
        self._sweeper = asyncio.ensure_future(
            sweep_forever(
                self.uploads.sweep, self._may_sweep, self.config.sweep_every, self.sweep_lock
            )
        )
        return ports

    def _may_sweep(self) -> bool:
        return self.handoff.state in (HandoffState.IDLE, HandoffState.FAILED)

    def _on_logout(self, session: Session) -> None:
        if session.role == "player":
            task = asyncio.ensure_future(self.lobby.player_gone(session.key))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def stop(self) -> None:
        """Closes rooms, tells members, unannounces, closes sockets, flushes storage.

        Safe to call twice.
        """
        if self.endpoints is None:
            return
        self.endpoints = None
        self._reaper.cancel()
        self._sweeper.cancel()
        moved = self.moved.is_set()  # handed over: rooms and sessions live on elsewhere
        await self.lobby.stop(quiet=moved)
        await self.spare.close()
        await self.callback.stop()
        if not moved:
            self.wire.publish(HUB_TOPIC, EventKind.HUB_STOPPING, HubStopping(name=self.name))
        (self.paths.hub / CONTROL_FILE).unlink(missing_ok=True)
        if self._announcer is not None:
            await self._announcer.stop()
        self.sessions.close_all()
        await asyncio.sleep(0.2)  # let the last events leave before the PUB socket closes
        await self.wire.stop()
        self.block_io.close()
        self.uploads.close()
        await asyncio.to_thread(self.repo.close)
        log.info("Hub %r stopped", self.name)

    def _hello(self, ports: Ports) -> protocol.Hello:
        return protocol.Hello(
            protocol=protocol.PROTOCOL_VERSION,
            name=self.name,
            host=self.host,
            key=self._public_key,
            req_port=ports.req,
            pub_port=ports.pub,
            online=len(self.sessions.online("player")),
            incarnation=self.wire.incarnation,
            generation=self.generation,
        )

    async def _announce(self) -> None:
        from hub_core import discovery

        assert self.endpoints is not None
        address = self.config.bind
        if address in ("0.0.0.0", "*", ""):
            address = (discovery.local_addresses() or ["127.0.0.1"])[0]
        ann = discovery.HubAnnouncement(
            name=self.name,
            host=self.host,
            address=address,
            req_port=self.endpoints.ports.req,
            pub_port=self.endpoints.ports.pub,
            key=self.endpoints.public_key,
            protocol=protocol.PROTOCOL_VERSION,
        )
        self._announcer = discovery.Announcer(ann)
        await self._announcer.start()
