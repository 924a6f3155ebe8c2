"""Shut off button of each burner."""

from __future__ import annotations

from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .burner import Burner
from .const import ShutOffReason
from .entity import BurnerEntity, ShutOffEntity, relay_errors
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0

SHUT_OFF = ButtonEntityDescription(key="shut_off", translation_key="shut_off")
SILENCE_DRY_POT = ButtonEntityDescription(key="silence_dry_pot", translation_key="silence_dry_pot")
COMMISSIONING = ButtonEntityDescription(
    key="commissioning",
    translation_key="commissioning",
    entity_category=EntityCategory.CONFIG,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Shut off and Commissioning per burner; Silence where a dry-pot guard watches."""
    stove = entry.runtime_data
    burners = stove.burners.values()
    async_add_entities(
        [ShutOffButton(entry, burner, SHUT_OFF) for burner in burners]
        + [CommissioningButton(entry, burner, COMMISSIONING) for burner in burners]
        + [
            SilenceDryPotButton(entry, stove.burners[burner_id], SILENCE_DRY_POT)
            for burner_id in stove.dry_pot
        ]
    )


class ShutOffButton(ShutOffEntity, ButtonEntity):
    """Pulse the burner's relay: the flame goes out."""

    @relay_errors
    async def async_press(self) -> None:
        """Cut the flame."""
        await self.burner.async_shut_off(ShutOffReason.BUTTON)


class CommissioningButton(BurnerEntity, ButtonEntity):
    """A supervised test cut with a report (see commissioning.py)."""

    def __init__(
        self, entry: GasStoveConfigEntry, burner: Burner, description: ButtonEntityDescription
    ) -> None:
        """Bind the burner's commissioning test."""
        super().__init__(entry, burner, description)
        self.test = entry.runtime_data.commissioning[burner.burner_id]

    async def async_added_to_hass(self) -> None:
        """Show the last result; follow the test's steps."""
        await super().async_added_to_hass()
        self.test.load()
        self.async_on_remove(self.test.async_add_listener(self.async_write_ha_state))
        self.async_on_remove(self.test.async_stop)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Step, result, measured seconds and date of the last test."""
        return {
            "step": self.test.step,
            "result": self.test.result,
            "seconds": self.test.seconds,
            "blow_out": self.test.blow_out,
            "opening": self.test.opening,
            "blow_out_other_lit": self.test.blow_out_other_lit,
            "tested_at": self.test.tested_at.isoformat() if self.test.tested_at else None,
        }

    @relay_errors
    async def async_press(self) -> None:
        """Start the test or take its next step."""
        await self.test.async_press()


class SilenceDryPotButton(BurnerEntity, ButtonEntity):
    """A person's "I know": no dry-pot warning or cut for this session."""

    def __init__(
        self, entry: GasStoveConfigEntry, burner: Burner, description: ButtonEntityDescription
    ) -> None:
        """Bind the burner's dry-pot guard."""
        super().__init__(entry, burner, description)
        self.guard = entry.runtime_data.dry_pot[burner.burner_id]

    async def async_added_to_hass(self) -> None:
        """Show the guard's state as it changes."""
        await super().async_added_to_hass()
        self.async_on_remove(self.guard.async_add_listener(self.async_write_ha_state))

    @property
    def available(self) -> bool:
        """Silencing never needs the relay."""
        return True

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Whether the guard is silenced or warning, and the pot's temperature."""
        return {
            "silenced": self.guard.silenced,
            "warning": self.guard.warned,
            "temperature": self.guard.temperature,
        }

    async def async_press(self) -> None:
        """Silence the guard until the flame goes out (or the pot cools)."""
        self.guard.async_silence()
        self.async_write_ha_state()
