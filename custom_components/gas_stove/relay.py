"""Talking to the relays that sit in a burner's thermocouple loop.

Two backends share one small interface, `RelayChannel`: a channel of a miIO
relay reached over local UDP with python-miio, or any Home Assistant switch
entity. A channel only knows "energised" (True) or "de-energised" (False);
what that means for the flame is the burner's business (see burner.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import logging
import time
from typing import Any

from homeassistant.const import (
    ATTR_ASSUMED_STATE,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util.hass_dict import HassKey

from .const import DEFAULT_CONFIRM_WINDOW, MiioProtocol
from .miio_udp import MiioClient, MiioDeviceError, MiioError, RoundTrip
from .miio_udp.client import RETRYABLE_CODES

_LOGGER = logging.getLogger(__name__)

# How long one shut-off may keep trying before it is reported as failed. The
# relay write is repeated until the state read back from the device confirms it.
CONFIRM_DEADLINE = DEFAULT_CONFIRM_WINDOW
# A switch entity's report of our own write is recognised for this many
# confirmation windows after the write (a cloud's report can be later still).
LATE_REPORT_WINDOWS = 2
# RTT-adaptive timeout bounds for one miIO round trip (handshake or request).
MIN_TIMEOUT = 0.25
MAX_TIMEOUT = 1.5
INITIAL_TIMEOUT = 0.5
RETRY_PAUSE = 0.05


class RelayError(Exception):
    """A relay could not do what was asked."""


class RelayUnreachable(RelayError):
    """The relay did not answer (or did not confirm) in time."""


class RelayPreempted(RelayUnreachable):
    """A write toward rest was called off because a shut-off came first."""


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


# Never more than this many datagrams within 1.2 s to one device, whatever
# goes wrong: a retry loop must not flood a relay (or a kitchen's Wi-Fi).
PACKETS_PER_SECOND = 20


class MiioRelay:
    """The one connection to a miIO relay host, shared by its channels.

    Built on `miio_udp` (asyncio, no threads, no lock): a shut-off never waits
    behind a poll. Writes of explicit values are hedged (a fresh copy every
    fraction of the round trip until the device answers) and confirmed by a
    hedged read-back; polls are not hedged.
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
        """Prepare the client; nothing is sent yet (`model=` spares a miIO.info)."""
        self.hass = hass
        self.host = host
        self.protocol = protocol
        self.model = model
        self.token = token
        self._client = MiioClient(
            host,
            token,
            packets_per_second=PACKETS_PER_SECOND,
            rtt=RoundTrip(initial=INITIAL_TIMEOUT, floor=MIN_TIMEOUT / 5, ceiling=MAX_TIMEOUT),
        )

    @property
    def device_id(self) -> int | None:
        """The device id (did) the relay gave in its last handshake; None before one."""
        return self._client.device_id

    def use_token(self, token: str) -> None:
        """Talk with another token from the next call on (the relay was re-paired).

        A device has one token: the one a person entered last is the one that
        works, for every stove that shares this relay.
        """
        if token != self.token:
            self.token = token
            self._client.use_token(token)

    @property
    def timeout(self) -> float:
        """The current per-round-trip timeout in seconds."""
        return self._client.rtt.timeout

    @property
    def packets_sent(self) -> int:
        """Datagrams sent to this device so far (hellos included)."""
        return self._client.sent

    async def async_close(self) -> None:
        """Close the socket (the last stove using this host unloaded)."""
        await self._client.close()

    async def _call(self, method: str, params: Any, *, deadline: float, hedge: bool) -> Any:
        try:
            return await self._client.call(method, params, deadline=deadline, hedge=hedge)
        except MiioDeviceError as err:
            if err.code in RETRYABLE_CODES:
                raise RelayBusy(str(err)) from err
            if err.code is None:
                raise RelayUnreachable("device error without a code") from err
            raise RelayRejected(err.code) from err
        except MiioError as err:
            raise RelayUnreachable(str(err)) from err
        except OSError as err:
            # No route, a host name that does not resolve.
            raise RelayUnreachable(f"{type(err).__name__}: {err}") from err

    # --- reads -----------------------------------------------------------

    async def _get(
        self, addresses: list[MiioChannelAddress], *, deadline: float, hedge: bool = False
    ) -> dict[MiioChannelAddress, Any]:
        reply = await self._call(
            "get_properties",
            [{"did": f"{a.siid}-{a.piid}", "siid": a.siid, "piid": a.piid} for a in addresses],
            deadline=deadline,
            hedge=hedge,
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

    async def _read(
        self, addresses: list[MiioChannelAddress], *, deadline: float, hedge: bool = False
    ) -> dict[MiioChannelAddress, bool]:
        if self.protocol is MiioProtocol.LEGACY:
            reply = await self._call("get_prop", ["power"], deadline=deadline, hedge=hedge)
            if not isinstance(reply, list) or not reply:
                raise RelayUnreachable(f"unexpected reply {reply!r:.80}")
            return dict.fromkeys(addresses, reply[0] == "on")
        values = await self._get(addresses, deadline=deadline, hedge=hedge)
        return {a: bool(v) for a, v in values.items()}

    def _poll_deadline(self, attempts: int) -> float:
        # A poll waits for a few round trips, not for a shut-off's budget.
        return attempts * self.timeout

    async def async_read(
        self, addresses: list[MiioChannelAddress], *, attempts: int = 3
    ) -> dict[MiioChannelAddress, bool]:
        """Read relay channel states (on/off)."""
        return await self._read(addresses, deadline=self._poll_deadline(attempts))

    async def async_get_values(
        self, addresses: list[MiioChannelAddress], *, attempts: int = 2
    ) -> dict[MiioChannelAddress, Any]:
        """Read raw MIoT property values (e.g. a flame sensor's millivolts)."""
        return await self._get(addresses, deadline=self._poll_deadline(attempts))

    async def async_answers_hello(self) -> bool:
        """Whether the device answers the unencrypted handshake.

        After failed requests this tells a dead relay from one that rejects
        our token: a relay that answers the unencrypted handshake but never an
        encrypted request is rejecting our token (real firmware stays silent
        on a bad checksum).
        """
        try:
            return await self._client.hello(deadline=2 * self.timeout)
        except OSError:
            return False

    async def async_info(self, *, attempts: int = 2) -> dict[str, Any]:
        """miIO.info, used by the config flow to identify the device."""
        info: dict[str, Any] = await self._call(
            "miIO.info", [], deadline=self._poll_deadline(attempts), hedge=False
        )
        return info

    # --- writes ----------------------------------------------------------

    async def async_write(
        self, address: MiioChannelAddress, on: bool, *, deadline: float | None = None
    ) -> None:
        """Drive a channel and keep trying until a read-back confirms it.

        The value is explicit (never a toggle), so every copy of the write may
        land: harmless. No back-off: copies go out every hedge interval until
        the deadline, within the device's packet budget.
        """
        loop = asyncio.get_running_loop()
        give_up = loop.time() + (CONFIRM_DEADLINE if deadline is None else deadline)
        last: RelayError = RelayUnreachable(self.host)
        while (left := give_up - loop.time()) > 0:
            try:
                await self._write_once(address, on, deadline=left)
                states = await self._read([address], deadline=give_up - loop.time(), hedge=True)
            except RelayRejected:
                raise
            except RelayUnreachable as err:
                last = err
                continue
            if address not in states:
                last = RelayUnreachable("read-back did not include the channel")
            elif states[address] == on:
                return
            else:
                # Accepted but not switched yet (MIoT code 1, a slow relay).
                last = RelayUnreachable(f"{self.host} reads back {states[address]}")
            await asyncio.sleep(min(RETRY_PAUSE, max(give_up - loop.time(), 0)))
        raise last

    async def _write_once(self, address: MiioChannelAddress, on: bool, *, deadline: float) -> None:
        if self.protocol is MiioProtocol.LEGACY:
            await self._call("set_power", ["on" if on else "off"], deadline=deadline, hedge=True)
            return
        # The read-back is the confirmation: an acknowledgement without
        # per-item codes is enough to go on to it.
        await self._set_value(address, on, deadline=deadline, bare_ack_ok=True)

    async def _set_value(
        self, address: MiioChannelAddress, value: Any, *, deadline: float, bare_ack_ok: bool = False
    ) -> None:
        reply = await self._call(
            "set_properties",
            [
                {
                    "did": f"{address.siid}-{address.piid}",
                    "siid": address.siid,
                    "piid": address.piid,
                    "value": value,
                }
            ],
            deadline=deadline,
            hedge=True,
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
            # read-back (and a repeated write) shows when it has.
            if code not in (MIOT_OK, MIOT_ACCEPTED_LATER):
                raise RelayRejected(code)

    async def async_set_value(
        self, address: MiioChannelAddress, value: Any, *, deadline: float = 3.0
    ) -> None:
        """Write one MIoT property (e.g. a countdown), retried until acknowledged."""
        await self._set_value(address, value, deadline=deadline)


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

    @property
    def assumed(self) -> bool:
        """Whether the state shown is only what the relay was told (it proves nothing)."""
        return False

    def sent_recently(self, on: bool) -> bool:
        """Whether a change to `on` may be the late report of our own write.

        A relay read over the LAN answers with the device's state; only a
        relay reached through someone's cloud reports changes late.
        """
        return False

    @callback
    def async_notify(self) -> None:
        """Tell every listener that something changed."""
        for listener in list(self._listeners):
            listener()

    @abstractmethod
    def async_stop(self) -> None:
        """Stop following the relay (unload)."""


class EntityRelayChannel(RelayChannel):
    """Any switch entity Home Assistant already controls, used as the relay.

    The entity's state is the only evidence: a write is confirmed when the
    entity shows it, within `confirm_window` seconds. A relay reached through
    a cloud (Xiaomi Home, xiaomi-miot) shows changes late; a report that comes
    after the window is still recognised as ours (`sent_recently`), never as
    someone else's cut. An `assumed_state` entity shows whatever it was told:
    it confirms nothing (`assumed`), so only a flame source can.
    """

    def __init__(
        self, hass: HomeAssistant, entity_id: str, confirm_window: float = CONFIRM_DEADLINE
    ) -> None:
        """Follow the entity's state; nothing is switched yet."""
        super().__init__()
        self.hass = hass
        self.entity_id = entity_id
        self.confirm_window = confirm_window
        self._unsub: CALLBACK_TYPE | None = None
        # When each value was last written (monotonic), for late reports.
        self._sent: dict[bool, float] = {}

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

    @property
    def assumed(self) -> bool:
        """The entity says its state is assumed (an optimistic, one-way switch)."""
        state = self.hass.states.get(self.entity_id)
        return state is not None and bool(state.attributes.get(ATTR_ASSUMED_STATE))

    def sent_recently(self, on: bool) -> bool:
        """`on` was written within twice the confirmation window."""
        sent = self._sent.get(on)
        return sent is not None and time.monotonic() - sent < LATE_REPORT_WINDOWS * (
            self.confirm_window
        )

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
        give_up = time.monotonic() + self.confirm_window
        domain = self.entity_id.split(".", 1)[0]
        while True:
            self._sent[on] = time.monotonic()
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
            else:
                if self.assumed:
                    # Its state would say yes to anything: the action was
                    # taken, and that is all it can tell.
                    return
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
            self.hass.async_create_task(connection.async_close(), f"gas_stove close {host}")
        else:
            self._connections[host] = (connection, users - 1)


POOL_KEY: HassKey[MiioPool] = HassKey("gas_stove_miio_pool")


def miio_pool(hass: HomeAssistant) -> MiioPool:
    """Return this instance's pool of miIO connections."""
    if POOL_KEY not in hass.data:
        hass.data[POOL_KEY] = MiioPool(hass)
    return hass.data[POOL_KEY]
