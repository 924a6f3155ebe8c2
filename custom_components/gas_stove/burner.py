"""The safety logic of one burner, free of entity code.

The relay contact sits in series in the burner's thermocouple loop. Opening
the loop for a moment (the pulse) lets the flame-failure valve drop; the
valve then stays shut until a person pushes the knob again, so after the
pulse the relay goes back to rest and the burner can be relit by hand.
Holding the cut is the child lock.

Rules kept here, in one place:
- Software only takes gas away. The relay is driven toward rest only to end
  a pulse, to reconcile after a restart or a relay that came back (no hold
  persisted), or because a person released a hold.
- A requested cut, a confirmed pulse and a hold are persisted before the
  relay is touched; a restart completes a cut that was never confirmed.
- Two shut-offs never interleave; one during a confirmed pulse joins it.
- A shut-off either ends with the relay confirmed in "cut", or raises and
  leaves `failed_shutoff` set for the Problem sensor, even when the caller
  has gone away.
- Every decision about what to write is taken while holding the write lock,
  on the state as it is then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import time

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .const import BurnerWiring, ShutOffReason
from .memory import BurnerMemory, SavedBurner
from .relay import RelayChannel, RelayError, RelayPreempted, RelayUnreachable

_LOGGER = logging.getLogger(__name__)


class BurnerHeld(Exception):
    """Gas "on" was asked for while a hold is in force; only the hold's own control lifts it."""

    def __init__(self, burner: str, *, escalated: bool) -> None:
        """Name the burner, and whether the hold is the second cut (not a lock)."""
        super().__init__(burner)
        self.burner = burner
        self.escalated = escalated


# Back-off for putting a relay back where it belongs after a failure.
RECONCILE_RETRY = (2.0, 5.0, 15.0, 30.0)
# A relay that leaves a hold this often within this many seconds is not
# fought in a tight loop (an automation, an inching or auto-off mode switching
# it back): it is re-cut with the back-off above, and reported.
HOLD_DEPARTURES = 3
HOLD_DEPARTURE_WINDOW = 30.0


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


# (reason, when it was asked for, whether the relay confirmed the cut)
type CutListener = Callable[[ShutOffReason, datetime, bool], None]


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
        # A second cut held after a shut-off that the flame did not obey
        # (see watch.py); persisted like the child lock.
        self._escalated = False
        # A cut that was asked for and not yet confirmed (persisted).
        self._pending: ShutOffReason | None = None
        # End of the current pulse (persisted as wall-clock time), and
        # whether its cut was confirmed (an unconfirmed one still ends at rest).
        self._pulse_until: datetime | None = None
        self._pulse_confirmed = False
        # Set when the relay must be brought back to rest (end of a pulse, a
        # restart, a relay that came back); never for a cut someone else
        # made, which is reported instead of fought.
        self._release_due = False
        # A cut someone else made, seen by us: never undone by software
        # (persisted; a person's Gas "on" returns it to rest).
        self._external_cut = False
        self._write_lock = asyncio.Lock()
        self._cutting: asyncio.Task[None] | None = None
        self._reconciling: asyncio.Task[None] | None = None
        self._reconcile_again = False
        self._rest_write: asyncio.Future[None] | None = None
        self._retry_step = 0
        self._stopped = False
        self._cancel_pulse_end: CALLBACK_TYPE | None = None
        self._cancel_retry: CALLBACK_TYPE | None = None
        self._unsub_relay: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []
        self._cut_listeners: list[CutListener] = []
        self._seen_cut: bool | None = None
        # When the relay was seen leaving a hold (monotonic), and whether it
        # does so too often to be fought at once.
        self._departures: list[float] = []
        self.hold_not_kept = False
        self._seen_available = True
        self.last_shut_off: ShutOffRecord | None = None
        self.last_error: RelayError | None = None
        # The reason of a shut-off the relay did not confirm; cleared by the
        # next confirmed cut or by a person releasing the burner.
        self.failed_shutoff: ShutOffReason | None = None

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
    def pulse_until(self) -> datetime | None:
        """When the confirmed pulse under way ends; None when none runs."""
        return self._pulse_until

    @property
    def pulsing(self) -> bool:
        """Whether a shut-off pulse is under way."""
        return self._pulse_until is not None or self._cutting is not None

    @property
    def _held(self) -> bool:
        return self._hold or self._escalated

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when anything shown about this burner changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_add_cut_listener(self, listener: CutListener) -> CALLBACK_TYPE:
        """Be told of every cut: reason, when asked for, confirmed or not."""
        self._cut_listeners.append(listener)
        return lambda: self._cut_listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @callback
    def _cut_done(self, reason: ShutOffReason, requested_at: datetime, confirmed: bool) -> None:
        if confirmed:
            self.failed_shutoff = None
            self.last_shut_off = ShutOffRecord(reason, dt_util.utcnow())
            _LOGGER.info("%s shut off (%s)", self.settings.name, reason)
        else:
            self.failed_shutoff = reason
            _LOGGER.error(
                "%s: the relay did not confirm the shut-off (%s): %s",
                self.settings.name,
                reason,
                self.last_error,
            )
        for listener in list(self._cut_listeners):
            listener(reason, requested_at, confirmed)
        self._notify()

    # --- life cycle ------------------------------------------------------

    @callback
    def restore(self) -> None:
        """Take back the persisted state, before anything watches the burner."""
        saved = self._memory.get(self.burner_id)
        self._hold = saved.hold
        self._escalated = saved.escalated
        self._external_cut = saved.external
        # A shut-off the relay never confirmed stays a Problem across restarts.
        self.failed_shutoff = saved.failed
        if saved.last_reason is not None and saved.last_at is not None:
            self.last_shut_off = ShutOffRecord(saved.last_reason, saved.last_at)

    async def async_start(self) -> None:
        """Finish what the restart interrupted and bring the relay where it belongs."""
        saved = self._memory.get(self.burner_id)
        remaining = (
            (saved.pulse_until - dt_util.utcnow()).total_seconds() if saved.pulse_until else 0.0
        )
        if remaining > 0 and saved.pending is None:
            # Never longer than a pulse: a clock that is behind at boot (no
            # RTC, NTP not yet synced) must not hold the cut for the offset.
            remaining = min(remaining, self.settings.pulse)
            self._pulse_until = dt_util.utcnow() + timedelta(seconds=remaining)
            self._pulse_confirmed = True
            self._cancel_pulse_end = async_call_later(self.hass, remaining, self._pulse_ended)
        else:
            # A restart ends any pulse; a relay left in "cut" without a
            # persisted hold goes back to rest, unless someone else's cut
            # was seen before the restart: that one is left alone.
            self._release_due = not self._held and not self._external_cut
        self._seen_cut = self.relay_cut
        self._seen_available = self.available
        self._unsub_relay = self.relay.async_add_listener(self._relay_changed)
        if saved.pending is not None:
            # Home Assistant stopped between asking for a cut and seeing it
            # confirmed: the person still wants the flame out.
            _LOGGER.warning(
                "%s: completing a shut-off (%s) asked for before the restart",
                self.settings.name,
                saved.pending,
            )
            self._start_cut(saved.pending)
            return
        await self._async_reconcile()

    async def async_stop(self) -> None:
        """Unload: finish a pulse in progress so the burner ends at rest."""
        self._stopped = True
        if self._unsub_relay:
            self._unsub_relay()
            self._unsub_relay = None
        self._cancel_timers()
        if self._cutting is not None:
            await asyncio.gather(self._cutting, return_exceptions=True)
        if self._reconciling is not None:
            self._reconciling.cancel()
            await asyncio.gather(self._reconciling, return_exceptions=True)
        # A cut confirmed meanwhile may have armed its pulse end again.
        self._cancel_timers()
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

    @callback
    def _cancel_timers(self) -> None:
        for cancel in (self._cancel_pulse_end, self._cancel_retry):
            if cancel:
                cancel()
        self._cancel_pulse_end = self._cancel_retry = None

    # --- the shut-off ------------------------------------------------------

    async def async_shut_off(self, reason: ShutOffReason) -> None:
        """Cut the flame; returns once the relay confirms the cut."""
        if self._cutting is None and self._pulse_until is not None and self._pulse_confirmed:
            # A confirmed pulse is running: a shut-off now extends nothing.
            self.last_shut_off = ShutOffRecord(reason, dt_util.utcnow())
            await self._async_save()
            self._notify()
            return
        cutting = self._cutting or self._start_cut(reason)
        # Shielded: a caller that goes away (a cancelled script) does not
        # cancel the cut; a second shut-off joins the one under way.
        await asyncio.shield(cutting)

    @callback
    def _start_cut(self, reason: ShutOffReason) -> asyncio.Task[None]:
        task = self.hass.async_create_task(
            self._async_pulse(reason), f"gas_stove shut-off {self.burner_id}"
        )
        self._cutting = task

        @callback
        def finished(done: asyncio.Task[None]) -> None:
            if self._cutting is done:
                self._cutting = None
            if not done.cancelled():
                # Retrieved here so that a caller that went away does not
                # leave "exception never retrieved"; _cut_done reported it.
                done.exception()

        task.add_done_callback(finished)
        return task

    async def _async_pulse(self, reason: ShutOffReason) -> None:
        requested_at = dt_util.utcnow()
        # Persist first: after a crash the restart completes this cut.
        self._pending = reason
        await self._async_save()
        self._preempt_rest_write()
        try:
            async with self._write_lock:
                await self.relay.async_set(self.cut_value)
        except BaseException as err:
            self._pending = None
            self.last_error = err if isinstance(err, RelayError) else RelayUnreachable(repr(err))
            if not self._held and not self._stopped:
                # The write may have landed without its confirmation: end this
                # pulse like any other so the burner is not left cut. If the
                # relay never cut, writing rest changes nothing.
                self._cancel_pulse()
                self._pulse_until = dt_util.utcnow() + timedelta(seconds=self.settings.pulse)
                self._pulse_confirmed = False
                self._cancel_pulse_end = async_call_later(
                    self.hass, self.settings.pulse, self._pulse_ended
                )
            self._cut_done(reason, requested_at, confirmed=False)
            await self._async_save()
            raise
        self._pending = None
        self.last_error = None
        if self._held or self._stopped:
            # A hold keeps the cut (no release follows); at unload the stop
            # routine finishes the pulse itself.
            self._pulse_until = (
                None if self._held else dt_util.utcnow() + timedelta(seconds=self.settings.pulse)
            )
            self._pulse_confirmed = self._pulse_until is not None
        else:
            # The pulse counts from the confirmed cut: retries before it must
            # not shorten the time the valve gets to drop.
            self._cancel_pulse()
            self._pulse_until = dt_util.utcnow() + timedelta(seconds=self.settings.pulse)
            self._pulse_confirmed = True
            self._cancel_pulse_end = async_call_later(
                self.hass, self.settings.pulse, self._pulse_ended
            )
        self._cut_done(reason, requested_at, confirmed=True)
        await self._async_save()

    @callback
    def _pulse_ended(self, _now: datetime) -> None:
        self._cancel_pulse_end = None
        self._pulse_until = None
        self._release_due = not self._held
        self._schedule_reconcile()

    # --- the child lock and the second cut ---------------------------------

    async def async_hold(self, reason: ShutOffReason = ShutOffReason.MANUAL) -> None:
        """Hold the cut (child lock): the burner cannot stay lit."""
        self._hold = True
        await self._async_hold_cut(reason, raise_errors=True)

    async def async_escalate(self) -> None:
        """Hold a second cut until the flame is confirmed out.

        A knob held in by hand keeps the valve open through any cut; holding
        the loop open means the flame dies as soon as the knob is released.
        """
        self._escalated = True
        await self._async_hold_cut(ShutOffReason.EXTERNAL, raise_errors=False, report=False)

    async def _async_hold_cut(
        self, reason: ShutOffReason, *, raise_errors: bool, report: bool = True
    ) -> None:
        requested_at = dt_util.utcnow()
        self._release_due = False
        await self._async_save()
        self._notify()
        was_cut = bool(self.relay_cut)
        self._preempt_rest_write()
        try:
            async with self._write_lock:
                if not self._held:  # released while we waited for the lock
                    return
                await self.relay.async_set(self.cut_value)
        except RelayError as err:
            # The hold stays persisted and is asserted when the relay returns.
            self.last_error = err
            self._schedule_retry()
            if report:
                self._cut_done(reason, requested_at, confirmed=False)
                await self._async_save()
            self._notify()
            if raise_errors:
                raise
            return
        self.last_error = None
        if self._pulse_until is not None:
            self._cancel_pulse()
        if report and not was_cut:
            self._cut_done(reason, requested_at, confirmed=True)
        await self._async_save()
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

    async def async_release_hold(self) -> None:
        """A person lifts the hold (child lock, emergency hold, second cut).

        Only this lifts a hold: Gas "on" never does (a voice command, a group
        toggle or an automation turning the burner "on" must not undo a child
        lock). The release is written and confirmed now or the action fails
        with the hold still in force: it is never queued to land later, by
        itself, with nobody at the stove.
        """
        if not self._held:
            self.failed_shutoff = None
            await self._async_save()
            self._notify()
            return
        try:
            async with self._write_lock:
                if self.pulsing:
                    # A running pulse ends at rest by itself; cutting it short
                    # could leave the valve open.
                    pass
                elif self.relay_cut is None:
                    raise RelayUnreachable(f"{self.settings.name}: relay state unknown")
                else:
                    # Explicit even when it reads "at rest": the read may be old.
                    await self._async_write_rest()
                # Cleared under the lock, after the relay confirmed: a
                # reconcile waiting for the lock sees no hold to re-assert.
                self._hold = False
                self._escalated = False
                self.failed_shutoff = None
                self._release_due = False
                self._departures.clear()
                self.hold_not_kept = False
        except RelayError as err:
            self.last_error = err
            # Still held: put the relay back where the hold wants it.
            self._schedule_reconcile()
            self._notify()
            raise
        self.last_error = None
        await self._async_save()
        self._notify()

    async def async_enable_gas(self) -> None:
        """Gas "on": acknowledge a failed shut-off and return an idle cut to rest.

        Never lifts a hold (raises `BurnerHeld`), never shortens a pulse, never
        lights anything: a person lights the burner by hand afterwards.
        """
        if self._held:
            raise BurnerHeld(self.settings.name, escalated=self._escalated and not self._hold)
        self.failed_shutoff = None
        # A person's act on the Gas switch: someone else's cut may go too.
        self._external_cut = False
        self._release_due = True
        await self._async_save()
        self._notify()
        try:
            await self._async_reconcile_once(release=True)
        except RelayError as err:
            self.last_error = err
            self._schedule_retry()
            raise
        finally:
            self._notify()

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
        available = self.available
        came_back = available and not self._seen_available
        self._seen_available = available
        if cut is None:
            self._notify()
            return
        if (
            cut
            and came_back
            and not self._ours()
            and not self._external_cut
            # Still cut by our own pulse, whose return to rest the outage
            # held up: not someone else's cut.
            and not self._release_due
        ):
            if self.settings.wiring is BurnerWiring.SERIES_NO:
                # A series_no relay that rebooted comes back in its power-on
                # state, de-energised, which is "cut". Not someone's cut and
                # no hold is persisted: back to rest.
                self._release_due = True
            else:
                self._note_external_cut()
        elif cut and self._seen_cut is False and not self._ours():
            if self.relay.sent_recently(self.cut_value):
                # The late report of our own cut (a cloud-reached relay),
                # after its pulse or its failure: not someone else's cut.
                # Back to rest, as the pulse would have ended.
                self._release_due = not self._held
            else:
                # Someone else cut the burner (the Mi Home app, a wall button).
                self._note_external_cut()
        elif not cut and self._external_cut:
            # Back at rest (someone undid their cut): nothing to leave alone.
            self._external_cut = False
            self.hass.async_create_task(self._async_save())
        self._seen_cut = cut
        if not cut and self._release_due and not self._write_lock.locked():
            # Seen at rest: nothing left to release (a later cut by someone
            # else must not be undone by a stale flag).
            self._release_due = False
        if self._held and not cut:
            self._hold_departed()
        elif not cut and self._pulse_until is not None and self._pulse_confirmed:
            # At rest in the middle of a confirmed pulse: a late copy of a
            # rest write of ours, or someone else. The pulse is not over.
            self._schedule_reconcile()
        elif self._release_due and cut:
            self._schedule_reconcile()
        self._notify()

    @callback
    def _hold_departed(self) -> None:
        """The relay left a hold: cut again, at once unless it keeps doing so."""
        now = time.monotonic()
        self._departures = [t for t in self._departures if now - t < HOLD_DEPARTURE_WINDOW]
        self._departures.append(now)
        if len(self._departures) < HOLD_DEPARTURES:
            self._schedule_reconcile()
            return
        if not self.hold_not_kept:
            self.hold_not_kept = True
            _LOGGER.error(
                "%s: the relay left the hold %d times in %g s; something switches it back. "
                "Cutting again with back-off",
                self.settings.name,
                len(self._departures),
                HOLD_DEPARTURE_WINDOW,
            )
        self._schedule_retry()

    @callback
    def _note_external_cut(self) -> None:
        """Report a cut someone else made; it is never undone by software."""
        self._external_cut = True
        self._release_due = False
        self._cut_done(ShutOffReason.EXTERNAL, dt_util.utcnow(), confirmed=True)
        self.hass.async_create_task(self._async_save())

    def _ours(self) -> bool:
        return self._held or self.pulsing or self._write_lock.locked()

    async def _async_write_rest(self) -> None:
        """Write "at rest"; a cut that comes meanwhile calls this write off.

        A write toward rest can hold the write lock for its whole deadline (a
        relay that answers but does not confirm); a cut must not wait behind
        it. Whoever asked for the rest (the end of a pulse, a person's Gas on
        or unlock) gets a RelayError and decides again after the cut.
        """
        task = asyncio.ensure_future(self.relay.async_set(not self.cut_value))
        self._rest_write = task
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if (current is not None and current.cancelling()) or not task.cancelled():
                raise
            raise RelayPreempted(f"{self.settings.name}: a shut-off came first") from None
        finally:
            self._rest_write = None

    @callback
    def _preempt_rest_write(self) -> None:
        """A cut goes first: a write toward rest under way is called off.

        A copy of it that the device had already accepted may still land
        (firmware that completes writes later, MIoT code 1); such firmware
        completes them in order, so the cut, sent later, lands last, and a
        rest seen during the pulse is cut again (`_relay_changed`).
        """
        if self._rest_write is not None and not self._rest_write.done():
            self._rest_write.cancel()

    @callback
    def _schedule_reconcile(self) -> None:
        if self._stopped:
            return
        if self._reconciling is not None and not self._reconciling.done():
            # Asked while one runs (a pulse ending during a re-cut): that one
            # decided on an older state, so it looks once more when done.
            self._reconcile_again = True
            return
        self._reconciling = self.hass.async_create_background_task(
            self._async_reconcile(), f"gas_stove reconcile {self.burner_id}"
        )

    async def _async_reconcile(self) -> None:
        while True:
            self._reconcile_again = False
            try:
                await self._async_reconcile_once()
            except RelayError as err:
                self.last_error = err
                _LOGGER.warning("%s: relay not where it belongs yet: %s", self.settings.name, err)
                self._schedule_retry()
                break
            if not self._reconcile_again or self._stopped:
                break
        self._notify()

    async def _async_reconcile_once(self, *, release: bool = False) -> None:
        """Drive the relay to what hold and pulse say; raises on failure.

        `release` is a person's release: it writes rest even if a stale
        reading cleared the flag meanwhile.
        """
        async with self._write_lock:
            # Decided here, under the lock, on the state as it is now.
            if self._held:
                if self.relay_cut is False:
                    _LOGGER.warning("%s: relay left the hold; cutting again", self.settings.name)
                    await self.relay.async_set(self.cut_value)
            elif self._pulse_until is not None and self._pulse_confirmed:
                if self.relay_cut is False:
                    _LOGGER.warning("%s: relay left the cut during the pulse", self.settings.name)
                    await self.relay.async_set(self.cut_value)
            elif (
                (self._release_due or release)
                and self._pulse_until is None
                and self._cutting is None
            ):
                if self.relay_cut is None:
                    # Unknown (relay not seen yet): its next state retries.
                    return
                # Explicit even when it reads "at rest": the read may be old.
                await self._async_write_rest()
                self._release_due = False
        self._retry_step = 0
        self.last_error = None

    @callback
    def _schedule_retry(self) -> None:
        if self._cancel_retry or self._stopped:
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
                pending=self._pending,
                failed=self.failed_shutoff,
                last_reason=self.last_shut_off.reason if self.last_shut_off else None,
                last_at=self.last_shut_off.at if self.last_shut_off else None,
                external=self._external_cut,
            ),
        )
