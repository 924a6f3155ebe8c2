"""Shut-off timer of each burner, in minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
import math

from homeassistant.components.number import NumberEntity, NumberEntityDescription, NumberMode
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_interval

from .const import DOMAIN, MAX_TIMER_MINUTES
from .entity import BurnerEntity, relay_errors
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0
# How often the minutes left are refreshed while a timer runs.
COUNTDOWN_TICK = timedelta(seconds=15)

SHUT_OFF_TIMER = NumberEntityDescription(
    key="shut_off_timer",
    translation_key="shut_off_timer",
    native_min_value=0,
    native_max_value=MAX_TIMER_MINUTES,
    native_step=1,
    native_unit_of_measurement=UnitOfTime.MINUTES,
    mode=NumberMode.BOX,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One timer per burner."""
    async_add_entities(
        ShutOffTimerNumber(entry, burner, SHUT_OFF_TIMER)
        for burner in entry.runtime_data.burners.values()
    )


class ShutOffTimerNumber(BurnerEntity, NumberEntity):
    """Minutes until the burner shuts off; setting it starts or replaces the timer."""

    async def async_added_to_hass(self) -> None:
        """Count down while a timer runs."""
        await super().async_added_to_hass()

        @callback
        def tick(_now: datetime) -> None:
            if self.timer.deadline is not None:
                self.async_write_ha_state()

        self.async_on_remove(async_track_time_interval(self.hass, tick, COUNTDOWN_TICK))

    @property
    def available(self) -> bool:
        """A timer can be set and kept while the relay is away (it retries)."""
        return True

    @property
    def native_value(self) -> float:
        """Whole minutes left, rounded up; 0 when no timer runs."""
        remaining = self.timer.remaining
        if remaining is None:
            return 0
        return math.ceil(remaining.total_seconds() / 60)

    @relay_errors
    async def async_set_native_value(self, value: float) -> None:
        """0 cancels; 1 to 480 starts or replaces the countdown."""
        if not math.isfinite(value):
            # Home Assistant's range check lets NaN through.
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="timer_duration_invalid",
                translation_placeholders={"value": str(value)},
            )
        if value <= 0:
            await self.timer.async_cancel()
        else:
            await self.timer.async_set(timedelta(minutes=value))
