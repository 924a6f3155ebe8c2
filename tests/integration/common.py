"""Helpers to build config entries for an emulated kitchen."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gas_stove.const import DOMAIN
from tests.conftest import TOKEN, Kitchen

BURNER_IDS = ("left", "right", "back", "wok")
NAMES = ("Left burner", "Right burner", "Back burner", "Wok burner")

LEFT_GAS = "switch.test_stove_left_burner_gas"
LEFT_LOCK = "switch.test_stove_left_burner_child_lock"
LEFT_BUTTON = "button.test_stove_left_burner_shut_off"
RIGHT_GAS = "switch.test_stove_right_burner_gas"


def stove_entry(
    kitchen: Kitchen,
    *,
    wiring: str = "series_nc",
    pulse: float = 0.5,
    token: str = TOKEN,
    protocol: str = "miot",
) -> MockConfigEntry:
    """A config entry as the config flow would create it for this kitchen."""
    burners: list[dict[str, Any]] = []
    settings: dict[str, dict[str, Any]] = {}
    for index, _burner in enumerate(kitchen.burners):
        burner_id = BURNER_IDS[index]
        burners.append(
            {
                "burner_id": burner_id,
                "backend": "miio",
                "host": kitchen.relay.host,
                "token": token,
                "protocol": protocol,
                "siid": 2 + index,
                "piid": 1,
                "model": kitchen.relay.model,
            }
        )
        settings[burner_id] = {"name": NAMES[index], "wiring": wiring, "pulse": pulse}
    return MockConfigEntry(
        domain=DOMAIN,
        title="Test stove",
        unique_id=f"miio:{kitchen.relay.host}:2:1",
        data={"name": "Test stove", "burners": burners},
        options={"burners": settings},
    )


async def setup_stove(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up the entry; it must load."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
