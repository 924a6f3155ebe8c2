"""A pot of water on an emulated burner, for the dry-pot guard (防干烧).

Stepped by its caller (`advance(seconds)`), so a test can run an hour of
cooking in a moment. Physics, deliberately simple:

- heat into the pot while the burner's flame burns: rated kW x efficiency,
  minus a loss proportional to the difference from the room;
- below the boiling point the water and the pot warm together;
- at the boiling point the heat boils water off (2257 kJ/kg) and the
  temperature holds: a pot with water in it does not pass ~100 degC;
- once the water is gone the pot alone takes the heat and its temperature
  climbs by several degrees a second;
- the probe (a clip-on thermometer, an IR sensor under the hood) follows the
  pot's temperature with a lag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

WATER_HEAT = 4.186  # kJ/(kg K)
STEEL_HEAT = 0.5  # kJ/(kg K)
LATENT_HEAT = 2257.0  # kJ/kg
BOILING_POINT = 100.0  # degC at sea level
STEP = 0.5  # s, the integration step


@dataclass
class PotParams:
    """A 2 L pot of water on a 4 kW burner, unless told otherwise."""

    water_kg: float = 2.0
    pot_kg: float = 1.2
    burner_kw: float = 4.0
    efficiency: float = 0.55  # household gas hobs: roughly half the heat reaches the pot
    loss_kw_per_k: float = 0.004
    room: float = 20.0
    probe_tau: float = 15.0  # s; how slowly the probe follows the pot


class Pot:
    """The pot's temperature, the water left in it, and what a probe reads."""

    def __init__(self, lit: Callable[[], bool], params: PotParams | None = None) -> None:
        """`lit()` says whether the burner under the pot burns right now."""
        self.params = params or PotParams()
        self.lit = lit
        self.water_kg = self.params.water_kg
        self.temperature = self.params.room
        self.probe = self.params.room
        self.elapsed = 0.0
        # When the last water boiled off (elapsed seconds), if it has.
        self.dry_at: float | None = None

    @property
    def dry(self) -> bool:
        """No water left."""
        return self.water_kg <= 0

    def advance(self, seconds: float) -> float:
        """Run the pot for `seconds`; returns the probe's reading."""
        left = seconds
        while left > 0:
            step = min(STEP, left)
            self._step(step)
            left -= step
        return self.probe

    def _step(self, dt: float) -> None:
        p = self.params
        heat = (p.burner_kw * p.efficiency if self.lit() else 0.0) * dt
        heat -= p.loss_kw_per_k * (self.temperature - p.room) * dt
        capacity = p.pot_kg * STEEL_HEAT + max(self.water_kg, 0.0) * WATER_HEAT
        if not self.dry and self.temperature >= BOILING_POINT and heat > 0:
            self.water_kg -= heat / LATENT_HEAT
            if self.water_kg <= 0:
                self.water_kg = 0.0
                self.dry_at = self.elapsed + dt
        else:
            self.temperature += heat / capacity
            if not self.dry:
                self.temperature = min(self.temperature, BOILING_POINT)
        self.probe += (self.temperature - self.probe) * min(dt / p.probe_tau, 1.0)
        self.elapsed += dt
