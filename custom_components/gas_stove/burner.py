"""The safety logic of one burner, free of entity code.

The relay contact sits in series in the burner's thermocouple loop. Opening
the loop for a moment (the pulse) lets the flame-failure valve drop; the
valve then stays shut until a person pushes the knob again, so after the
pulse the relay goes back to rest and the burner can be relit by hand.
Holding the cut is the child lock.

Rules kept here, in one place:
- Software only takes gas away. The relay is driven toward rest only to end
  a pulse, to reconcile after a restart (no hold persisted), or because a
  person released a hold.
- A hold and an unfinished pulse are persisted before the relay is touched.
- Two shut-offs never interleave; one during a pulse joins it.
- A shut-off either ends with the relay confirmed in "cut", or raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .const import BurnerWiring, ShutOffReason
from .memory import BurnerMemory, SavedBurner
from .relay import CONFIRM_DEADLINE, RelayChannel, RelayError

_LOGGER = logging.getLogger(__name__)

# Back-off for putting a relay back where it belongs after a failure.
RECONCILE_RETRY = (2.0, 5.0, 15.0, 30.0)


@dataclass(frozen=True, slots=True)
class BurnerSettings:
    """What the person configured for one burner."""

    burner_id: str
    name: str
    wiring: BurnerWiring
    pulse: float


@dataclass(frozen=True, slots=True)
class ShutOffRecord:
    """The last shut-off this burner carried out."""

    reason: ShutOffReason
    at: datetime


class Burner:
    """One burner: pulse, hold and reconciliation of its relay."""

    def __init__(
        self,
        hass: HomeAssistant,
        settings: BurnerSettings,
        relay: RelayChannel,
        memory: BurnerMemory,
    ) -> None:
        """Nothing is switched until `async_start`."""
        self.hass = hass
        self.settings = settings
        self.relay = relay
        self._memory = memory
        self._hold = False
        self._pulse_until: datetime | None = None
        # Set when the relay must be brought back to rest (end of a pulse, or
        # found in "cut" after a restart); never set for a cut someone else
        # made, which we report instead of fighting.
        self._release_due = False
        self._write_lock = asyncio.Lock()
        self._cutting: asyncio.Task[None] | None = None
        self._reconciling: asyncio.Task[None] | None = None
        self._retry_step = 0
        self._cancel_pulse_end: CALLBACK_TYPE | None = None
        self._cancel_retry: CALLBACK_TYPE | None = None
        self._unsub_relay: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []
        self.last_shut_off: ShutOffRecord | None = None
        self.last_error: RelayError | None = None

    # --- what the entities show ------------------------------------------

    @property
    def burner_id(self) -> str:
        """Stable id of this burner inside its stove."""
        return self.settings.burner_id

    @property
    def cut_value(self) -> bool:
        """Relay state that opens the thermocouple loop."""
        return self.settings.wiring is BurnerWiring.SERIES_NC

    @property
    def relay_cut(self) -> bool | None:
        """Whether the loop is open; None when the relay state is unknown."""
        energised = self.relay.energised
        return None if energised is None else energised == self.cut_value

    @property
    def available(self) -> bool:
        """Whether the relay can be reached and its state is known."""
        return self.relay.available and self.relay.energised is not None

    @property
    def hold(self) -> bool:
        """Whether the child lock holds the cut."""
        return self._hold

    @property
    def pulsing(self) -> bool:
        """Whether a shut-off pulse is under way."""
        return self._pulse_until is not None or self._cutting is not None

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when anything shown about this burner changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # --- life cycle ------------------------------------------------------

    async def async_start(self) -> None:
        """Restore persisted state and bring the relay where it belongs."""
        saved = self._memory.get(self.burner_id)
        self._hold = saved.hold
        if saved.pulse_until is not None and saved.pulse_until > dt_util.utcnow():
            self._pulse_until = saved.pulse_until
            self._cancel_pulse_end = async_track_point_in_utc_time(
                self.hass, self._pulse_ended, saved.pulse_until
            )
        else:
            # A restart ends any pulse; a relay left in "cut" without a
            # persisted hold goes back to rest.
            self._release_due = not saved.hold
        self._unsub_relay = self.relay.async_add_listener(self._relay_changed)
        await self._async_reconcile()

    async def async_stop(self) -> None:
        """Unload: finish a pulse in progress so the burner ends at rest."""
        if self._unsub_relay:
            self._unsub_relay()
            self._unsub_relay = None
        for cancel in (self._cancel_pulse_end, self._cancel_retry):
            if cancel:
                cancel()
        self._cancel_pulse_end = self._cancel_retry = None
        if self._cutting is not None:
            await asyncio.gather(self._cutting, return_exceptions=True)
        if self._reconciling is not None:
            self._reconciling.cancel()
            await asyncio.gather(self._reconciling, return_exceptions=True)
        if self._pulse_until is not None:
            remaining = (self._pulse_until - dt_util.utcnow()).total_seconds()
            if remaining > 0:
                await asyncio.sleep(remaining)
            self._pulse_until = None
            self._release_due = not self._hold
            try:
                await self._async_reconcile_once()
            except RelayError as err:
                # The persisted pulse makes the next start finish the job.
                _LOGGER.warning(
                    "%s: relay not returned to rest at unload: %s", self.settings.name, err
                )

    # --- the shut-off ------------------------------------------------------

    async def async_shut_off(self, reason: ShutOffReason) -> None:
        """Cut the flame; returns once the relay confirms the cut."""
        if self._cutting is not None:
            # A second shut-off joins the one under way: nothing interleaves.
            await asyncio.shield(self._cutting)
            return
        if self._pulse_until is not None or (self._hold and self.relay_cut):
            # Already cut: a shut-off during a pulse extends nothing.
            self._record(reason)
            return
        self._cutting = self.hass.async_create_task(
            self._async_pulse(reason), f"gas_stove shut-off {self.burner_id}"
        )
        try:
            await asyncio.shield(self._cutting)
        finally:
            if self._cutting is not None and self._cutting.done():
                self._cutting = None

    async def _async_pulse(self, reason: ShutOffReason) -> None:
        # Persist first: a crash mid-pulse must still end at rest after restart.
        self._pulse_until = dt_util.utcnow() + timedelta(
            seconds=self.settings.pulse + CONFIRM_DEADLINE
        )
        await self._async_save()
        try:
            async with self._write_lock:
                await self.relay.async_set(self.cut_value)
        except RelayError as err:
            self._pulse_until = None
            await self._async_save()
            self.last_error = err
            self._cutting = None
            self._notify()
            raise
        self.last_error = None
        self._record(reason)
        # The pulse counts from the confirmed cut: retries before it must not
        # shorten the time the valve gets to drop.
        until = dt_util.utcnow() + timedelta(seconds=self.settings.pulse)
        if self._hold:
            # A hold set meanwhile keeps the cut; no release will follow.
            self._pulse_until = None
            await self._async_save()
        else:
            self._pulse_until = until
            await self._async_save()
            self._cancel_pulse_end = async_track_point_in_utc_time(
                self.hass, self._pulse_ended, until
            )
        self._cutting = None
        self._notify()

    @callback
    def _record(self, reason: ShutOffReason) -> None:
        self.last_shut_off = ShutOffRecord(reason, dt_util.utcnow())
        _LOGGER.info("%s shut off (%s)", self.settings.name, reason)

    @callback
    def _pulse_ended(self, _now: datetime) -> None:
        self._cancel_pulse_end = None
        self._pulse_until = None
        self._release_due = not self._hold
        self._schedule_reconcile()

    # --- the child lock ----------------------------------------------------

    async def async_hold(self) -> None:
        """Hold the cut (child lock): the burner cannot stay lit."""
        self._hold = True
        self._release_due = False
        await self._async_save()
        self._notify()
        try:
            async with self._write_lock:
                await self.relay.async_set(self.cut_value)
        except RelayError as err:
            # The hold stays persisted and is asserted when the relay returns.
            self.last_error = err
            self._schedule_retry()
            raise
        self.last_error = None
        if self._pulse_until is not None:
            self._cancel_pulse()
            await self._async_save()
        self._notify()

    async def async_release(self) -> None:
        """Release the burner for a person: back to rest unless a pulse runs."""
        self._hold = False
        await self._async_save()
        self._notify()
        if self.pulsing:
            # The pulse ends at rest by itself; cutting it short could leave
            # the valve open.
            return
        self._release_due = True
        await self._async_reconcile_once()

    @callback
    def _cancel_pulse(self) -> None:
        if self._cancel_pulse_end:
            self._cancel_pulse_end()
            self._cancel_pulse_end = None
        self._pulse_until = None

    # --- keeping the relay where it belongs --------------------------------

    @callback
    def _relay_changed(self) -> None:
        if self.relay_cut is None:
            self._notify()
            return
        if (self._hold and not self.relay_cut and self._cutting is None) or (
            self._release_due and self.relay_cut
        ):
            self._schedule_reconcile()
        self._notify()

    @callback
    def _schedule_reconcile(self) -> None:
        if self._reconciling is not None and not self._reconciling.done():
            return
        self._reconciling = self.hass.async_create_background_task(
            self._async_reconcile(), f"gas_stove reconcile {self.burner_id}"
        )

    async def _async_reconcile(self) -> None:
        try:
            await self._async_reconcile_once()
        except RelayError as err:
            self.last_error = err
            _LOGGER.warning("%s: relay not where it belongs yet: %s", self.settings.name, err)
            self._schedule_retry()
        self._notify()

    async def _async_reconcile_once(self) -> None:
        """Drive the relay to what hold and pulse say; raises on failure."""
        if self._hold:
            if self.relay_cut is False:
                _LOGGER.warning(
                    "%s: relay left the child-lock hold; cutting again", self.settings.name
                )
                async with self._write_lock:
                    await self.relay.async_set(self.cut_value)
        elif self._release_due and self._pulse_until is None and self._cutting is None:
            if self.relay_cut is None:
                # Unknown (relay not seen yet): the next state change retries.
                return
            if self.relay_cut:
                async with self._write_lock:
                    await self.relay.async_set(not self.cut_value)
            self._release_due = False
            await self._async_save()
        self._retry_step = 0
        self.last_error = None

    @callback
    def _schedule_retry(self) -> None:
        if self._cancel_retry:
            return
        delay = RECONCILE_RETRY[min(self._retry_step, len(RECONCILE_RETRY) - 1)]
        self._retry_step += 1

        @callback
        def retry(_now: datetime) -> None:
            self._cancel_retry = None
            self._schedule_reconcile()

        self._cancel_retry = async_call_later(self.hass, delay, retry)

    async def _async_save(self) -> None:
        await self._memory.async_put(
            self.burner_id,
            SavedBurner(
                hold=self._hold,
                pulse_until=self._pulse_until,
            ),
        )
