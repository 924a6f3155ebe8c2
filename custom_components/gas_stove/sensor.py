"""Cooking time, Last shut-off and Gas used of each burner; the stove's gas used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfMass, UnitOfTime, UnitOfVolume
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import ShutOffReason
from .entity import BurnerEntity, burner_descriptions, stove_device_info
from .gas_use import GasMeter, GasType, to_cubic_metres
from .stove import GasStoveConfigEntry
from .timer import BurnerTimer
from .watch import BurnerWatch

PARALLEL_UPDATES = 0
# How often a running cooking time is refreshed.
COOKING_TICK = 30


@dataclass(frozen=True, kw_only=True)
class BurnerSensorDescription(SensorEntityDescription):
    """How a burner sensor reads its watch."""

    value_fn: Callable[[BurnerWatch], float | str | None]
    timestamp_fn: Callable[[BurnerTimer], datetime | None] | None = None
    attributes_fn: Callable[[BurnerWatch], Mapping[str, Any] | None] = lambda _watch: None
    needs_flame: bool = False


def _cooking_minutes(watch: BurnerWatch) -> float | None:
    if watch.flame is None or watch.flame.state is None:
        return None
    if watch.flame_since is None:
        return 0.0
    return round((dt_util.utcnow() - watch.flame_since).total_seconds() / 60, 1)


def _last_shut_off_attributes(watch: BurnerWatch) -> Mapping[str, Any] | None:
    record = watch.burner.last_shut_off
    return {"at": record.at.isoformat()} if record else None


SENSORS: tuple[BurnerSensorDescription, ...] = (
    BurnerSensorDescription(
        key="cooking_time",
        translation_key="cooking_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=_cooking_minutes,
        attributes_fn=lambda watch: (
            {"started_at": watch.flame_since.isoformat()} if watch.flame_since else None
        ),
        needs_flame=True,
    ),
    BurnerSensorDescription(
        key="shut_off_at",
        translation_key="shut_off_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda watch: None,
        timestamp_fn=lambda timer: timer.deadline,
    ),
    BurnerSensorDescription(
        key="last_shut_off",
        translation_key="last_shut_off",
        device_class=SensorDeviceClass.ENUM,
        options=[reason.value for reason in ShutOffReason],
        value_fn=lambda watch: (
            watch.burner.last_shut_off.reason if watch.burner.last_shut_off else None
        ),
        attributes_fn=_last_shut_off_attributes,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Cooking time (where a flame source exists) and Last shut-off per burner."""
    stove = entry.runtime_data
    entities: list[SensorEntity] = [
        BurnerSensor(entry, burner, description)
        for burner, description in burner_descriptions(entry, SENSORS)
    ]
    entities += [
        BurnerGasSensor(entry, stove.burners[burner_id], GAS_USED, meter)
        for burner_id, meter in stove.gas_meters.items()
    ]
    if stove.gas_meters:
        entities.append(StoveGasSensor(entry, STOVE_GAS_USED))
        if next(iter(stove.gas_meters.values())).settings.gas_type is GasType.LPG:
            entities.append(StoveGasSensor(entry, STOVE_LPG_USED))
    async_add_entities(entities)


# Gas in the Energy dashboard's unit (m3: LPG as vapour); the stove's total
# also in kg for LPG, the unit it is bought in.
GAS_USED = SensorEntityDescription(
    key="gas_used",
    translation_key="gas_used",
    device_class=SensorDeviceClass.GAS,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfVolume.CUBIC_METERS,
    suggested_display_precision=3,
)
STOVE_GAS_USED = replace(GAS_USED, translation_key="stove_gas_used")
STOVE_LPG_USED = SensorEntityDescription(
    key="lpg_used",
    translation_key="lpg_used",
    device_class=SensorDeviceClass.WEIGHT,
    state_class=SensorStateClass.TOTAL_INCREASING,
    native_unit_of_measurement=UnitOfMass.KILOGRAMS,
    suggested_display_precision=3,
)


class BurnerGasSensor(BurnerEntity, SensorEntity):
    """The gas one burner has burnt, estimated (gas_use.py)."""

    def __init__(
        self,
        entry: GasStoveConfigEntry,
        burner: Any,
        description: SensorEntityDescription,
        meter: GasMeter,
    ) -> None:
        """Bind the burner's gas meter."""
        super().__init__(entry, burner, description)
        self.meter = meter

    async def async_added_to_hass(self) -> None:
        """Follow the meter (flame changes and its minute checkpoints)."""
        await super().async_added_to_hass()
        self.async_on_remove(self.meter.async_add_listener(self.async_write_ha_state))

    @property
    def available(self) -> bool:
        """A count, always known (it only grows while the flame is known lit)."""
        return True

    @property
    def native_value(self) -> float:
        """m3 (LPG: of vapour)."""
        return round(to_cubic_metres(self.meter.total, self.meter.settings.gas_type), 4)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any]:
        """How it is estimated."""
        return {
            "rated_kw": self.meter.rated_kw,
            "heating_value_mj": self.meter.settings.heating_value,
            "calibration_factor": self.meter.settings.factor,
        }


class StoveGasSensor(SensorEntity):
    """The gas all burners of the stove have burnt (m3, or kg of LPG)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, entry: GasStoveConfigEntry, description: SensorEntityDescription) -> None:
        """On the stove's own device."""
        self.entity_description = description
        self.meters = list(entry.runtime_data.gas_meters.values())
        self._attr_unique_id = f"{entry.entry_id}_{description.key}"
        entry.runtime_data.unique_ids.add(self._attr_unique_id)
        self._attr_device_info = stove_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow every burner's meter."""
        for meter in self.meters:
            self.async_on_remove(meter.async_add_listener(self.async_write_ha_state))

    @property
    def native_value(self) -> float:
        """The sum over the burners."""
        total = sum(meter.total for meter in self.meters)
        if self.entity_description.key == "lpg_used":
            return round(total, 4)
        return round(to_cubic_metres(total, self.meters[0].settings.gas_type), 4)


class BurnerSensor(BurnerEntity, SensorEntity):
    """A sensor that is a view onto its burner's watch."""

    entity_description: BurnerSensorDescription

    async def async_added_to_hass(self) -> None:
        """Refresh a running cooking time periodically."""
        await super().async_added_to_hass()
        if self.entity_description.key == "cooking_time":

            @callback
            def tick(_now: datetime) -> None:
                if self.watch.flame_since is not None:
                    self.async_write_ha_state()

            self.async_on_remove(
                async_track_time_interval(self.hass, tick, timedelta(seconds=COOKING_TICK))
            )

    @property
    def available(self) -> bool:
        """Cooking time follows the flame source; Last shut-off is always known."""
        if self.entity_description.needs_flame:
            return self.watch.flame is not None and self.watch.flame.available
        return True

    @property
    def native_value(self) -> float | str | datetime | None:
        """Read from the watch (or the timer)."""
        if self.entity_description.timestamp_fn is not None:
            return self.entity_description.timestamp_fn(self.timer)
        return self.entity_description.value_fn(self.watch)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """When it happened, or when the flame came on."""
        return self.entity_description.attributes_fn(self.watch)
