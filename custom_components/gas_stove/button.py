"""Shut off button of each burner."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import ShutOffReason
from .entity import BurnerEntity, relay_errors
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0

SHUT_OFF = ButtonEntityDescription(key="shut_off", translation_key="shut_off")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One shut-off button per burner."""
    async_add_entities(
        ShutOffButton(entry, burner, SHUT_OFF) for burner in entry.runtime_data.burners.values()
    )


class ShutOffButton(BurnerEntity, ButtonEntity):
    """Pulse the burner's relay: the flame goes out."""

    @relay_errors
    async def async_press(self) -> None:
        """Cut the flame."""
        await self.burner.async_shut_off(ShutOffReason.BUTTON)
