"""The gas_stove.shut_off action."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    floor_registry as fr,
    label_registry as lr,
)
import pytest

from custom_components.gas_stove.const import DOMAIN
from tests.compat import burner_entity_id, device_by_identifier
from tests.conftest import Kitchen
from tests.integration.common import LEFT_GAS, LEFT_LAST, setup_stove, stove_entry


async def test_shut_off_a_whole_stove_by_device(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    assert await kitchen.left.light()
    assert await kitchen.right.light()
    device = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    await hass.services.async_call(DOMAIN, "shut_off", {"device_id": device.id}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    assert kitchen.relay.channel_state(2) is True
    assert hass.states.get(LEFT_LAST).state == "service"
    assert (
        hass.states.get(
            burner_entity_id("sensor", "test_stove", "right_burner_last_shut_off")
        ).state
        == "service"
    )


async def test_shut_off_needs_a_burner(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    hass.states.async_set("switch.something_else", "on")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "shut_off", {"entity_id": "switch.something_else"}, blocking=True
        )
    assert err.value.translation_key == "no_burner_targeted"


async def test_shut_off_reports_the_burner_that_failed(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    kitchen.relay.faults.drop_requests = 1.0
    device = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(DOMAIN, "shut_off", {"device_id": device.id}, blocking=True)
    assert "Left burner" in str(err.value)
    assert "Right burner" in str(err.value)
    problem = hass.states.get(
        burner_entity_id("binary_sensor", "test_stove", "left_burner_problem")
    )
    assert problem.state == "on"
    assert problem.attributes["reason"] == "shutoff_unconfirmed"


async def test_shut_off_by_label_and_by_floor(hass: HomeAssistant, kitchen: Kitchen) -> None:
    """Every target Home Assistant's picker offers is taken, floors and labels too."""
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    label = lr.async_get(hass).async_create("Cooking")
    er.async_get(hass).async_update_entity(LEFT_GAS, labels={label.label_id})
    await hass.services.async_call(DOMAIN, "shut_off", {"label_id": label.label_id}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    assert kitchen.relay.channel_state(2) is False

    floor = fr.async_get(hass).async_create("Ground floor")
    area = ar.async_get(hass).async_create("Kitchen", floor_id=floor.floor_id)
    device = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    dr.async_get(hass).async_update_device(device.id, area_id=area.id)
    await hass.services.async_call(
        DOMAIN, "set_timer", {"floor_id": floor.floor_id, "duration": "00:20:00"}, blocking=True
    )
    assert (
        hass.states.get(
            burner_entity_id("number", "test_stove", "right_burner_shut_off_timer")
        ).state
        == "20"
    )
