"""Talking to the relays that sit in a burner's thermocouple loop.

Two backends share one small interface, `RelayChannel`: a channel of a miIO
relay reached over local UDP with python-miio, or any Home Assistant switch
entity. A channel only knows "energised" (True) or "de-energised" (False);
what that means for the flame is the burner's business (see burner.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
import collections
from collections.abc import Callable
from dataclasses import dataclass
import logging
import secrets
import socket
import time
from typing import Any, cast, override

from homeassistant.const import SERVICE_TURN_OFF, SERVICE_TURN_ON, STATE_OFF, STATE_ON
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util.hass_dict import HassKey
from miio.device import Device
from miio.exceptions import DeviceError, DeviceException, RecoverableError
from miio.miioprotocol import MiIOProtocol
from miio.protocol import Message

from .const import MiioProtocol

_LOGGER = logging.getLogger(__name__)

# How long one shut-off may keep trying before it is reported as failed. The
# relay write is retried (with a fresh handshake each time) until the state
# read back from the device confirms it.
CONFIRM_DEADLINE = 6.0
# RTT-adaptive timeout bounds for one miIO round trip (handshake or request).
MIN_TIMEOUT = 0.25
MAX_TIMEOUT = 1.5
INITIAL_TIMEOUT = 0.5
RETRY_PAUSE = 0.05


class RelayError(Exception):
    """A relay could not do what was asked."""


class RelayUnreachable(RelayError):
    """The relay did not answer (or did not confirm) in time."""


MIOT_OK = 0
MIOT_ACCEPTED_LATER = 1


class RelayRejected(RelayError):
    """The relay answered with an error code."""

    def __init__(self, code: int) -> None:
        """Keep the device's code for diagnostics and the error message."""
        super().__init__(f"device error code {code}")
        self.code = code


class RelayBusy(RelayUnreachable):
    """The relay decrypted the request but asked to try again later."""


@dataclass(frozen=True, slots=True)
class MiioChannelAddress:
    """One switchable output of a miIO relay."""

    siid: int
    piid: int


MIIO_PORT = 54321
_HELLO = bytes.fromhex("21310020" + "ff" * 28)


# Never more than this many datagrams a second to one device, whatever goes
# wrong: a retry loop must not flood a relay (or a kitchen's Wi-Fi).
PACKETS_PER_SECOND = 20
# Counted over a little more than a second: scheduling jitter between our
# clock and the device's arrival times must not let 21 land in one second.
_PACKET_WINDOW = 1.2


class _PacketBudget:
    """A sliding one-second window of what was sent to one device.

    Used from the executor thread that holds the relay's lock, so only one
    thread takes from it at a time; it waits (blocking that thread, not the
    event loop) when the window is full.
    """

    def __init__(self, per_second: int = PACKETS_PER_SECOND) -> None:
        self._per_second = per_second
        self._sent: collections.deque[float] = collections.deque()

    def take(self, packets: int) -> None:
        """Wait until `packets` more fit into the last second, then count them."""
        while True:
            now = time.monotonic()
            while self._sent and now - self._sent[0] >= _PACKET_WINDOW:
                self._sent.popleft()
            if len(self._sent) + packets <= self._per_second:
                self._sent.extend([now] * packets)
                return
            time.sleep(_PACKET_WINDOW - (now - self._sent[0]) + 0.001)


class _BoundedHandshake(MiIOProtocol):
    """python-miio's protocol with a handshake that honours our timeout.

    Upstream sends the hello with a fixed 5 s timeout and three retries, so an
    unplugged relay would block the per-device lock for 20 s and delay a
    shut-off behind a poll. Here one hello attempt waits one short timeout.
    """

    def skip_ids(self, count: int = 100) -> None:
        """Jump the request id forward after a request went unanswered.

        Firmware silently drops ids it saw recently; a retry with the next id
        could still fall in that window (e.g. a start id that collides with
        ids from before a restart), so move well past it, as upstream's own
        retry does.
        """
        # Upstream keeps the id name-mangled and offers no setter.
        current = int(getattr(self, "_MiIOProtocol__id", 0))
        setattr(self, "_MiIOProtocol__id", (current + count) % 9000 + 1)  # noqa: B010

    # The device's packet budget (MiioRelay hands over its own, which outlives
    # a new token); a bare protocol gets one of its own.
    packets: _PacketBudget

    @override
    def send(
        self,
        command: str,
        parameters: Any = None,
        retry_count: int = 0,
        *,
        extra_parameters: dict[Any, Any] | None = None,
    ) -> Any:
        """One request, counted against the device's packet rate."""
        self.packets.take(1)
        return super().send(
            command,
            parameters,
            retry_count,
            # Upstream types it as a dict but defaults it to None.
            extra_parameters=cast(dict[Any, Any], extra_parameters),
        )

    def set_timeout(self, seconds: float) -> None:
        """Timeout of the next round trips (python-miio types it as int)."""
        self._timeout = cast(int, seconds)

    def send_handshake(self, *, retry_count: int = 0) -> Any:
        """Send two hellos and take the first reply.

        Written here rather than through upstream's `discover`, which logs the
        whole reply at debug level: unprovisioned firmware puts the token in
        the reply's checksum field.
        """
        del retry_count
        self.packets.take(2)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.settimeout(self._timeout)
                for _ in range(2):
                    sock.sendto(_HELLO, (self.ip, MIIO_PORT))
                data, _addr = sock.recvfrom(1024)
            msg = Message.parse(data)
        except OSError as err:
            raise DeviceException(f"no hello reply from {self.ip}") from err
        except Exception as err:  # construct's parse errors have no common base
            raise DeviceException(f"bad hello reply from {self.ip}") from err
        header = msg.header.value
        self._device_id = header.device_id
        self._device_ts = header.ts
        self._discovered = True
        return msg


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


class _AdaptiveTimeout:
    """Round-trip estimator in the spirit of TCP's RTO (RFC 6298)."""

    def __init__(self) -> None:
        self._srtt: float | None = None
        self._rttvar = 0.0
        self._losses = 0
        self.value = INITIAL_TIMEOUT

    def sample(self, rtt: float) -> None:
        self._losses = 0
        if self._srtt is None:
            self._srtt, self._rttvar = rtt, rtt / 2
        else:
            self._rttvar = 0.75 * self._rttvar + 0.25 * abs(self._srtt - rtt)
            self._srtt = 0.875 * self._srtt + 0.125 * rtt
        self.value = min(MAX_TIMEOUT, max(MIN_TIMEOUT, self._srtt + 4 * self._rttvar))

    def timed_out(self) -> None:
        # A single loss on a healthy link is just loss: keep the timeout
        # short. Back off only when timeouts repeat, so that a slow-but-alive
        # relay is not declared dead.
        self._losses += 1
        if self._losses >= 2:
            self.value = min(MAX_TIMEOUT, self.value * 2)


class MiioRelay:
    """The one connection to a miIO relay host, shared by its channels.

    python-miio is blocking and not thread-safe, so every call runs in the
    executor while holding this relay's lock. No call retries inside
    python-miio: each attempt is one handshake plus one request, bounded by the
    adaptive timeout, so a poll in flight delays a shut-off by at most one
    short timeout.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        host: str,
        token: str,
        *,
        model: str | None,
        protocol: MiioProtocol,
    ) -> None:
        """Prepare the device handle; nothing is sent yet."""
        self.hass = hass
        self.host = host
        self.protocol = protocol
        self.model = model
        self._lock = asyncio.Lock()
        self._timeout = _AdaptiveTimeout()
        self._packets = _PacketBudget()
        # A random start id: firmware drops ids it saw recently, e.g. from
        # before a Home Assistant restart. Drawn from the OS, not `random`,
        # whose global state other code may seed (then every restart would
        # start on the same id). `model=` avoids an extra miIO.info.
        self._connect(token)

    def _connect(self, token: str) -> None:
        self.token = token
        start_id = secrets.randbelow(9000) + 1
        self._device = Device(
            self.host, token, start_id=start_id, lazy_discover=False, model=self.model or "generic"
        )
        self._protocol = _BoundedHandshake(self.host, token, start_id, 0, False)
        self._protocol.packets = self._packets
        self._device._protocol = self._protocol  # noqa: SLF001

    def use_token(self, token: str) -> None:
        """Talk with another token from the next call on (the relay was re-paired).

        A device has one token: the one a person entered last is the one that
        works, for every stove that shares this relay.
        """
        if token != self.token:
            self._connect(token)

    @property
    def timeout(self) -> float:
        """The current per-round-trip timeout in seconds."""
        return self._timeout.value

    def _send(
        self,
        method: str,
        params: list[Any],
        *,
        budget: float | None = None,
        handshake: bool = True,
    ) -> Any:
        """Send one request; runs in the executor, under the lock.

        `budget` caps the time of this request (hello included), so a caller's
        deadline holds; `handshake=False` reuses the hello just made.
        """
        round_trips = 2 if handshake else 1
        timeout = self._timeout.value
        if budget is not None:
            timeout = max(0.05, min(timeout, budget / round_trips))
        self._protocol.set_timeout(timeout)
        self._protocol.lazy_discover = not handshake
        started = time.monotonic()
        try:
            result = self._device.send(method, params, retry_count=0)
        except RecoverableError as err:
            raise RelayBusy(str(err)) from err
        except DeviceError as err:
            if isinstance(err.code, int):
                raise RelayRejected(err.code) from err
            raise RelayUnreachable("device error without a code") from err
        except DeviceException as err:
            if isinstance(err.__cause__, RecoverableError):
                raise RelayBusy(str(err)) from err
            self._timeout.timed_out()
            self._protocol.skip_ids()
            raise RelayUnreachable(str(err)) from err
        except Exception as err:
            # Socket errors (no route, a host name that does not resolve) and
            # malformed replies escape python-miio unwrapped.
            raise RelayUnreachable(f"{type(err).__name__}: {err}") from err
        finally:
            self._protocol.lazy_discover = False
        self._timeout.sample((time.monotonic() - started) / round_trips)
        return result

    def _hello(self) -> bool:
        """Whether the device answers a bare handshake; runs in the executor."""
        self._protocol.set_timeout(self._timeout.value)
        try:
            self._protocol.send_handshake()
        except DeviceException:
            return False
        return True

    async def _call(self, func: Callable[..., Any], *args: Any) -> Any:
        async with self._lock:
            job = self.hass.async_add_executor_job(func, *args)
            # The shielded future holds the outcome; mark the inner one as
            # seen so an error is not reported again as "never retrieved".
            job.add_done_callback(_retrieve)
            try:
                return await asyncio.shield(job)
            except asyncio.CancelledError:
                # python-miio is not thread-safe: keep the lock until the
                # thread is out of it, even if our caller went away.
                await asyncio.wait([job])
                raise

    # --- reads -----------------------------------------------------------

    def _get_sync(
        self, addresses: list[MiioChannelAddress], **send: Any
    ) -> dict[MiioChannelAddress, Any]:
        """Raw MIoT property values; runs in the executor, under the lock."""
        reply = self._send(
            "get_properties",
            [{"did": f"{a.siid}-{a.piid}", "siid": a.siid, "piid": a.piid} for a in addresses],
            **send,
        )
        values: dict[MiioChannelAddress, Any] = {}
        try:
            for item in reply:
                code = int(item.get("code", 0))
                if code != 0:
                    raise RelayRejected(code)
                values[MiioChannelAddress(int(item["siid"]), int(item["piid"]))] = item["value"]
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            raise RelayUnreachable(f"unexpected reply {reply!r:.80}") from err
        return values

    def _read_sync(
        self, addresses: list[MiioChannelAddress], **send: Any
    ) -> dict[MiioChannelAddress, bool]:
        if self.protocol is MiioProtocol.LEGACY:
            reply = self._send("get_prop", ["power"], **send)
            if not isinstance(reply, list) or not reply:
                raise RelayUnreachable(f"unexpected reply {reply!r:.80}")
            return dict.fromkeys(addresses, reply[0] == "on")
        return {a: bool(v) for a, v in self._get_sync(addresses, **send).items()}

    async def async_read(
        self, addresses: list[MiioChannelAddress], *, attempts: int = 3
    ) -> dict[MiioChannelAddress, bool]:
        """Read relay channel states (on/off)."""
        states: dict[MiioChannelAddress, bool] = await self._attempts(
            self._read_sync, addresses, attempts
        )
        return states

    async def async_get_values(
        self, addresses: list[MiioChannelAddress], *, attempts: int = 2
    ) -> dict[MiioChannelAddress, Any]:
        """Read raw MIoT property values (e.g. a flame sensor's millivolts)."""
        values: dict[MiioChannelAddress, Any] = await self._attempts(
            self._get_sync, addresses, attempts
        )
        return values

    async def _attempts(
        self,
        func: Callable[[list[MiioChannelAddress]], Any],
        addresses: list[MiioChannelAddress],
        attempts: int,
    ) -> Any:
        """Retry a read; the lock is released between attempts."""
        for attempt in range(attempts):
            try:
                result = await self._call(func, addresses)
            except RelayUnreachable:
                if attempt + 1 == attempts:
                    raise
                await asyncio.sleep(RETRY_PAUSE)
            else:
                return result
        raise RelayUnreachable(self.host)  # pragma: no cover - loop always returns

    async def async_answers_hello(self) -> bool:
        """Whether the device answers the unencrypted handshake.

        After failed requests this tells a dead relay from one that rejects
        our token: a relay that answers the unencrypted handshake but never an encrypted
        request is rejecting our token (real firmware stays silent on a bad
        checksum).
        """
        answered: bool = await self._call(self._hello)
        return answered

    async def async_info(self, *, attempts: int = 2) -> dict[str, Any]:
        """miIO.info, used by the config flow to identify the device."""
        for attempt in range(attempts):
            try:
                info: dict[str, Any] = await self._call(self._send, "miIO.info", [])
            except RelayUnreachable:
                if attempt + 1 == attempts:
                    raise
            else:
                return info
        raise RelayUnreachable(self.host)  # pragma: no cover - loop always returns

    # --- writes ----------------------------------------------------------

    def _write_sync(self, address: MiioChannelAddress, on: bool, give_up: float) -> bool:
        """Write an explicit value (never a toggle) and read it back.

        One hello serves both requests; each is bounded by what is left of
        the caller's deadline.
        """
        if self.protocol is MiioProtocol.LEGACY:
            self._send("set_power", ["on" if on else "off"], budget=give_up - time.monotonic())
        else:
            # The read-back below is the confirmation: an acknowledgement
            # without per-item codes is enough to go on to it.
            self._set_value_sync(address, on, give_up, bare_ack_ok=True)
        states = self._read_sync([address], budget=give_up - time.monotonic(), handshake=False)
        if address not in states:
            raise RelayUnreachable("read-back did not include the channel")
        return states[address]

    async def async_write(
        self, address: MiioChannelAddress, on: bool, *, deadline: float | None = None
    ) -> None:
        """Drive a channel and keep trying until the device confirms it.

        python-miio resends a request whose reply was lost, so the device may
        apply it twice: that is harmless because the value is explicit.
        """
        give_up = time.monotonic() + (CONFIRM_DEADLINE if deadline is None else deadline)
        last: RelayError = RelayUnreachable(self.host)
        while True:
            try:
                confirmed: bool = await self._call(self._write_sync, address, on, give_up)
            except RelayRejected:
                raise
            except RelayUnreachable as err:
                last = err
            else:
                if confirmed == on:
                    return
                last = RelayUnreachable(f"{self.host} reads back {confirmed}")
            if time.monotonic() + RETRY_PAUSE >= give_up:
                raise last
            await asyncio.sleep(RETRY_PAUSE)

    def _set_value_sync(
        self, address: MiioChannelAddress, value: Any, give_up: float, *, bare_ack_ok: bool = False
    ) -> None:
        reply = self._send(
            "set_properties",
            [
                {
                    "did": f"{address.siid}-{address.piid}",
                    "siid": address.siid,
                    "piid": address.piid,
                    "value": value,
                }
            ],
            budget=give_up - time.monotonic(),
        )
        if bare_ack_ok and not (
            isinstance(reply, list) and reply and all(isinstance(item, dict) for item in reply)
        ):
            # Some firmware (and python-miio's own simulator) acknowledges
            # set_properties with a bare 0 or ["ok"] instead of per-item
            # codes. Treating that as a failure retried the write ~19 times a
            # second until the deadline; the read-back decides instead.
            _LOGGER.debug("%s acknowledged set_properties with %r", self.host, reply)
            return
        try:
            codes = [int(item.get("code", 0)) for item in reply]
        except (AttributeError, TypeError, ValueError) as err:
            raise RelayUnreachable(f"unexpected reply {reply!r:.80}") from err
        for code in codes:
            # MIoT code 1: accepted, the device completes it by itself; the
            # read-back (and a retried write) shows when it has.
            if code not in (MIOT_OK, MIOT_ACCEPTED_LATER):
                raise RelayRejected(code)

    async def async_set_value(
        self, address: MiioChannelAddress, value: Any, *, deadline: float = 3.0
    ) -> None:
        """Write one MIoT property (e.g. a countdown), retried until acknowledged."""
        give_up = time.monotonic() + deadline
        while True:
            try:
                await self._call(self._set_value_sync, address, value, give_up)
            except RelayUnreachable:
                if time.monotonic() + RETRY_PAUSE >= give_up:
                    raise
                await asyncio.sleep(RETRY_PAUSE)
            else:
                return


Listener = Callable[[], None]


class RelayChannel(ABC):
    """One relay output as a burner sees it."""

    def __init__(self) -> None:
        """Start with nothing known."""
        self._listeners: list[Listener] = []

    @property
    @abstractmethod
    def key(self) -> str:
        """Stable identity of the physical channel (duplicate detection)."""

    @property
    @abstractmethod
    def energised(self) -> bool | None:
        """Last known state; None when unknown."""

    @property
    @abstractmethod
    def available(self) -> bool:
        """Whether the relay can currently be reached."""

    @abstractmethod
    async def async_set(self, on: bool) -> None:
        """Drive the channel to `on` and return once it is confirmed."""

    @callback
    def async_add_listener(self, listener: Listener) -> CALLBACK_TYPE:
        """Be told when state or availability changes."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            self._listeners.remove(listener)

        return remove

    @callback
    def async_notify(self) -> None:
        """Tell every listener that something changed."""
        for listener in list(self._listeners):
            listener()

    @abstractmethod
    def async_stop(self) -> None:
        """Stop following the relay (unload)."""


class EntityRelayChannel(RelayChannel):
    """Any switch entity Home Assistant already controls, used as the relay."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        """Follow the entity's state; nothing is switched yet."""
        super().__init__()
        self.hass = hass
        self.entity_id = entity_id
        self._unsub: CALLBACK_TYPE | None = None

    @property
    def key(self) -> str:
        """The entity id identifies the channel."""
        return f"entity:{self.entity_id}"

    @property
    def energised(self) -> bool | None:
        """On/off of the entity; None for unknown or unavailable."""
        state = self.hass.states.get(self.entity_id)
        if state is None or state.state not in (STATE_ON, STATE_OFF):
            return None
        return state.state == STATE_ON

    @property
    def available(self) -> bool:
        """Available while the entity reports on or off."""
        return self.energised is not None

    @callback
    def async_start(self) -> None:
        """Start following the entity's state."""
        was_available = self.available

        @callback
        def changed(_event: Event[EventStateChangedData]) -> None:
            nonlocal was_available
            if self.available != was_available:
                # Once per transition, like the polled relays.
                was_available = self.available
                if was_available:
                    _LOGGER.info("Relay entity %s is back", self.entity_id)
                else:
                    _LOGGER.warning(
                        "Relay entity %s is unavailable: its burners cannot be shut off",
                        self.entity_id,
                    )
            self.async_notify()

        self._unsub = async_track_state_change_event(self.hass, self.entity_id, changed)

    @callback
    def async_stop(self) -> None:
        """Stop following the entity."""
        if self._unsub:
            self._unsub()
            self._unsub = None

    async def async_set(self, on: bool) -> None:
        """Switch the entity and wait until its state says so."""
        give_up = time.monotonic() + CONFIRM_DEADLINE
        domain = self.entity_id.split(".", 1)[0]
        while True:
            try:
                # The other integration's action gets what is left of the
                # deadline, not forever.
                async with asyncio.timeout(max(give_up - time.monotonic(), 0.1)):
                    await self.hass.services.async_call(
                        domain,
                        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
                        {"entity_id": self.entity_id},
                        blocking=True,
                    )
            except Exception as err:
                # Whatever the other integration raises (a radio stack's
                # ConnectionError as much as a HomeAssistantError), the relay
                # did not switch: try again until the deadline, then fail as
                # unreachable so the hold, the Problem and the retry follow.
                _LOGGER.debug("%s did not switch: %r", self.entity_id, err)
            if await self._async_wait_for(on, min(1.0, give_up - time.monotonic())):
                return
            if time.monotonic() >= give_up:
                raise RelayUnreachable(self.entity_id)

    async def _async_wait_for(self, on: bool, seconds: float) -> bool:
        if self.energised is on:
            return True
        reached = asyncio.Event()

        @callback
        def check() -> None:
            if self.energised is on:
                reached.set()

        remove = self.async_add_listener(check)
        try:
            async with asyncio.timeout(max(seconds, 0)):
                await reached.wait()
        except TimeoutError:
            return False
        finally:
            remove()
        return True


class MiioPool:
    """One MiioRelay per device host across all stoves of this instance.

    python-miio must see every call to a device from one client: two clients
    would neither serialise their calls nor share the id sequence. The pool
    also remembers, across setup retries, how often a host answered the
    handshake but no request (a rejected token).
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Empty until a stove acquires a connection."""
        self.hass = hass
        self._connections: dict[str, tuple[MiioRelay, int]] = {}
        self.token_suspect: dict[str, int] = {}

    def acquire(
        self,
        host: str,
        token: str,
        *,
        model: str | None = None,
        protocol: MiioProtocol = MiioProtocol.MIOT,
    ) -> MiioRelay:
        """Return the shared connection to `host`, created on first use."""
        connection, users = self._connections.get(host, (None, 0))
        if connection is None:
            connection = MiioRelay(self.hass, host, token, model=model, protocol=protocol)
        else:
            # A stove set up (again) with a new token after the relay was
            # re-paired: the shared connection must not keep the old one.
            connection.use_token(token)
        self._connections[host] = (connection, users + 1)
        return connection

    def release(self, host: str) -> None:
        """Give back a connection when a stove that used `host` unloads."""
        connection, users = self._connections[host]
        if users <= 1:
            del self._connections[host]
        else:
            self._connections[host] = (connection, users - 1)


POOL_KEY: HassKey[MiioPool] = HassKey("gas_stove_miio_pool")


def miio_pool(hass: HomeAssistant) -> MiioPool:
    """Return this instance's pool of miIO connections."""
    if POOL_KEY not in hass.data:
        hass.data[POOL_KEY] = MiioPool(hass)
    return hass.data[POOL_KEY]
