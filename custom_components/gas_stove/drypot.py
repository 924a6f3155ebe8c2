"""The dry-pot guard (防干烧): a pot boiling dry is warned about, then cut.

Optional per burner, with any temperature entity that measures the pot (a
clip-on probe, an IR sensor under the hood). Water holds a pot at its boiling
point (100 degC at sea level, less higher up) for as long as any is left;
once it is gone the pot climbs by degrees a second. So:

- a reading at or above the threshold (default 120 degC), or a rise of at
  least the rate (default 10 degC/min over the last minute) above 105 degC,
  means the water is gone: a `dry_pot_warning` event and a notification;
- if nobody acts within the grace period (default 30 s) the burner is shut
  off (reason `dry_pot`), through the usual shut-off: verified by the flame
  source, or the Problem;
- a person can silence the guard for the current session (until the flame
  goes out, or the pot cools below 60 degC): frying in a dry pan is cooking
  too;
- the flame going out during the grace period ends it (nothing to cut).

A temperature entity that goes unavailable never causes a cut by itself and
never calls off one that is due: its readings are just missing. A warning is
not kept across a restart: the next readings raise it again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import logging
import math
from time import monotonic

from homeassistant.components import persistent_notification
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import async_call_later, async_track_state_change_event

from .burner import Burner
from .const import ShutOffReason, StoveEvent
from .relay import RelayError
from .watch import BurnerWatch

_LOGGER = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 120.0  # degC
DEFAULT_RATE = 10.0  # degC per minute
DEFAULT_GRACE = 30.0  # s
# Boiling water never holds a pot above this; a rise beyond it is drying.
RATE_FLOOR = 105.0
RATE_WINDOW = 60.0  # s
# Without a flame source, a silenced session ends when the pot has cooled.
COOLED = 60.0

_TEXT = {
    "en": (
        "{burner}: the pot is boiling dry",
        "The pot on {burner} reads {temperature} °C. It will be shut off in {grace} s "
        "unless you silence the dry-pot guard (its button on the burner's device page).",
    ),
    "zh-Hans": (
        "{burner}：锅快烧干了",
        "{burner}上的锅已到 {temperature} °C。{grace} 秒后将自动关火，"
        "除非你关闭本次防干烧提醒（灶眼设备页上的按钮）。",
    ),
}


@dataclass(frozen=True, slots=True)
class DryPotSettings:
    """Which entity measures the pot, and when the guard acts."""

    temperature_entity: str | None = None
    threshold: float = DEFAULT_THRESHOLD
    rate: float = DEFAULT_RATE
    grace: float = DEFAULT_GRACE


class DryPotGuard:
    """Warn, then cut, when the pot on one burner boils dry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        burner: Burner,
        watch: BurnerWatch,
        settings: DryPotSettings,
    ) -> None:
        """Nothing is followed until `async_start`."""
        self.hass = hass
        self.burner = burner
        self.watch = watch
        self.settings = settings
        self.notification_id = f"dry_pot_{entry_id}_{burner.burner_id}"
        self.silenced = False
        self.warned = False
        self.temperature: float | None = None
        self._readings: deque[tuple[float, float]] = deque()
        self._cancel_cut: CALLBACK_TYPE | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when the guard warns, is silenced or a session ends."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @property
    def rate(self) -> float | None:
        """The rise over the last minute, degC per minute (None: too few readings)."""
        if len(self._readings) < 2:
            return None
        (t0, first), (t1, last) = self._readings[0], self._readings[-1]
        if t1 - t0 < 5:
            return None
        return (last - first) / (t1 - t0) * 60

    @callback
    def async_start(self) -> None:
        """Follow the pot's temperature and the burner's flame."""
        entity_id = self.settings.temperature_entity
        assert entity_id is not None

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            state = event.data["new_state"]
            self._reading(None if state is None else state.state)

        self._unsubs.append(async_track_state_change_event(self.hass, entity_id, changed))
        if self.watch.flame is not None:
            self._unsubs.append(self.watch.flame.async_add_listener(self._flame_changed))
        if (state := self.hass.states.get(entity_id)) is not None:
            self._reading(state.state)

    @callback
    def async_stop(self) -> None:
        """Unload: nothing pending stays behind."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._cancel()

    @callback
    def async_silence(self) -> None:
        """A person's act: no warning and no cut for the rest of this session."""
        self.silenced = True
        self._end_warning()
        self.watch.fire(StoveEvent.DRY_POT_SILENCED, {})
        self._notify()

    # --- readings -----------------------------------------------------------

    @callback
    def _reading(self, raw: str | None) -> None:
        if raw in (None, STATE_UNAVAILABLE, STATE_UNKNOWN):
            # Missing readings decide nothing: no cut, and a cut that is due
            # stays due.
            return
        try:
            value = float(raw)  # type: ignore[arg-type]
        except ValueError:
            return
        if not math.isfinite(value):
            return
        now = monotonic()
        self.temperature = value
        self._readings.append((now, value))
        while self._readings and now - self._readings[0][0] > RATE_WINDOW:
            self._readings.popleft()
        if value < COOLED and self._cancel_cut is None and (self.silenced or self.warned):
            # The pot cooled (or went off the burner): a new session starts.
            self.silenced = False
            self.warned = False
            self._notify()
        if self.silenced or self.warned:
            return
        if self.watch.flame is not None and self.watch.flame.state is False:
            return  # nothing under the pot burns
        rate = self.rate
        if value >= self.settings.threshold or (
            value >= RATE_FLOOR and rate is not None and rate >= self.settings.rate
        ):
            self._warn(value, rate)

    @callback
    def _flame_changed(self) -> None:
        flame = self.watch.flame
        if flame is not None and flame.state is False:
            # Out (a person turned the knob, or a cut): this session is over.
            self.silenced = False
            self._end_warning()
            self._notify()

    # --- warning and cut ------------------------------------------------------

    @callback
    def _warn(self, temperature: float, rate: float | None) -> None:
        self.warned = True
        grace = self.settings.grace
        name = self.burner.settings.name
        _LOGGER.warning(
            "%s: pot at %.0f °C, boiling dry; shutting off in %g s", name, temperature, grace
        )
        self.watch.fire(
            StoveEvent.DRY_POT_WARNING,
            {
                "temperature": round(temperature, 1),
                "rate": None if rate is None else round(rate, 1),
                "shut_off_in_seconds": round(grace),
            },
        )
        language = "zh-Hans" if self.hass.config.language.startswith("zh") else "en"
        title, message = _TEXT[language]
        persistent_notification.async_create(
            self.hass,
            message.format(burner=name, temperature=f"{temperature:.0f}", grace=f"{grace:g}"),
            title=title.format(burner=name),
            notification_id=self.notification_id,
        )
        self._cancel_cut = async_call_later(self.hass, grace, self._grace_over)
        self._notify()

    @callback
    def _grace_over(self, _now: datetime) -> None:
        self._cancel_cut = None
        self.hass.async_create_task(self._async_cut())

    async def _async_cut(self) -> None:
        try:
            await self.burner.async_shut_off(ShutOffReason.DRY_POT)
        except RelayError as err:
            # Reported by the burner's watch (shutoff_failed, the Problem).
            _LOGGER.error("%s: dry-pot shut-off not confirmed: %s", self.burner.settings.name, err)

    @callback
    def _end_warning(self) -> None:
        self.warned = False
        self._cancel()
        persistent_notification.async_dismiss(self.hass, self.notification_id)

    @callback
    def _cancel(self) -> None:
        if self._cancel_cut is not None:
            self._cancel_cut()
            self._cancel_cut = None
