"""Polling of miIO relays: one coordinator per relay host."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .const import DOMAIN
from .flame import FlameDetector
from .relay import (
    MiioChannelAddress,
    MiioRelay,
    RelayBusy,
    RelayChannel,
    RelayError,
    RelayRejected,
    RelayUnreachable,
    miio_pool,
)

_LOGGER = logging.getLogger(__name__)

# The relay changes only when we or someone else switches it; the poll is how
# we notice that it went away or was switched from the Mi Home app.
POLL_INTERVAL = timedelta(seconds=10)
# Polls that must fail in a row before the relay counts as gone, and how soon
# a failed poll is repeated.
FAILED_POLLS_UNAVAILABLE = 3
RECHECK_INTERVAL = timedelta(seconds=2)
# Consecutive polls in which the relay answered the handshake but no request
# before we ask the person for a new token (lossy Wi-Fi alone rarely does it).
TOKEN_SUSPECT_POLLS = 5


class MiioRelayCoordinator(DataUpdateCoordinator[dict[MiioChannelAddress, bool]]):
    """Reads every channel in use on one relay in a single request."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, relay: MiioRelay) -> None:
        """One coordinator per relay host of the stove."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} relay {relay.host}",
            update_interval=POLL_INTERVAL,
            always_update=False,
        )
        self.relay = relay
        self.addresses: list[MiioChannelAddress] = []
        self._failed_polls = 0
        self._answered = False

    async def _async_update_data(self) -> dict[MiioChannelAddress, bool]:
        try:
            states = await self._async_poll()
        except UpdateFailed:
            self._failed_polls += 1
            if not self._answered:
                # Not seen since the start: look again soon.
                self.update_interval = RECHECK_INTERVAL
            elif self._failed_polls < FAILED_POLLS_UNAVAILABLE:
                # One lost poll on a lossy link must not make the switches
                # unavailable: Home Assistant silently skips actions on
                # unavailable entities, so a shut-off would be dropped. Look
                # again soon instead.
                self.update_interval = RECHECK_INTERVAL
                return self.data
            raise
        self._failed_polls = 0
        self._answered = True
        self.update_interval = POLL_INTERVAL
        return states

    async def _async_poll(self) -> dict[MiioChannelAddress, bool]:
        suspects = miio_pool(self.hass).token_suspect
        host = self.relay.host
        try:
            # The first read at setup makes two attempts: one lost packet must
            # not leave the stove uncontrollable until Home Assistant's setup
            # retry, but an unplugged relay must not hold up the start either.
            states = await self.relay.async_read(
                self.addresses, attempts=2 if self.data is None else 3
            )
        except RelayBusy as err:
            # It decrypted our request: the token is fine, the device is busy.
            suspects.pop(host, None)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="relay_unreachable",
                translation_placeholders={"host": host},
            ) from err
        except RelayUnreachable as err:
            if await self.relay.async_answers_hello():
                # Counted across setup retries too (the pool outlives them).
                suspects[host] = suspects.get(host, 0) + 1
                if suspects[host] >= TOKEN_SUSPECT_POLLS:
                    suspects.pop(host)
                    raise ConfigEntryAuthFailed(
                        translation_domain=DOMAIN,
                        translation_key="token_rejected",
                        translation_placeholders={"host": self.relay.host},
                    ) from err
            else:
                suspects.pop(host, None)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="relay_unreachable",
                translation_placeholders={"host": self.relay.host},
            ) from err
        except RelayRejected as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="relay_poll_rejected",
                translation_placeholders={"host": self.relay.host, "code": str(err.code)},
            ) from err
        suspects.pop(host, None)
        return states

    @callback
    def async_confirmed(self, address: MiioChannelAddress, on: bool) -> None:
        """Share a state read back after a write, without a poll."""
        data = dict(self.data or {})
        data[address] = on
        self.async_set_updated_data(data)


class MiioRelayChannel(RelayChannel):
    """One channel of a polled miIO relay."""

    def __init__(self, coordinator: MiioRelayCoordinator, address: MiioChannelAddress) -> None:
        """Register the channel so the coordinator polls it."""
        super().__init__()
        self.coordinator = coordinator
        self.address = address
        if address not in coordinator.addresses:
            coordinator.addresses.append(address)
        self._unsub: CALLBACK_TYPE | None = coordinator.async_add_listener(self.async_notify)

    @callback
    def async_stop(self) -> None:
        """Stop listening: an unloaded stove must not keep the poll alive."""
        if self._unsub:
            self._unsub()
            self._unsub = None

    @property
    def key(self) -> str:
        """Host and MIoT address identify the channel."""
        relay = self.coordinator.relay
        return f"miio:{relay.host}:{self.address.siid}:{self.address.piid}"

    @property
    def energised(self) -> bool | None:
        """Last state read from (or confirmed by) the device."""
        if not self.coordinator.last_update_success or self.coordinator.data is None:
            return None
        return self.coordinator.data.get(self.address)

    @property
    def available(self) -> bool:
        """Available while polls succeed."""
        return self.coordinator.last_update_success

    async def async_set(self, on: bool) -> None:
        """Write, read back, and share the confirmed state."""
        await self.coordinator.relay.async_write(self.address, on)
        self.coordinator.async_confirmed(self.address, on)


# A lit burner or a shut-off being verified is watched closely; an idle
# stove only needs to notice that someone lit a burner.
FLAME_POLL_FAST = timedelta(seconds=1)
FLAME_POLL_SLOW = timedelta(seconds=10)


class MiotFlameCoordinator(DataUpdateCoordinator[dict[MiioChannelAddress, Any]]):
    """Polls the flame properties of one Mi device for every burner using it."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, connection: MiioRelay) -> None:
        """Shares the connection (and its lock) with a relay on the same host."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} flame sensor {connection.host}",
            update_interval=FLAME_POLL_SLOW,
            always_update=True,
        )
        self.connection = connection
        self.detectors: dict[MiioChannelAddress, FlameDetector] = {}
        self._watchers: set[str] = set()

    async def _async_update_data(self) -> dict[MiioChannelAddress, Any]:
        try:
            values = await self.connection.async_get_values(list(self.detectors))
        except RelayError as err:
            for detector in self.detectors.values():
                detector.async_unavailable()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="flame_sensor_unreachable",
                translation_placeholders={"host": self.connection.host},
            ) from err
        for address, detector in self.detectors.items():
            detector.async_reading(values.get(address))
        self._retune()
        return values

    @callback
    def add_detector(self, address: MiioChannelAddress, detector: FlameDetector) -> None:
        """Feed `detector` from `address`; a lit flame speeds up polling."""
        self.detectors[address] = detector
        # Debounced commits happen between polls: re-pace when they do.
        detector.async_add_listener(self._retune)

    @callback
    def async_stop(self) -> None:
        """Unload: cancel the detectors' pending debounce commits."""
        for detector in self.detectors.values():
            detector.async_stop()

    @callback
    def async_watch(self, key: str, watching: bool) -> None:
        """Poll fast while `key` (a burner verifying a shut-off) asks for it."""
        if watching:
            self._watchers.add(key)
        else:
            self._watchers.discard(key)
        self._retune()

    @callback
    def _retune(self) -> None:
        fast = bool(self._watchers) or any(d.state for d in self.detectors.values())
        interval = FLAME_POLL_FAST if fast else FLAME_POLL_SLOW
        if interval != self.update_interval:
            self.update_interval = interval
            if fast:
                # Take the new pace now rather than after the slow interval.
                self.hass.async_create_task(self.async_request_refresh())
