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


type CutListener = Callable[[ShutOffReason, datetime], None]


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
        self._cut_listeners: list[CutListener] = []
        # A second cut held after a shut-off that the flame did not obey
        # (see watch.py); persisted like the child lock.
        self._escalated = False
        self._seen_cut: bool | None = None
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
    def escalated(self) -> bool:
        """Whether a second cut is held until the flame is confirmed out."""
        return self._escalated

    @property
    def _held(self) -> bool:
        return self._hold or self._escalated

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

    @callback
    def async_add_cut_listener(self, listener: CutListener) -> CALLBACK_TYPE:
        """Be told of every confirmed cut: (reason, when it was asked for)."""
        self._cut_listeners.append(listener)
        return lambda: self._cut_listeners.remove(listener)

    @callback
    def _cut_confirmed(self, reason: ShutOffReason, requested_at: datetime) -> None:
        self._record(reason)
        for listener in list(self._cut_listeners):
            listener(reason, requested_at)

    # --- life cycle ------------------------------------------------------

    async def async_start(self) -> None:
        """Restore persisted state and bring the relay where it belongs."""
        saved = self._memory.get(self.burner_id)
        self._hold = saved.hold
        self._escalated = saved.escalated
        if saved.last_reason is not None and saved.last_at is not None:
            self.last_shut_off = ShutOffRecord(saved.last_reason, saved.last_at)
        if saved.pulse_until is not None and saved.pulse_until > dt_util.utcnow():
            self._pulse_until = saved.pulse_until
            self._cancel_pulse_end = async_track_point_in_utc_time(
                self.hass, self._pulse_ended, saved.pulse_until
            )
        else:
            # A restart ends any pulse; a relay left in "cut" without a
            # persisted hold goes back to rest.
            self._release_due = not self._held
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
            self._release_due = not self._held
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
        if self._pulse_until is not None or (self._held and self.relay_cut):
            # Already cut: a shut-off during a pulse extends nothing.
            self._record(reason)
            await self._async_save()
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
        requested_at = dt_util.utcnow()
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
        self._cut_confirmed(reason, requested_at)
        # The pulse counts from the confirmed cut: retries before it must not
        # shorten the time the valve gets to drop.
        until = dt_util.utcnow() + timedelta(seconds=self.settings.pulse)
        if self._held:
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
        """Remember the reason; callers persist it with their next save."""
        self.last_shut_off = ShutOffRecord(reason, dt_util.utcnow())
        _LOGGER.info("%s shut off (%s)", self.settings.name, reason)

    @callback
    def _pulse_ended(self, _now: datetime) -> None:
        self._cancel_pulse_end = None
        self._pulse_until = None
        self._release_due = not self._held
        self._schedule_reconcile()

    # --- the child lock ----------------------------------------------------

    async def async_hold(self, reason: ShutOffReason = ShutOffReason.MANUAL) -> None:
        """Hold the cut (child lock): the burner cannot stay lit."""
        requested_at = dt_util.utcnow()
        was_cut = bool(self.relay_cut)
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
        if not was_cut:
            self._cut_confirmed(reason, requested_at)
        await self._async_save()
        self._notify()

    async def async_escalate(self) -> None:
        """Hold a second cut until the flame is confirmed out.

        A knob held in by hand keeps the valve open through any cut; holding
        the loop open means the flame dies as soon as the knob is released.
        """
        self._escalated = True
        self._release_due = False
        await self._async_save()
        self._notify()
        if self._pulse_until is not None:
            self._cancel_pulse()
        try:
            async with self._write_lock:
                await self.relay.async_set(self.cut_value)
        except RelayError as err:
            self.last_error = err
            self._schedule_retry()
        self._notify()

    async def async_end_escalation(self) -> None:
        """End the second cut once the flame is out: back to rest by itself."""
        if not self._escalated:
            return
        self._escalated = False
        self._release_due = not self._hold
        await self._async_save()
        self._schedule_reconcile()
        self._notify()

    async def async_release(self) -> None:
        """Release the burner for a person: back to rest unless a pulse runs."""
        self._hold = False
        self._escalated = False
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
        cut = self.relay_cut
        if cut is None:
            self._notify()
            return
        if cut and self._seen_cut is False and not self._ours_cut():
            # Someone else cut the burner (the Mi Home app, a wall button):
            # reported, never undone.
            self._cut_confirmed(ShutOffReason.EXTERNAL, dt_util.utcnow())
            self.hass.async_create_task(self._async_save())
        self._seen_cut = cut
        if (self._held and not self.relay_cut and self._cutting is None) or (
            self._release_due and self.relay_cut
        ):
            self._schedule_reconcile()
        self._notify()

    def _ours_cut(self) -> bool:
        return self._held or self.pulsing or self._write_lock.locked()

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
        if self._held:
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
                escalated=self._escalated,
                last_reason=self.last_shut_off.reason if self.last_shut_off else None,
                last_at=self.last_shut_off.at if self.last_shut_off else None,
            ),
        )
