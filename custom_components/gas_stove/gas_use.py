"""How much gas each burner burns, estimated for the Energy dashboard.

Gas = burning time (from the flame source) x the burner's rated heat input
(kW, from its nameplate) / the gas's heating value x the stove's calibration
factor. Natural gas is counted in m3, LPG in kg (bought by the bottle); the
Energy dashboard takes volumes only, so LPG is also shown as m3 of vapour.

The rated heat input is the burner at full flame: a simmer burns less, so the
raw estimate runs high; the calibration factor (the meter's reading over the
estimate's, across a week or so) brings it to the meter. A flame source's
millivolts do rise with the flame, but the emulator's thermocouple does not
model flame size, so the estimate does not use them.

What has been counted never goes back: it is saved every minute while a
burner burns and when it goes out, so a crash loses at most the last minute
of a session (counted up to the last saved moment the flame was known lit).
A change of settings counts from then on; a change of gas type starts a new
total (a new meter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .flame import FlameDetector
from .memory import BurnerMemory, SavedGas


class GasType(StrEnum):
    """The gas a stove burns, and the unit it is bought in."""

    NATURAL_GAS = "natural_gas"  # m3
    LPG = "lpg"  # kg


# Typical values; the gas company's bill or the bottle states the real one.
DEFAULT_HEATING_VALUE = {GasType.NATURAL_GAS: 36.0, GasType.LPG: 46.0}  # MJ/m3, MJ/kg
# A household burner's rated heat input when its nameplate is not at hand.
DEFAULT_RATED_KW = 4.0
# LPG vapour at 15 degC: propane 1.9 kg/m3, butane 2.5; a household mix ~2.
LPG_VAPOUR_DENSITY = 2.0
# How often a burning session is saved.
CHECKPOINT = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class GasSettings:
    """The stove's gas: its type, heating value (MJ per unit) and calibration."""

    gas_type: GasType = GasType.NATURAL_GAS
    heating_value: float = DEFAULT_HEATING_VALUE[GasType.NATURAL_GAS]
    factor: float = 1.0


class GasMeter:
    """The gas one burner has burnt, in the stove's gas unit (m3 or kg)."""

    def __init__(
        self,
        hass: HomeAssistant,
        burner_id: str,
        flame: FlameDetector,
        memory: BurnerMemory,
        rated_kw: float,
        settings: GasSettings,
    ) -> None:
        """Nothing counted until `async_start` restores the saved total."""
        self.hass = hass
        self.burner_id = burner_id
        self.flame = flame
        self.rated_kw = rated_kw
        self.settings = settings
        self._memory = memory
        self._total = 0.0
        # The last moment counted into `_total` while the burner burns.
        self._counted_to: datetime | None = None
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []

    @property
    def per_second(self) -> float:
        """Gas burnt per second at full flame, in the gas unit."""
        megajoules = self.rated_kw / 1000
        return megajoules / self.settings.heating_value * self.settings.factor

    @property
    def total(self) -> float:
        """Everything counted, the running session up to now included."""
        if self._counted_to is None:
            return self._total
        running = (dt_util.utcnow() - self._counted_to).total_seconds()
        return self._total + max(running, 0.0) * self.per_second

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when the total changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    async def async_start(self) -> None:
        """Restore the total; a session saved as running ended at its last save."""
        saved = self._memory.gas(self.burner_id)
        same_gas = saved.gas_type is None or saved.gas_type == self.settings.gas_type
        self._total = saved.total if same_gas else 0.0
        if not same_gas or saved.counted_to is not None:
            # Counted up to the last moment the flame was known lit; whatever
            # burnt after a crash is unknown and not guessed.
            await self._async_save()
        self._unsubs.append(self.flame.async_add_listener(self._flame_changed))
        self._unsubs.append(async_track_time_interval(self.hass, self._checkpoint, CHECKPOINT))
        self._flame_changed()
        # The entities exist already: they show the restored total now.
        self._notify()

    async def async_stop(self) -> None:
        """Count the running session up to now and save it (unload, shutdown)."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        if self._counted_to is not None:
            self._count_to_now()
            self._counted_to = None
            await self._async_save()

    @callback
    def _flame_changed(self) -> None:
        lit = self.flame.state is True
        if lit and self._counted_to is None:
            self._counted_to = dt_util.utcnow()
        elif not lit and self._counted_to is not None:
            # Out, or unknown (the source went away): counted up to now, the
            # last moment it was known lit.
            self._count_to_now()
            self._counted_to = None
        else:
            return
        self.hass.async_create_task(self._async_save())
        self._notify()

    @callback
    def _checkpoint(self, _now: datetime) -> None:
        if self._counted_to is None:
            return
        self._count_to_now()
        self.hass.async_create_task(self._async_save())
        self._notify()

    def _count_to_now(self) -> None:
        assert self._counted_to is not None
        now = dt_util.utcnow()
        # A clock stepping back never takes gas away.
        self._total += max((now - self._counted_to).total_seconds(), 0.0) * self.per_second
        self._counted_to = now

    async def _async_save(self) -> None:
        await self._memory.async_put_gas(
            self.burner_id,
            SavedGas(
                total=self._total,
                counted_to=self._counted_to,
                gas_type=self.settings.gas_type,
            ),
        )

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()


def to_cubic_metres(amount: float, gas_type: GasType) -> float:
    """The Energy dashboard's unit: LPG's kilograms as m3 of vapour."""
    return amount / LPG_VAPOUR_DENSITY if gas_type is GasType.LPG else amount
