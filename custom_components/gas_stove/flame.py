"""Flame sensing: turning readings into a debounced lit/out state.

A reading comes from a Home Assistant entity (on/off, thermocouple
millivolts, or a temperature near the burner) or from a MIoT property of a Mi
device. The classifier turns one reading into "lit", "out" or "no opinion";
the detector debounces that so one noisy reading never flips the state.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
import time
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers.event import async_call_later, async_track_state_change_event
from homeassistant.util import dt as dt_util

from .const import (
    DEFAULT_DEBOUNCE,
    DEFAULT_OFF_MV,
    DEFAULT_OFF_TEMP,
    DEFAULT_ON_MV,
    DEFAULT_ON_TEMP,
    DEFAULT_RISE_RATE,
    FlameKind,
)

# How far back the temperature rise rate looks.
RISE_WINDOW = 60.0
# How long a question ("is it lit?", a timer) waits for a fresh reading of a
# polled source before it goes with the last one.
READ_NOW_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class FlameThresholds:
    """How readings are classified; defaults are documented in the README."""

    kind: FlameKind = FlameKind.BINARY
    on_mv: float = DEFAULT_ON_MV
    off_mv: float = DEFAULT_OFF_MV
    on_temp: float = DEFAULT_ON_TEMP
    off_temp: float = DEFAULT_OFF_TEMP
    rise_rate: float = DEFAULT_RISE_RATE
    debounce: float = DEFAULT_DEBOUNCE


class FlameClassifier:
    """One reading → lit (True), out (False) or no opinion (None)."""

    def __init__(self, thresholds: FlameThresholds) -> None:
        """Hysteresis needs the previous raw verdict; rate needs history."""
        self.thresholds = thresholds
        self._last: bool | None = None
        self._history: deque[tuple[float, float]] = deque()

    def classify(self, value: Any, now: float) -> bool | None:
        """Classify a reading taken at `now` (seconds, any steady clock)."""
        kind = self.thresholds.kind
        if kind is FlameKind.BINARY:
            verdict = _as_bool(value)
        else:
            number = _as_float(value)
            if number is None:
                return None
            verdict = (
                self._millivolts(number)
                if kind is FlameKind.MILLIVOLTS
                else self._temperature(number, now)
            )
        if verdict is not None:
            self._last = verdict
        return verdict

    def _millivolts(self, mv: float) -> bool | None:
        if mv >= self.thresholds.on_mv:
            return True
        if mv <= self.thresholds.off_mv:
            return False
        # Between the thresholds the thermocouple is warming or cooling: keep
        # the last verdict (hysteresis), or say nothing before the first.
        return self._last

    def _temperature(self, celsius: float, now: float) -> bool | None:
        history = self._history
        history.append((now, celsius))
        while history and now - history[0][0] > RISE_WINDOW:
            history.popleft()
        rising = False
        first_time, first_temp = history[0]
        if now - first_time >= 5:
            rate = (celsius - first_temp) / (now - first_time) * 60
            rising = rate >= self.thresholds.rise_rate
        if celsius >= self.thresholds.on_temp or rising:
            return True
        if celsius <= self.thresholds.off_temp:
            return False
        return self._last if self._last is not None else False


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("on", "true", "1", "open", "detected"):
            return True
        if text in ("off", "false", "0", "closed", "clear"):
            return False
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class FlameDetector:
    """Debounced flame state of one burner, plain Python.

    `state` is None until the first confirmed reading. A changed verdict is
    committed only once it held for the debounce time.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        thresholds: FlameThresholds,
        *,
        push: bool = False,
        read: Callable[[], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        """Nothing known until the first reading.

        `push` for an entity source; `read` asks a polled source for a
        reading now (an idle stove is polled only every 10 s).
        """
        self.hass = hass
        self._read = read
        self.thresholds = thresholds
        self._classifier = FlameClassifier(thresholds)
        self.state: bool | None = None
        self.available = False
        self.changed_at: datetime | None = None
        self.last_value: Any = None
        # When the last reading was taken. A pushed source (an entity) is as
        # current as its integration makes it; a polled one is only as
        # current as its last poll.
        self.read_at: datetime | None = None
        self.push = push
        self._candidate: bool | None = None
        self._cancel_commit: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []
        self._reading_listeners: list[Callable[[], None]] = []

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told about committed changes of state or availability."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_add_reading_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told after every reading, changed or not."""
        self._reading_listeners.append(listener)
        return lambda: self._reading_listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def out_since(self, moment: datetime | None) -> bool:
        """Whether the flame is out by a settled reading taken after `moment`.

        For a pushed source too: an "off" it reported before `moment` may just
        not have caught up with a burner lit seconds earlier (a knob held in,
        a probe still warming up), so it proves nothing about now.
        """
        if self.state is not False or self._candidate is not None:
            return False
        if moment is None:
            return True
        return self.read_at is not None and self.read_at >= moment

    @property
    def latest(self) -> bool | None:
        """The newest verdict, even one still being debounced.

        For answering a person: a burner lit a second ago reads lit here while
        `state` waits out the debounce (and an idle poll).
        """
        return self._candidate if self._candidate is not None else self.state

    @property
    def known_out(self) -> bool:
        """Out by a settled reading, and no newer reading says otherwise."""
        return self.state is False and self._candidate is None

    async def async_read_now(self) -> None:
        """Ask a polled source for a reading, waiting at most READ_NOW_TIMEOUT.

        A source that does not answer in time leaves the last reading (and its
        own unavailability handling) as it is.
        """
        if self._read is None:
            return
        # Waited for, never cancelled: a poll cut off half-way would not
        # schedule the next one.
        reading = self.hass.async_create_task(self._read(), "gas_stove flame reading")
        await asyncio.wait({reading}, timeout=READ_NOW_TIMEOUT)

    @callback
    def async_reading(self, value: Any, at: float | None = None) -> None:
        """Take one reading from the source, made at timestamp `at`."""
        self._take_reading(value, at)
        for listener in list(self._reading_listeners):
            listener()

    @callback
    def _take_reading(self, value: Any, at: float | None) -> None:
        self.read_at = dt_util.utcnow()
        self.last_value = value
        verdict = self._classifier.classify(value, time.time() if at is None else at)
        became_available = not self.available
        self.available = True
        if verdict is None or verdict == self.state:
            self._drop_candidate()
        elif self.state is None or self.thresholds.debounce <= 0:
            # The very first reading has nothing to debounce against.
            self._commit(verdict)
            return
        elif verdict != self._candidate:
            self._drop_candidate()
            self._candidate = verdict
            self._cancel_commit = async_call_later(
                self.hass, self.thresholds.debounce, self._debounced
            )
        if became_available:
            self._notify()

    @callback
    def async_unavailable(self) -> None:
        """Mark the source unreadable: the flame state is unknown."""
        self._drop_candidate()
        if self.available or self.state is not None:
            self.available = False
            self.state = None
            self._notify()

    @callback
    def _debounced(self, _now: datetime) -> None:
        self._cancel_commit = None
        if self._candidate is not None:
            self._commit(self._candidate)

    @callback
    def _commit(self, verdict: bool) -> None:
        self._drop_candidate()
        self.state = verdict
        self.changed_at = dt_util.utcnow()
        self._notify()

    @callback
    def _drop_candidate(self) -> None:
        self._candidate = None
        if self._cancel_commit:
            self._cancel_commit()
            self._cancel_commit = None

    @callback
    def async_stop(self) -> None:
        """Cancel a pending commit (unload)."""
        self._drop_candidate()


class EntityFlameSource:
    """Feeds a detector from a Home Assistant entity's state."""

    def __init__(self, hass: HomeAssistant, entity_id: str, detector: FlameDetector) -> None:
        """Nothing is read until `async_start`."""
        self.hass = hass
        self.entity_id = entity_id
        self.detector = detector
        self._unsub: CALLBACK_TYPE | None = None

    @callback
    def async_start(self) -> None:
        """Take the current state, then follow changes."""
        self._read()

        @callback
        def changed(_event: Event[EventStateChangedData]) -> None:
            self._read()

        self._unsub = async_track_state_change_event(self.hass, self.entity_id, changed)

    @callback
    def _read(self) -> None:
        state = self.hass.states.get(self.entity_id)
        if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            self.detector.async_unavailable()
        else:
            # The state's own time: a rise rate must not depend on when
            # Home Assistant got around to telling us.
            self.detector.async_reading(state.state, state.last_updated_timestamp)

    @callback
    def async_stop(self) -> None:
        """Stop following the entity."""
        if self._unsub:
            self._unsub()
            self._unsub = None
        self.detector.async_stop()
