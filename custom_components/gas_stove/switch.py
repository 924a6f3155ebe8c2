"""The Gas switch of each burner, and the stove's Hood linkage switch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import (
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .burner import Burner
from .compat import SwitchDeviceClass
from .const import ShutOffReason
from .entity import ShutOffEntity, relay_errors, stove_device_info
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BurnerSwitchDescription(SwitchEntityDescription):
    """How a burner switch reads and acts."""

    is_on_fn: Callable[[Burner], bool | None]
    turn_on_fn: Callable[[Burner], Awaitable[None]]
    turn_off_fn: Callable[[Burner], Awaitable[None]]


def _gas_enabled(burner: Burner) -> bool | None:
    # The last poll's state is stale once the relay is unreachable.
    cut = burner.relay_cut if burner.available else None
    return None if cut is None else not cut


SWITCHES: tuple[BurnerSwitchDescription, ...] = (
    # On = the gas path is enabled (relay at rest). "On" never lights or opens
    # anything, and never lifts a hold: it returns an idle cut to rest so the
    # burner can be lit by hand. The child lock is the lock entity (lock.py).
    # The burner's main entity: its name is the burner device's name.
    BurnerSwitchDescription(
        key="gas",
        translation_key="gas",
        name=None,
        device_class=SwitchDeviceClass.SWITCH,
        is_on_fn=_gas_enabled,
        turn_on_fn=lambda burner: burner.async_enable_gas(),
        turn_off_fn=lambda burner: burner.async_shut_off(ShutOffReason.MANUAL),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A Gas switch per burner, and the stove's Hood linkage switch."""
    switches = [
        BurnerSwitch(entry, burner, description)
        for burner in entry.runtime_data.burners.values()
        for description in SWITCHES
    ]
    async_add_entities([*switches, HoodLinkageSwitch(entry)])


class BurnerSwitch(ShutOffEntity, SwitchEntity):
    """A switch that is a view onto its burner."""

    entity_description: BurnerSwitchDescription

    @property
    def is_on(self) -> bool | None:
        """Read from the burner."""
        return self.entity_description.is_on_fn(self.burner)

    @relay_errors
    async def async_turn_on(self, /, **kwargs: Any) -> None:
        """Release (never ignite)."""
        await self.entity_description.turn_on_fn(self.burner)

    @relay_errors
    async def async_turn_off(self, /, **kwargs: Any) -> None:
        """Cut."""
        await self.entity_description.turn_off_fn(self.burner)


class HoodLinkageSwitch(SwitchEntity):
    """Turns the range-hood linkage on and off without opening the options."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _attr_translation_key = "hood_linkage"
    _attr_entity_category = EntityCategory.CONFIG

    def __init__(self, entry: GasStoveConfigEntry) -> None:
        """One per stove."""
        kitchen = entry.runtime_data.kitchen
        assert kitchen is not None
        self.kitchen = kitchen
        self._attr_unique_id = f"{entry.entry_id}_hood_linkage"
        entry.runtime_data.unique_ids.add(self._attr_unique_id)
        self._attr_device_info = stove_device_info(entry)

    async def async_added_to_hass(self) -> None:
        """Follow the linkage's state."""
        await super().async_added_to_hass()
        self.async_on_remove(self.kitchen.async_add_listener(self.async_write_ha_state))

    @property
    def available(self) -> bool:
        """Without a hood or a flame source the linkage cannot work."""
        return self.kitchen.hood_linkage_available

    @property
    def is_on(self) -> bool:
        """Whether the linkage is enabled."""
        return self.kitchen.hood_linkage_enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Enable the linkage."""
        await self.kitchen.async_set_hood_linkage(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Disable the linkage; the hood is left as it is."""
        await self.kitchen.async_set_hood_linkage(False)
