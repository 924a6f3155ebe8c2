"""One miIO device over UDP, from asyncio, without threads."""

from __future__ import annotations

import asyncio
import collections
import logging
import secrets
import socket
from typing import Any, override

from miio.protocol import Utils

from .codec import HELLO, Packet, decode, encode
from .errors import MiioBadReply, MiioDeviceError, MiioTimeout, MiioWrongToken

_LOGGER = logging.getLogger(__name__)

MIIO_PORT = 54321
# Error codes python-miio retries ("user ack timeout", "resend"): the device
# was busy, not unwilling.
RETRYABLE_CODES = (-9999, -30001)
# Request ids run from 1 to 9998 and wrap, as python-miio's do. Firmware drops
# an id it saw recently; every send (a hedge included) takes a fresh one.
MAX_ID = 9998
# Re-handshake after this much silence: some firmware wants a recent hello
# (python-miio issue #1683, Home Assistant core #59215/#92774: devices that
# stop answering after minutes without one; 120 s was discussed as safe).
STALE_AFTER = 60.0
# Unanswered sends in a row after which the stamp is suspected stale.
MISSES_BEFORE_HELLO = 3


class RoundTrip:
    """Smoothed round-trip time (RFC 6298), without exponential back-off.

    A lost datagram on a LAN is loss, not congestion: the timeout does not
    double. Every send has its own id, so each reply is an unambiguous sample
    (Karn's problem does not arise).
    """

    def __init__(self, *, initial: float = 0.5, floor: float = 0.05, ceiling: float = 1.5) -> None:
        """Start from `initial` until the first reply."""
        self.srtt: float | None = None
        self.rttvar = initial / 2
        self._initial, self._floor, self._ceiling = initial, floor, ceiling

    def sample(self, rtt: float) -> None:
        """One measured round trip, in seconds."""
        if self.srtt is None:
            self.srtt, self.rttvar = rtt, rtt / 2
        else:
            self.rttvar = 0.75 * self.rttvar + 0.25 * abs(self.srtt - rtt)
            self.srtt = 0.875 * self.srtt + 0.125 * rtt

    @property
    def timeout(self) -> float:
        """How long to wait for a reply before sending again (unhedged)."""
        if self.srtt is None:
            return self._initial
        return min(self._ceiling, max(self._floor * 2, self.srtt + 4 * self.rttvar))

    @property
    def hedge_interval(self) -> float:
        """How long a hedged send waits before the next copy goes out."""
        if self.srtt is None:
            return self._floor * 2
        return min(self._ceiling / 3, max(self._floor, 2 * self.srtt + self.rttvar))


class _Budget:
    """At most `limit` datagrams within any `window` seconds."""

    def __init__(self, limit: int, window: float) -> None:
        self._limit, self._window = limit, window
        self._sent: collections.deque[float] = collections.deque()

    async def take(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._sent and now - self._sent[0] >= self._window:
                self._sent.popleft()
            if len(self._sent) < self._limit:
                self._sent.append(now)
                return
            await asyncio.sleep(self._window - (now - self._sent[0]) + 0.001)


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, client: MiioClient) -> None:
        self._client = client

    @override
    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        # The socket is not connected (sendto per datagram): take only what
        # comes from the device's address.
        if addr[:2] == self._client.address:
            self._client._received(data)  # noqa: SLF001

    @override
    def error_received(self, exc: Exception) -> None:
        # An ICMP "unreachable" for an earlier datagram: the next send will
        # tell; nothing waits on it.
        _LOGGER.debug("%s: %s", self._client.host, exc)


class MiioClient:
    """A miIO device: requests with deadlines, hedged when asked to.

    Several calls may be under way at once (a shut-off never waits behind a
    poll): replies are matched to calls by message id.
    """

    def __init__(
        self,
        host: str,
        token: str,
        *,
        port: int = MIIO_PORT,
        packets_per_second: int = 20,
        window: float = 1.2,
        start_id: int | None = None,
        rtt: RoundTrip | None = None,
    ) -> None:
        """Nothing is sent until the first call."""
        self.host, self.port = host, port
        self.use_token(token)
        self.rtt = rtt or RoundTrip()
        self.sent = 0  # datagrams sent, hellos included
        self._budget = _Budget(packets_per_second, window)
        # A random start: ids from before a restart may still be in the
        # firmware's recent-id window. From the OS, not `random`, whose
        # global state other code may seed.
        self._next_id = start_id if start_id is not None else secrets.randbelow(MAX_ID) + 1
        self._transport: asyncio.DatagramTransport | None = None
        # The device's (ip, port), resolved once: sendto with a host name
        # would look it up on the event loop, blocking, for every datagram.
        self.address: tuple[str, int] | None = None
        self._opening: asyncio.Lock | None = None
        self._waiting: dict[int, tuple[asyncio.Future[Packet], float]] = {}
        self._hellos: set[asyncio.Future[Packet]] = set()
        self._device_id: int | None = None
        self._stamp = 0
        self._stamp_at = 0.0
        self._misses = 0

    def use_token(self, token: str) -> None:
        """Talk with another token from the next send on."""
        key = bytes.fromhex(token)
        Utils.verify_token(key)
        self._token = key

    @property
    def device_id(self) -> int | None:
        """The device id from the last handshake or reply."""
        return self._device_id

    async def close(self) -> None:
        """Close the socket; calls under way fail with MiioTimeout at their deadline."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    # --- receiving --------------------------------------------------------

    def _received(self, data: bytes) -> None:
        try:
            packet = decode(data, self._token)
        except (MiioBadReply, MiioWrongToken) as err:
            # Not for us (or not from this token): as if it never came.
            _LOGGER.debug("%s: %s", self.host, err)
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        self._device_id, self._stamp, self._stamp_at = packet.device_id, packet.stamp, now
        self._misses = 0
        if packet.payload is None:
            for waiter in self._hellos:
                if not waiter.done():
                    waiter.set_result(packet)
            return
        request_id = packet.payload.get("id")
        entry = self._waiting.pop(request_id, None) if isinstance(request_id, int) else None
        if entry is None:
            return  # a late copy of a call that has its answer already
        future, sent_at = entry
        self.rtt.sample(now - sent_at)
        if not future.done():
            future.set_result(packet)

    # --- sending ------------------------------------------------------------

    async def _open(self) -> asyncio.DatagramTransport:
        if self._transport is not None:
            return self._transport
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._transport is None:
                loop = asyncio.get_running_loop()
                found = await loop.getaddrinfo(
                    self.host, self.port, family=socket.AF_INET, type=socket.SOCK_DGRAM
                )
                self.address = (str(found[0][4][0]), int(found[0][4][1]))
                transport, _protocol = await loop.create_datagram_endpoint(
                    lambda: _Endpoint(self), family=socket.AF_INET
                )
                self._transport = transport
            return self._transport

    async def _send(self, datagram: bytes) -> None:
        await self._budget.take()
        transport = await self._open()
        transport.sendto(datagram, self.address)
        self.sent += 1

    def _take_id(self) -> int:
        request_id = self._next_id
        self._next_id = request_id % MAX_ID + 1
        return request_id

    async def hello(self, *, deadline: float, hedge: bool = False) -> bool:
        """Handshake; True when the device answered within the deadline."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + deadline
        waiter: asyncio.Future[Packet] = loop.create_future()
        self._hellos.add(waiter)
        try:
            while (left := give_up - loop.time()) > 0:
                await self._send(HELLO)
                wait = self.rtt.hedge_interval if hedge else self.rtt.timeout
                if await _settled(waiter, min(wait, left)):
                    return True
            return False
        finally:
            self._hellos.discard(waiter)

    async def call(
        self, method: str, params: Any = None, *, deadline: float, hedge: bool = False
    ) -> Any:
        """Send a request until a reply arrives; return its `result`.

        `hedge`: the request is safe to repeat (an explicit value, a read):
        copies with fresh ids go out every hedge interval instead of waiting
        a whole timeout each. Raises MiioTimeout at the deadline,
        MiioDeviceError for an error reply.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + deadline
        answer: asyncio.Future[Packet] = loop.create_future()
        ids: list[int] = []
        busy: MiioDeviceError | None = None
        try:
            while True:
                left = give_up - loop.time()
                if left <= 0:
                    # A device that kept saying "busy" is there: say so.
                    raise busy or MiioTimeout(f"{self.host}: no reply to {method}")
                if self._device_id is None or loop.time() - self._stamp_at > STALE_AFTER:
                    if not await self.hello(deadline=left, hedge=hedge):
                        raise MiioTimeout(f"{self.host}: no handshake")
                    continue
                if self._misses >= MISSES_BEFORE_HELLO:
                    # Loss, or a stamp the device no longer takes: a hello
                    # goes out beside the next copy, its reply renews the stamp.
                    self._misses = 0
                    await self._send(HELLO)
                request_id = self._take_id()
                ids.append(request_id)
                payload = {
                    "id": request_id,
                    "method": method,
                    "params": [] if params is None else params,
                }
                stamp = self._stamp + int(loop.time() - self._stamp_at) + 1
                datagram = encode(payload, self._token, self._device_id or 0, stamp)
                self._waiting[request_id] = (answer, loop.time())
                await self._send(datagram)
                wait = self.rtt.hedge_interval if hedge else self.rtt.timeout
                if await _settled(answer, min(wait, give_up - loop.time())):
                    reply = answer.result().payload or {}
                    error = reply.get("error")
                    if isinstance(error, dict) and error.get("code") in RETRYABLE_CODES:
                        # Busy: ask again after a round trip's pause.
                        busy = MiioDeviceError(error["code"], str(error.get("message", "")))
                        answer = loop.create_future()
                        for other in ids:
                            self._waiting.pop(other, None)
                        await asyncio.sleep(min(self.rtt.timeout, max(give_up - loop.time(), 0)))
                        continue
                    break
                self._misses += 1
        finally:
            for request_id in ids:
                self._waiting.pop(request_id, None)
        reply = answer.result().payload or {}
        if "error" in reply:
            error = reply["error"]
            code = error.get("code") if isinstance(error, dict) else None
            message = str(error.get("message", "")) if isinstance(error, dict) else str(error)
            raise MiioDeviceError(code if isinstance(code, int) else None, message)
        return reply.get("result", reply)


async def _settled(future: asyncio.Future[Packet], seconds: float) -> bool:
    """Wait up to `seconds` for the future without cancelling it."""
    if seconds > 0 and not future.done():
        await asyncio.wait([future], timeout=seconds)
    return future.done()
