"""Gas and Child lock switches of each burner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import (
    SwitchDeviceClass,
    SwitchEntity,
    SwitchEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .burner import Burner
from .const import ShutOffReason
from .entity import BurnerEntity, relay_errors
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BurnerSwitchDescription(SwitchEntityDescription):
    """How a burner switch reads and acts."""

    is_on_fn: Callable[[Burner], bool | None]
    turn_on_fn: Callable[[Burner], Awaitable[None]]
    turn_off_fn: Callable[[Burner], Awaitable[None]]


def _gas_enabled(burner: Burner) -> bool | None:
    cut = burner.relay_cut
    return None if cut is None else not cut


SWITCHES: tuple[BurnerSwitchDescription, ...] = (
    # On = the gas path is enabled (relay at rest). "On" never lights or opens
    # anything: it only releases a hold so the burner can be lit by hand.
    BurnerSwitchDescription(
        key="gas",
        translation_key="gas",
        device_class=SwitchDeviceClass.SWITCH,
        is_on_fn=_gas_enabled,
        turn_on_fn=lambda burner: burner.async_release(),
        turn_off_fn=lambda burner: burner.async_shut_off(ShutOffReason.MANUAL),
    ),
    BurnerSwitchDescription(
        key="child_lock",
        translation_key="child_lock",
        device_class=SwitchDeviceClass.SWITCH,
        is_on_fn=lambda burner: burner.hold,
        turn_on_fn=lambda burner: burner.async_hold(),
        turn_off_fn=lambda burner: burner.async_release(),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Two switches per burner."""
    async_add_entities(
        BurnerSwitch(entry, burner, description)
        for burner in entry.runtime_data.burners.values()
        for description in SWITCHES
    )


class BurnerSwitch(BurnerEntity, SwitchEntity):
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
