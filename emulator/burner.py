"""One gas burner with a thermocouple flame-failure device (FFD).

Physics (see shared/docs/domain.md):
* The safety valve opens only mechanically, while the knob is pushed in;
  pushing also fires the igniter, so gas that flows lights.
* The thermocouple feeds a magnet that can HOLD the valve open but not pull
  it open. On release the valve stays open only if the loop is closed and the
  thermocouple has been hot for ``hold_time``.
* Opening the loop (the relay cut) drops the valve after ``dropout_delay``
  unless it is held mechanically (knob pushed, or ``knob_held_fault``).
  Once dropped it stays shut until the knob is pushed again.
* Natural flame loss drops the valve only when the thermocouple has cooled,
  ``natural_flameout_delay`` later.

Every transition is a tracked loop timer, so the model advances in real time
and also when a Home Assistant test fires due timer handles early.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, replace
import math
import random
from typing import Any, Literal

from .relay import EmulatedRelay
from .thermocouple import Thermocouple
from .timers import TimerSet

Wiring = Literal["series_nc", "series_no"]
WIRINGS: tuple[Wiring, ...] = ("series_nc", "series_no")
MAX_EVENTS = 200
RECENT_EVENTS = 8


# Hot and loaded by the valve coil a thermocouple gives 10-15 mV; the magnet
# lets go below about 1-2 mV (shared/docs/domain.md).
LOADED_MV = 12.0
DROPOUT_MV = 1.5
TYPICAL_NATURAL_FLAMEOUT = 15.0  # s; typically 10-20 s, at most 60 s (GB 16410)


def cool_tau_for(natural_flameout_delay: float) -> float:
    """The cooling time constant of a stove whose valve closes that long after a blow-out.

    The valve closes when the cooling couple's loaded voltage falls to the
    drop-out level: LOADED_MV * exp(-t / tau) = DROPOUT_MV.
    """
    return natural_flameout_delay / math.log(LOADED_MV / DROPOUT_MV)


@dataclass(frozen=True, slots=True)
class BurnerParams:
    """Timing and electrical figures; tests shrink the times."""

    hold_time: float = 3.0  # s of hot thermocouple before the magnet holds
    dropout_delay: float = 0.2  # s from loop open to valve shut
    natural_flameout_delay: float = TYPICAL_NATURAL_FLAMEOUT  # s from flame loss to valve shut
    heat_tau: float = 1.0  # s, thermocouple warm-up time constant
    # s, cool-down time constant, consistent with natural_flameout_delay (7.2 s)
    cool_tau: float = cool_tau_for(TYPICAL_NATURAL_FLAMEOUT)
    open_circuit_mv: float = 28.0  # hot, loop open (no coil load)
    loaded_mv: float = LOADED_MV  # hot, loop closed through the valve coil
    noise_mv: float = 0.15  # gaussian sigma: about +-0.3 mV at 2 sigma
    light_margin: float = 0.5  # extra s light() holds beyond hold_time

    def __post_init__(self) -> None:
        if not 0.1 <= self.dropout_delay <= 0.5:
            raise ValueError("dropout_delay must be within 0.1..0.5 s")
        for name in ("hold_time", "natural_flameout_delay", "heat_tau", "cool_tau"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        for name in ("open_circuit_mv", "loaded_mv", "noise_mv", "light_margin"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")


@dataclass(frozen=True, slots=True)
class BurnerEvent:
    """One logged transition (loop time, what happened)."""

    time: float
    event: str


class EmulatedBurner:
    """A burner whose FFD loop runs through one relay channel."""

    def __init__(
        self,
        name: str,
        relay: EmulatedRelay,
        channel: int,
        wiring: Wiring,
        *,
        loop: asyncio.AbstractEventLoop,
        rng: random.Random,
        params: BurnerParams | None = None,
    ) -> None:
        if wiring not in WIRINGS:
            raise ValueError(f"wiring must be one of {WIRINGS}")
        relay.channel_state(channel)  # validates the channel number
        self.name = name
        self.relay = relay
        self.channel = channel
        self.wiring: Wiring = wiring
        self.params = params or BurnerParams()
        self._loop = loop
        self._rng = rng
        self._timers = TimerSet(loop)
        self.knob_on = False
        self.knob_pushed = False
        self._knob_held_fault = False
        self.valve_open = False
        self.thermocouple_hot = False  # enough for the magnet to hold
        self._lit = False
        self._flame = False
        self._thermocouple = Thermocouple()
        self.last_valve_close: BurnerEvent | None = None
        self.events: list[BurnerEvent] = []
        self._remove_listener = relay.add_listener(self._on_relay)

    # ------------------------------------------------------------- state

    @property
    def loop_closed(self) -> bool:
        """Whether thermocouple current can reach the valve magnet."""
        channel_on = self.relay.channel_state(self.channel)
        return channel_on if self.wiring == "series_no" else not channel_on

    @property
    def flame(self) -> bool:
        """Flame = valve open, knob open and lit."""
        return self._flame

    @property
    def gas_unburnt(self) -> bool:
        """Gas flows with no flame (e.g. blown out while the knob is held)."""
        return self.valve_open and self.knob_on and not self._flame

    @property
    def mechanically_held(self) -> bool:
        """Valve held open by hand or by the stuck-knob fault."""
        return self.knob_pushed or self._knob_held_fault

    @property
    def knob_held_fault(self) -> bool:
        """Knob held in during a cut: the valve cannot drop."""
        return self._knob_held_fault

    @knob_held_fault.setter
    def knob_held_fault(self, value: bool) -> None:
        was = self._knob_held_fault
        self._knob_held_fault = value
        self._log(f"knob_held_fault {'on' if value else 'off'}")
        if was and not value:
            self._mechanical_hold_ended("knob_held_fault cleared")

    def thermocouple_mv_clean(self) -> float:
        """Thermocouple voltage without noise, from loop time."""
        hot = self._thermocouple.fraction(self._loop.time())
        # Unloaded (loop open) the couple shows its open-circuit voltage.
        full = self.params.loaded_mv if self.loop_closed else self.params.open_circuit_mv
        return hot * full

    @property
    def thermocouple_mv(self) -> float:
        """Thermocouple voltage with gaussian noise from the seeded RNG."""
        value = self.thermocouple_mv_clean()
        if self.params.noise_mv > 0:
            value += self._rng.gauss(0.0, self.params.noise_mv)
        return round(max(0.0, value), 3)

    def configure(self, **changes: float) -> None:
        """Change parameters (applies to transitions scheduled from now on)."""
        self.params = replace(self.params, **changes)

    # ------------------------------------------------------------ actions

    def push_knob(self) -> None:
        """Push (and turn) the knob: valve opens mechanically, igniter lights."""
        if self.knob_pushed:
            return
        self.knob_pushed = True
        self.knob_on = True
        self.valve_open = True
        self._lit = True
        self._log("knob pushed")
        self._refresh()

    def release_knob(self) -> None:
        """Let go: the magnet must now hold the valve."""
        if not self.knob_pushed:
            return
        self.knob_pushed = False
        self._log("knob released")
        self._mechanical_hold_ended("released")

    def turn_knob_off(self) -> None:
        """Close the tap: gas stops; the magnet lets go once the tip cools."""
        was_pushed = self.knob_pushed
        self.knob_on = False
        self.knob_pushed = False
        self._lit = False
        self._log("knob turned off")
        self._refresh()
        if was_pushed:
            self._mechanical_hold_ended("turned off")

    def blow_out(self) -> None:
        """Natural flame loss (draught, boil-over): gas keeps flowing for now."""
        if not self._flame:
            return
        self._lit = False
        self._log("flame blown out")
        self._refresh()

    async def light(self, hold_for: float | None = None) -> bool:
        """Push, hold, release like a user; return whether the flame stayed."""
        if hold_for is None:
            hold_for = self.params.hold_time + self.params.light_margin
        self.push_knob()
        try:
            await asyncio.sleep(hold_for)
        finally:
            self.release_knob()
        return self._flame

    def close(self) -> None:
        """Cancel every timer and detach from the relay."""
        self._timers.cancel_all()
        self._remove_listener()

    def snapshot(self) -> dict[str, Any]:
        """JSON-able state of this burner."""
        return {
            "name": self.name,
            "relay": self.relay.host,
            "channel": self.channel,
            "wiring": self.wiring,
            "relay_channel_on": self.relay.channel_state(self.channel),
            "loop_closed": self.loop_closed,
            "knob_on": self.knob_on,
            "knob_pushed": self.knob_pushed,
            "knob_held_fault": self._knob_held_fault,
            "valve_open": self.valve_open,
            "flame": self._flame,
            "gas_unburnt": self.gas_unburnt,
            "thermocouple_mv": round(self.thermocouple_mv_clean(), 3),
            "thermocouple_hot": self.thermocouple_hot,
            "last_valve_close": (
                None if self.last_valve_close is None else asdict(self.last_valve_close)
            ),
            # The latest transitions, newest last, for the control page's log.
            "recent_events": [asdict(event) for event in self.events[-RECENT_EVENTS:]],
            "params": asdict(self.params),
        }

    # --------------------------------------------------------- transitions

    def _on_relay(self, channel: int, _on: bool) -> None:
        if channel != self.channel:
            return
        if self.loop_closed:
            self._log("loop closed")
            # Current is back before the spring won: the valve stays.
            self._timers.cancel("dropout")
            return
        self._log("loop opened")
        if self.valve_open and not self.mechanically_held:
            self._timers.schedule(self.params.dropout_delay, self._dropout, "dropout")

    def _dropout(self) -> None:
        # Re-check: the knob may have been pushed since the timer was armed.
        if self.valve_open and not self.loop_closed and not self.mechanically_held:
            self._close_valve("cut: loop opened")

    def _mechanical_hold_ended(self, why: str) -> None:
        if self.mechanically_held or not self.valve_open:
            return
        if not self.loop_closed:
            # The magnet has no current at all: nothing holds the valve.
            self._close_valve(f"{why}: loop open")
        elif not self.thermocouple_hot:
            self._close_valve(f"{why}: thermocouple not hot yet")

    def _close_valve(self, reason: str) -> None:
        self.valve_open = False
        self._lit = False
        self._timers.cancel("dropout")
        event = self._log(f"valve closed ({reason})")
        self.last_valve_close = event
        self._refresh()

    def _refresh(self) -> None:
        flame = self.valve_open and self.knob_on and self._lit
        if flame != self._flame:
            self._flame = flame
            self._flame_changed(flame)

    def _flame_changed(self, on: bool) -> None:
        params = self.params
        tau = params.heat_tau if on else params.cool_tau
        self._thermocouple.change(self._loop.time(), heating=on, tau=tau)
        # Snap to the end value later, so fired HA timers advance the reading.
        self._timers.schedule(self._thermocouple.settle_time(), self._settle_thermocouple, "settle")
        self._log("flame on" if on else "flame off")
        if on:
            self._timers.cancel("flameout")
            if not self.thermocouple_hot:
                self._timers.schedule(params.hold_time, self._thermocouple_ready, "hold")
        else:
            self._timers.cancel("hold")
            if self.thermocouple_hot:
                self._timers.schedule(
                    params.natural_flameout_delay, self._thermocouple_cold, "flameout"
                )

    def _settle_thermocouple(self) -> None:
        self._thermocouple.settle(self._loop.time())

    def _thermocouple_ready(self) -> None:
        self.thermocouple_hot = True
        self._log("thermocouple hot enough to hold")

    def _thermocouple_cold(self) -> None:
        self.thermocouple_hot = False
        self._log("thermocouple below drop-out")
        if self.valve_open and not self.mechanically_held:
            self._close_valve("natural flame-out")

    def _log(self, text: str) -> BurnerEvent:
        event = BurnerEvent(self._loop.time(), text)
        self.events.append(event)
        del self.events[:-MAX_EVENTS]
        return event
