"""A raw CURVE DEALER for sending hand-made frames to a hub, bypassing the client library."""

from __future__ import annotations

import zmq

from hub_core.server.thread import HubThread
from hub_core.wire import protocol


class RawDealer:
    """Blocking, with timeouts; good enough for tests that throw bad frames."""

    def __init__(self, hub: HubThread, *, rcvhwm: int = 1000) -> None:
        endpoints = hub.hub.endpoints
        assert endpoints is not None
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.DEALER)
        public, secret = zmq.curve_keypair()
        self.sock.curve_serverkey = endpoints.public_key.encode()
        self.sock.curve_publickey = public
        self.sock.curve_secretkey = secret
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.RCVHWM, rcvhwm)
        self.sock.setsockopt(zmq.RCVTIMEO, 5000)
        self.sock.setsockopt(zmq.SNDTIMEO, 5000)
        self.sock.connect(f"tcp://127.0.0.1:{endpoints.ports.req}")

    def send(self, *frames: bytes) -> None:
        self.sock.send_multipart(list(frames))

    def reply(self) -> protocol.Reply:
        return protocol.decode_reply(self.sock.recv())

    def ask(self, *frames: bytes) -> protocol.Reply:
        self.send(*frames)
        return self.reply()

    def close(self) -> None:
        self.sock.close(linger=0)
        self.ctx.term()
