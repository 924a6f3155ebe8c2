"""A burner whose relay is any switch entity (here a template switch)."""

from __future__ import annotations

import asyncio

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gas_stove.const import DOMAIN
from tests.compat import burner_entity_id
from tests.conftest import wait_for
from tests.integration.common import setup_template_relay

GAS = burner_entity_id("switch", "zigbee_stove", "wok")
LOCK = burner_entity_id("lock", "zigbee_stove", "wok_child_lock")
RELAY = "input_boolean.relay"


async def _template_relay(hass: HomeAssistant, *, works: bool = True) -> None:
    await setup_template_relay(hass, "zigbee_relay", boolean="relay", works=works)


def _entry(wiring: str = "series_nc") -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title="Zigbee stove",
        unique_id="entity:switch.zigbee_relay",
        data={
            "name": "Zigbee stove",
            "burners": [
                {"burner_id": "wok", "backend": "entity", "entity_id": "switch.zigbee_relay"}
            ],
        },
        options={"burners": {"wok": {"name": "Wok", "wiring": wiring, "pulse": 0.5}}},
    )


@pytest.mark.parametrize(("wiring", "cut"), [("series_nc", STATE_ON), ("series_no", STATE_OFF)])
async def test_pulse_and_hold_through_a_switch_entity(
    hass: HomeAssistant, wiring: str, cut: str
) -> None:
    await _template_relay(hass)
    entry = _entry(wiring)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    rest = STATE_OFF if cut == STATE_ON else STATE_ON
    # Set up puts the relay at rest (series_no starts de-energised = cut).
    await wait_for(lambda: hass.states.get(RELAY).state == rest)
    assert hass.states.get(GAS).state == STATE_ON

    await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert hass.states.get(RELAY).state == cut
    assert hass.states.get(GAS).state == STATE_OFF
    await wait_for(lambda: hass.states.get(RELAY).state == rest, timeout=3)

    await hass.services.async_call("lock", "lock", {"entity_id": LOCK}, blocking=True)
    await asyncio.sleep(0.7)
    assert hass.states.get(RELAY).state == cut
    await hass.services.async_call("lock", "unlock", {"entity_id": LOCK}, blocking=True)
    assert hass.states.get(RELAY).state == rest
    assert hass.states.get(LOCK).state == "unlocked"


async def test_relay_entity_appears_later(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    entry = _entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(GAS).state == STATE_UNKNOWN
    # The relay's integration finishes loading after ours.
    hass.states.async_set("switch.zigbee_relay", STATE_OFF)
    await wait_for(lambda: hass.states.get(GAS).state == STATE_ON)
    for _ in range(2):
        hass.states.async_set("switch.zigbee_relay", STATE_UNAVAILABLE)
        await wait_for(lambda: hass.states.get(GAS).state == STATE_UNKNOWN)
    hass.states.async_set("switch.zigbee_relay", STATE_OFF)
    await wait_for(lambda: hass.states.get(GAS).state == STATE_ON)
    assert caplog.text.count("switch.zigbee_relay is unavailable") == 1
    assert caplog.text.count("switch.zigbee_relay is back") == 2


async def test_relay_entity_that_does_not_switch(hass: HomeAssistant) -> None:
    await _template_relay(hass, works=False)
    entry = _entry()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert err.value.translation_key == "relay_unreachable_action"
