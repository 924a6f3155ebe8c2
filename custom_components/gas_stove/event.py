"""Stove events entity of each burner: what happened, for automations and the logbook."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import StoveEvent
from .entity import BurnerEntity
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0

EVENTS = EventEntityDescription(
    key="events",
    translation_key="events",
    event_types=[event.value for event in StoveEvent],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One event entity per burner."""
    async_add_entities(
        BurnerEventEntity(entry, burner, EVENTS) for burner in entry.runtime_data.burners.values()
    )


class BurnerEventEntity(BurnerEntity, EventEntity):
    """Fires flame_on, flame_off, shut_off and shutoff_failed."""

    async def async_added_to_hass(self) -> None:
        """Follow the burner's watch."""
        await super().async_added_to_hass()
        self.async_on_remove(self.watch.async_add_event_listener(self._event))

    @property
    def available(self) -> bool:
        """Events are reported even while the relay is away."""
        return True

    @callback
    def _event(self, event: StoveEvent, data: dict[str, Any]) -> None:
        self._trigger_event(event.value, {**data, "burner": self.burner.settings.name})
        self.async_write_ha_state()
