"""Timed shut-off and maximum burn time of one burner, free of entity code.

A timer is a wall-clock deadline, persisted the moment it is set and resumed
after a restart. While Home Assistant runs it is scheduled on the monotonic
clock (not on any poll, not on wall time): an NTP correction that steps the
clock back does not delay a cut. After a restart the clock is all there is;
a deadline (and a burning session) is then never further away than what was
set, so a clock that is behind at boot cannot stretch it either. A
deadline that passed while Home Assistant was down is carried out at start,
late, and says by how much. A manual shut-off or a confirmed flame-out ends
the timer; lighting again never brings an old one back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import math
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .burner import Burner
from .const import ShutOffReason, StoveEvent
from .memory import BurnerMemory, SavedTimer
from .relay import MiioChannelAddress, MiioRelay, RelayError
from .watch import BurnerWatch

_LOGGER = logging.getLogger(__name__)

# Back-off between shut-off attempts when the relay does not answer.
EXPIRY_RETRY = (2.0, 5.0, 10.0)
# The on-device countdown fires this much after our own deadline, so that
# while Home Assistant runs it is always cancelled before it could fire.
BACKSTOP_GRACE = 10


class BurnerNotLit(Exception):
    """A timer was asked for on a burner whose flame source says it is out.

    The timer belongs to a cooking session: one set on an unlit burner would
    outlive no flame_off and later cut a burner someone lit for something
    else.
    """

    def __init__(self, burner: str) -> None:
        """Name the burner."""
        super().__init__(burner)
        self.burner = burner


@dataclass(frozen=True, slots=True)
class TimerSettings:
    """Per burner: default timer, maximum burn time, warning lead (options)."""

    default_minutes: int = 0
    max_runtime_minutes: int = 0
    warning_seconds: int = 60
    verify_window: float = 15.0


class CountdownBackstop:
    """A relay's own off-delay, mirrored from our deadline (series_no only).

    With series_no wiring "off" is the cut, so a countdown that switches the
    channel off cuts the burner even with Home Assistant down.
    """

    def __init__(self, relay: MiioRelay, address: MiioChannelAddress) -> None:
        """Use the countdown property of the burner's relay channel."""
        self.relay = relay
        self.address = address

    async def async_arm(self, deadline: datetime) -> None:
        """Mirror `deadline` (plus a grace) onto the device."""
        seconds = math.ceil((deadline - dt_util.utcnow()).total_seconds()) + BACKSTOP_GRACE
        await self._async_set(max(seconds, 1))

    async def async_disarm(self) -> None:
        """Cancel the on-device countdown."""
        await self._async_set(0)

    async def _async_set(self, seconds: int) -> None:
        try:
            await self.relay.async_set_value(self.address, seconds)
        except RelayError as err:
            # Only the backstop is missing; our own timer still runs.
            _LOGGER.warning("%s: on-device countdown not set: %s", self.relay.host, err)


class BurnerTimer:
    """The shut-off timer and the maximum burn time of one burner."""

    def __init__(
        self,
        hass: HomeAssistant,
        burner: Burner,
        watch: BurnerWatch,
        memory: BurnerMemory,
        settings: TimerSettings,
        backstop: CountdownBackstop | None = None,
    ) -> None:
        """Nothing is scheduled until `async_start`."""
        self.hass = hass
        self.burner = burner
        self.watch = watch
        self.settings = settings
        self.backstop = backstop
        self._memory = memory
        self.deadline: datetime | None = None
        self._duration: float | None = None
        self.runtime_since: datetime | None = None
        self._cancel_deadline: CALLBACK_TYPE | None = None
        self._cancel_warning: CALLBACK_TYPE | None = None
        self._cancel_runtime: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[CALLBACK_TYPE] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._was_enabled: bool | None = None

    # --- life cycle ------------------------------------------------------

    async def async_start(self) -> None:
        """Resume a stored deadline, or carry out one that passed meanwhile."""
        burner_id = self.burner.burner_id
        self._unsubs.append(self.burner.async_add_cut_listener(self._cut_done))
        self._unsubs.append(self.watch.async_add_event_listener(self._event))
        self._unsubs.append(self.burner.async_add_listener(self._burner_changed))
        saved = self._memory.timer(burner_id)
        now = dt_util.utcnow()
        # A session "started" in the future means the clock is behind now.
        self.runtime_since = saved.runtime_since and min(saved.runtime_since, now)
        self.deadline, self._duration = saved.deadline, saved.duration
        if self.watch.flame is None:
            # Unknown (an entity relay still loading) is neither.
            cut = self.burner.relay_cut
            self._was_enabled = None if cut is None else not cut
            if self._was_enabled and self.runtime_since is None:
                await self._async_set_runtime_since(dt_util.utcnow())
        elif self.watch.flame.state is False:
            # Lit before the restart but out now: that session is over. An
            # unknown flame (its integration still loading) ends nothing.
            await self._async_set_runtime_since(None)
        if self.watch.flame is not None:
            self._unsubs.append(self.watch.flame.async_add_listener(self._flame_known))
        self._schedule_runtime()
        deadline = saved.deadline
        if deadline is None:
            return
        if saved.duration is not None:
            deadline = min(deadline, now + timedelta(seconds=saved.duration))
        late = (dt_util.utcnow() - deadline).total_seconds()
        if late < 0:
            await self._async_arm(deadline, saved.duration)
            return
        # The deadline passed while Home Assistant was down.
        await self._async_store_deadline(None)
        flame = self.watch.flame.state if self.watch.flame else None
        self.watch.fire(
            StoveEvent.TIMER_EXPIRED,
            {"late_seconds": round(late, 1), "shut_off": flame is not False},
        )
        if flame is not False:
            self._spawn(self._async_shut_off(ShutOffReason.TIMER), background=True)

    async def async_stop(self) -> None:
        """Unload: unschedule; the deadline (and the backstop) stay."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._unschedule()
        if self._cancel_runtime:
            self._cancel_runtime()
            self._cancel_runtime = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Be told when the deadline changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def remaining(self) -> timedelta | None:
        """Time left, None when no timer runs."""
        if self.deadline is None:
            return None
        return max(self.deadline - dt_util.utcnow(), timedelta(0))

    # --- the shut-off timer -------------------------------------------------

    async def async_set(self, duration: timedelta) -> None:
        """Start or replace the countdown; refused on a burner known to be out."""
        flame = self.watch.flame
        if flame is not None:
            # An idle stove is polled every 10 s: a burner lit a moment ago
            # must not be refused on an old reading.
            await flame.async_read_now()
            if flame.known_out:
                raise BurnerNotLit(self.burner.settings.name)
        await self._async_arm(dt_util.utcnow() + duration, duration.total_seconds())

    async def async_cancel(self) -> None:
        """Cancel the countdown (and the on-device backstop)."""
        if self.deadline is None:
            return
        self._unschedule()
        await self._async_store_deadline(None)
        if self.backstop is not None:
            await self.backstop.async_disarm()

    async def _async_arm(self, deadline: datetime, duration: float | None) -> None:
        self._unschedule()
        # Persisted first: a restart a moment later still knows it.
        await self._async_store_deadline(deadline, duration)
        left = (deadline - dt_util.utcnow()).total_seconds()
        self._cancel_deadline = async_call_later(self.hass, max(left, 0.0), self._expired)
        warn_in = left - self.settings.warning_seconds
        if self.settings.warning_seconds > 0 and warn_in > 0:
            self._cancel_warning = async_call_later(self.hass, warn_in, self._warn)
        if self.backstop is not None:
            await self.backstop.async_arm(deadline)

    @callback
    def _unschedule(self) -> None:
        for cancel in (self._cancel_deadline, self._cancel_warning):
            if cancel:
                cancel()
        self._cancel_deadline = self._cancel_warning = None

    @callback
    def _warn(self, _now: datetime) -> None:
        self._cancel_warning = None
        remaining = self.remaining
        self.watch.fire(
            StoveEvent.TIMER_WARNING,
            {
                "seconds_left": round(remaining.total_seconds()) if remaining else 0,
                "deadline": self.deadline.isoformat() if self.deadline else None,
            },
        )

    @callback
    def _expired(self, now: datetime) -> None:
        self._cancel_deadline = None
        deadline = self.deadline or now
        late = max((dt_util.utcnow() - deadline).total_seconds(), 0.0)
        self.watch.fire(
            StoveEvent.TIMER_EXPIRED, {"late_seconds": round(late, 1), "shut_off": True}
        )
        self._spawn(self._async_expire(), background=True)

    async def _async_expire(self) -> None:
        # Remember before forgetting: the deadline stays stored until the
        # burner has persisted and carried out the cut, so a crash or a
        # reload at any moment of the expiry cuts again at the next start
        # (a second pulse is harmless; a lost cut is not).
        confirmed = await self._async_shut_off(ShutOffReason.TIMER)
        if confirmed and self.backstop is not None:
            # Ours came first; the device's must not cut again after the
            # pulse has returned the burner to rest. Left armed when our cut
            # failed: then it is the rescue.
            await self.backstop.async_disarm()
        await self._async_store_deadline(None)

    async def _async_store_deadline(
        self, deadline: datetime | None, duration: float | None = None
    ) -> None:
        self.deadline, self._duration = deadline, duration
        await self._async_save()
        self._notify()

    async def _async_save(self) -> None:
        await self._memory.async_put_timer(
            self.burner.burner_id,
            SavedTimer(self.deadline, self._duration, self.runtime_since),
        )

    # --- retries --------------------------------------------------------------

    async def _async_shut_off(self, reason: ShutOffReason) -> bool:
        """Shut off, retrying for one verification window from now.

        Counted from when the expiry runs, not from the deadline: a clock
        that jumps (or a test moving Home Assistant's) must not stretch the
        retries. Each failed attempt already raises the Problem state and a
        repair issue (burner.failed_shutoff); nothing here fails silently.
        """
        give_up = dt_util.utcnow() + timedelta(seconds=self.settings.verify_window)
        for attempt in range(100):
            try:
                await self.burner.async_shut_off(reason)
            except RelayError as err:
                pause = EXPIRY_RETRY[min(attempt, len(EXPIRY_RETRY) - 1)]
                if dt_util.utcnow() + timedelta(seconds=pause) > give_up:
                    _LOGGER.error(
                        "%s: %s shut-off could not be carried out: %s",
                        self.burner.settings.name,
                        reason,
                        err,
                    )
                    return False
                await asyncio.sleep(pause)
            else:
                return True
        return False  # pragma: no cover - the window ends long before 100 attempts

    @callback
    def _spawn(self, job: Coroutine[Any, Any, Any], *, background: bool = False) -> None:
        """Run a job owned by this timer (cancelled at unload).

        A shut-off that keeps retrying runs in the background: Home
        Assistant's start-up and its other waiters must not wait for a relay
        that may stay offline for the whole verification window.
        """
        if background:
            task = self.hass.async_create_background_task(job, f"gas_stove {self.burner.burner_id}")
        else:
            task = self.hass.async_create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- what ends or starts a timer -------------------------------------------

    @callback
    def _cut_done(self, reason: ShutOffReason, requested_at: datetime, confirmed: bool) -> None:
        if confirmed and self.deadline is not None:
            # The burner is off: the timer has nothing left to do.
            self._spawn(self.async_cancel())

    @callback
    def _event(self, event: StoveEvent, data: dict[str, Any]) -> None:
        if event is StoveEvent.FLAME_OFF:
            if self.deadline is not None:
                self._spawn(self.async_cancel())
            self._spawn(self._async_set_runtime_since(None))
        elif event is StoveEvent.FLAME_ON and self.runtime_since is None:
            self._spawn(self._async_set_runtime_since(dt_util.utcnow()))
            if self.deadline is None and self.settings.default_minutes > 0:
                self._spawn(self.async_set(timedelta(minutes=self.settings.default_minutes)))

    # --- maximum burn time ------------------------------------------------------

    @callback
    def _flame_known(self) -> None:
        # A flame that was unknown at start and then reads "out": the session
        # from before the restart is over (no flame_off event follows then).
        flame = self.watch.flame
        if flame is not None and flame.state is False and self.runtime_since is not None:
            self._spawn(self._async_set_runtime_since(None))

    @callback
    def _burner_changed(self) -> None:
        if self.watch.flame is not None:
            return
        # Without a flame source the burn time counts from the moment the
        # gas path was enabled (the relay seen at rest).
        enabled = self.burner.relay_cut is False
        if enabled and (
            self._was_enabled is False or (self._was_enabled is None and self.runtime_since is None)
        ):
            self._spawn(self._async_set_runtime_since(dt_util.utcnow()))
        elif self.burner.relay_cut and self._was_enabled:
            self._spawn(self._async_set_runtime_since(None))
        if self.burner.relay_cut is not None:
            self._was_enabled = enabled

    async def _async_set_runtime_since(self, since: datetime | None) -> None:
        if since == self.runtime_since:
            return
        self.runtime_since = since
        await self._async_save()
        self._schedule_runtime()

    @callback
    def _schedule_runtime(self) -> None:
        if self._cancel_runtime:
            self._cancel_runtime()
            self._cancel_runtime = None
        if self.runtime_since is None or self.settings.max_runtime_minutes <= 0:
            return
        limit = self.runtime_since + timedelta(minutes=self.settings.max_runtime_minutes)
        self._cancel_runtime = async_call_later(
            self.hass,
            max((limit - dt_util.utcnow()).total_seconds(), 0.0),
            self._runtime_exceeded,
        )

    @callback
    def _runtime_exceeded(self, now: datetime) -> None:
        self._cancel_runtime = None
        _LOGGER.warning(
            "%s: burning for %s min; shutting off",
            self.burner.settings.name,
            self.settings.max_runtime_minutes,
        )
        self._spawn(self._async_shut_off(ShutOffReason.MAX_RUNTIME), background=True)
