"""A generic emulated miIO device on the caller's event loop.

One UDP endpoint per device on (127.x.y.z, 54321): python-miio always
handshakes on port 54321, so devices are told apart by loopback address.
Everything runs on the caller's loop (no threads) because the Home Assistant
test harness fails tests that leave threads or timers behind.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
import logging
import random
from typing import Any, Self

from .faults import Faults
from .net import MIIO_PORT, require_loopback
from .protocol import (
    ChecksumMismatch,
    PacketError,
    build_hello_reply,
    build_reply,
    decode_request,
    parse_header,
    parse_token,
)
from .stats import AppliedCommand, Stats
from .timers import TimerSet

_LOGGER = logging.getLogger(__name__)

# Real firmware forgets ids after a while; 64 is enough to catch the retries
# python-miio makes (it bumps the id by 100 per retry, so those are never equal).
ID_MEMORY = 64

# JSON-RPC style codes real miIO firmware uses for whole-request errors.
ERROR_METHOD_NOT_FOUND = -32601
ERROR_INVALID_PARAMS = -32602
ERROR_INTERNAL = -32603

PROPERTY_METHODS = frozenset({"get_properties", "set_properties"})

Handler = Callable[[Any], Any]

# MIoT per-item code: accepted, the device completes it asynchronously.
CODE_ACCEPTED_LATER = 1


class MiioError(Exception):
    """Raised by a handler to answer with ``{"error": {...}}``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class MiioDevice(asyncio.DatagramProtocol):
    """Device-side miIO endpoint with method dispatch, faults and stats."""

    def __init__(
        self,
        host: str,
        *,
        token: str | None = None,
        did: int | None = None,
        model: str = "emulator.device.v1",
        seed: int | None = None,
        port: int = MIIO_PORT,
        fw_ver: str = "1.0.0_0001",
        hw_ver: str = "ESP32C3",
    ) -> None:
        self.host = require_loopback(host)
        self.port = port
        self.rng = random.Random(seed)
        self._token = parse_token(
            token if token is not None else f"{self.rng.getrandbits(128):032x}"
        )
        # The header field is 32 bits wide.
        self.did = did if did is not None else self.rng.randrange(10_000_000, 2**31)
        if not 0 < self.did < 2**32:
            raise ValueError("did must fit in 32 bits")
        self.model = model
        self.fw_ver = fw_ver
        self.hw_ver = hw_ver
        self.faults = Faults()
        self.stats = Stats()
        self._handlers: dict[str, Handler] = {"miIO.info": self._miio_info}
        self._recent_ids: deque[int] = deque(maxlen=ID_MEMORY)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timers: TimerSet | None = None
        self._transport: asyncio.DatagramTransport | None = None
        self._closed: asyncio.Future[None] | None = None
        self._boot_time = 0.0

    # ----------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Bind (host, port) on the running loop and boot the device."""
        if self._transport is not None:
            raise RuntimeError("device already started")
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._timers = TimerSet(loop)
        self._closed = loop.create_future()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(self.host, self.port))
        self._boot_time = loop.time()

    async def stop(self) -> None:
        """Cancel every pending timer and close the socket."""
        if self._timers is not None:
            self._timers.cancel_all()
        transport, closed = self._transport, self._closed
        if transport is None or closed is None:
            return
        transport.close()
        # Wait for the socket to be really closed so the address is free again.
        await closed
        self._transport = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def reboot(self) -> None:
        """Power-cycle: new stamp, id memory cleared, pending replies lost."""
        self.timers.cancel_all()
        self._recent_ids.clear()
        self._boot_time = self.loop.time()
        self._on_reboot()

    def _on_reboot(self) -> None:
        """Subclass hook: restore power-on state."""

    # ---------------------------------------------------------- properties

    @property
    def token(self) -> str:
        """The 32-hex-digit token (settable, e.g. to emulate re-pairing)."""
        return self._token.hex()

    @token.setter
    def token(self, value: str) -> None:
        self._token = parse_token(value)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop the device runs on (only after start())."""
        if self._loop is None:
            raise RuntimeError("device not started")
        return self._loop

    @property
    def timers(self) -> TimerSet:
        """Timers cancelled by stop() and reboot()."""
        if self._timers is None:
            raise RuntimeError("device not started")
        return self._timers

    @property
    def running(self) -> bool:
        """Whether the socket is bound."""
        return self._transport is not None

    @property
    def stamp(self) -> int:
        """Seconds since (re)boot, sent in every reply header."""
        if self._loop is None:
            return 0
        return int(self._loop.time() - self._boot_time)

    @property
    def mac(self) -> str:
        """A locally administered MAC derived from the did."""
        return "02:00:" + ":".join(f"{b:02X}" for b in self.did.to_bytes(4, "big"))

    def register(self, method: str, handler: Handler) -> None:
        """Route ``method`` to ``handler(params) -> result``."""
        self._handlers[method] = handler

    def describe(self) -> dict[str, Any]:
        """JSON-able summary for the web page and snapshots."""
        return {
            "host": self.host,
            "port": self.port,
            "model": self.model,
            "did": self.did,
            "token": self.token,
            "running": self.running,
            "stamp": self.stamp,
            "faults": self.faults.as_dict(),
            "stats": self.stats.counters(),
        }

    # ----------------------------------------------------- DatagramProtocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self._transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.stats.received += 1
        self.stats.received_at.append(self.loop.time())
        if self.faults.offline:
            self.stats.offline_ignored += 1
            return
        try:
            header = parse_header(data)
        except PacketError:
            self.stats.malformed += 1
            return
        # A lost packet never reaches the firmware: decide before anything else.
        if self.faults.take_request_drop(self.rng, is_hello=header.is_hello):
            self.stats.dropped_requests += 1
            return
        if header.is_hello:
            self.stats.hellos += 1
            self._send_later(addr, None)
            return
        try:
            request = decode_request(data, self._token)
        except ChecksumMismatch:
            # Real firmware does not answer a wrong token; clients just time out.
            self.stats.bad_checksum += 1
            return
        except PacketError:
            self.stats.malformed += 1
            return
        self._handle_request(request, addr)

    # ----------------------------------------------------------- dispatch

    def _handle_request(self, request: dict[str, Any], addr: tuple[str, int]) -> None:
        request_id = request.get("id")
        method = request.get("method")
        if not isinstance(request_id, int) or not isinstance(method, str):
            self.stats.malformed += 1
            return
        if request_id in self._recent_ids:
            # Firmware drops repeated ids silently: the sender sees a timeout.
            self.stats.duplicate_ids += 1
            return
        self._recent_ids.append(request_id)
        params = request.get("params", [])
        reply: dict[str, Any] = {"id": request_id}
        try:
            reply["result"] = self._dispatch(method, params)
        except MiioError as err:
            reply["error"] = {"code": err.code, "message": err.message}
        if self.faults.take_reply_drop(self.rng):
            self.stats.dropped_replies += 1
            return
        self._send_later(addr, reply)

    def _dispatch(self, method: str, params: Any) -> Any:
        if self.faults.request_error is not None:
            raise MiioError(self.faults.request_error, "emulated request error")
        handler = self._handlers.get(method)
        if handler is None:
            raise MiioError(ERROR_METHOD_NOT_FOUND, "Method not found.")
        code = self.faults.error_code
        if code is not None and method in PROPERTY_METHODS:
            # The fault fails every item but, like firmware, not the request.
            return _failed_items(params, code)
        later = self.faults.accepted_later
        if later is not None and method == "set_properties":
            self.timers.schedule(later, lambda: self._apply_later(method, handler, params))
            return _failed_items(params, CODE_ACCEPTED_LATER)
        try:
            result = handler(params)
        except MiioError:
            raise
        except Exception as err:
            _LOGGER.exception("handler for %s failed", method)
            raise MiioError(ERROR_INTERNAL, "internal error") from err
        self.stats.applied.append(AppliedCommand(self.loop.time(), method, params))
        if method == "set_properties" and self.faults.bare_set_ack is not None:
            return self.faults.bare_set_ack
        return result

    def _apply_later(self, method: str, handler: Callable[[Any], Any], params: Any) -> None:
        handler(params)
        self.stats.applied.append(AppliedCommand(self.loop.time(), method, params))

    def _send_later(self, addr: tuple[str, int], reply: dict[str, Any] | None) -> None:
        delay = self.faults.delay
        if delay > 0:
            self.timers.schedule(delay, lambda: self._send(addr, reply))
        else:
            self._send(addr, reply)

    def _send(self, addr: tuple[str, int], reply: dict[str, Any] | None) -> None:
        transport = self._transport
        if transport is None or self.faults.offline:
            return
        # Never answer outside loopback, even if something spoofed the source.
        try:
            require_loopback(addr[0])
        except ValueError:
            return
        # Build at send time so a delayed reply carries the current stamp.
        if reply is None:
            packet = build_hello_reply(self.did, self.stamp)
        else:
            packet = build_reply(reply, self._token, self.did, self.stamp)
        transport.sendto(packet, addr)
        self.stats.replies += 1

    # ----------------------------------------------------------- methods

    def _miio_info(self, _params: Any) -> dict[str, Any]:
        return {
            "life": self.stamp,
            "cfg_time": 0,
            "model": self.model,
            "fw_ver": self.fw_ver,
            "hw_ver": self.hw_ver,
            "mac": self.mac,
            "wifi_fw_ver": "emulated",
            "miio_ver": "0.0.9",
            "ap": {"ssid": "emulator", "bssid": "02:00:00:00:00:01", "rssi": -45},
            "netif": {"localIp": self.host, "mask": "255.0.0.0", "gw": "127.0.0.1"},
            "mmfree": 40960,
            "ot": "otu",
            "ott_stat": [0, 0, 0, 0],
            "otu_stat": [0, 0, 0, 0, 0, 0],
        }


def _failed_items(params: Any, code: int) -> list[dict[str, Any]]:
    items = params if isinstance(params, list) else []
    return [
        {
            "did": item.get("did"),
            "siid": item.get("siid"),
            "piid": item.get("piid"),
            "code": code,
        }
        for item in items
        if isinstance(item, dict)
    ]
