"""What was set survives restarts; a pulse never leaves a burner cut."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import LEFT_GAS, LEFT_LOCK, setup_stove, stove_entry


async def _restart(hass: HomeAssistant, entry_id: str) -> None:
    assert await hass.config_entries.async_unload(entry_id)
    assert await hass.config_entries.async_setup(entry_id)
    await hass.async_block_till_done()


async def test_unload_mid_pulse_ends_at_rest(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen, pulse=1.0)
    await setup_stove(hass, entry)
    assert await kitchen.left.light()
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    assert await hass.config_entries.async_unload(entry.entry_id)
    # The pulse was completed, not cut short, and the relay is at rest.
    assert kitchen.relay.channel_state(1) is False
    assert not kitchen.left.flame
    assert await kitchen.left.light()


async def test_reload_mid_pulse_ends_at_rest(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen, pulse=1.0)
    await setup_stove(hass, entry)
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await _restart(hass, entry.entry_id)
    await wait_for(lambda: kitchen.relay.channel_state(1) is False)
    assert hass.states.get(LEFT_GAS).state == STATE_ON


async def test_crash_mid_pulse_resumes_and_ends_at_rest(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant died mid-pulse: the relay is still cut, the pulse persisted."""
    entry = stove_entry(kitchen)
    until = dt_util.utcnow() + timedelta(seconds=0.6)
    hass_storage[f"gas_stove.{entry.entry_id}"] = {
        "version": 1,
        "key": f"gas_stove.{entry.entry_id}",
        "data": {"left": {"hold": False, "pulse_until": until.isoformat()}},
    }
    kitchen.relay.set_channel(1, True)
    await setup_stove(hass, entry)
    # The rest of the pulse is honoured, then the relay goes back to rest.
    assert kitchen.relay.channel_state(1) is True
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3)
    await wait_for(lambda: hass.states.get(LEFT_GAS).state == STATE_ON)


async def test_relay_found_cut_without_hold_returns_to_rest(
    hass: HomeAssistant, make_kitchen: KitchenFactory, hass_storage: dict[str, Any]
) -> None:
    kitchen = await make_kitchen("series_no")
    entry = stove_entry(kitchen, wiring="series_no")
    past = dt_util.utcnow() - timedelta(minutes=5)
    hass_storage[f"gas_stove.{entry.entry_id}"] = {
        "version": 1,
        "key": f"gas_stove.{entry.entry_id}",
        "data": {"left": {"hold": False, "pulse_until": past.isoformat()}},
    }
    # series_no: the relay powers up de-energised, i.e. cut.
    assert kitchen.relay.channel_state(1) is False
    await setup_stove(hass, entry)
    assert kitchen.relay.channel_state(1) is True
    assert kitchen.relay.channel_state(2) is True
    assert hass.states.get(LEFT_GAS).state == STATE_ON
    assert await kitchen.left.light()


async def test_hold_survives_restart(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_LOCK}, blocking=True)
    await _restart(hass, entry.entry_id)
    assert hass.states.get(LEFT_LOCK).state == STATE_ON
    assert hass.states.get(LEFT_GAS).state == STATE_OFF
    assert kitchen.relay.channel_state(1) is True
    # Even a relay that lost the cut while Home Assistant was down (a reboot
    # to its power-on state) is cut again at start.
    assert await hass.config_entries.async_unload(entry.entry_id)
    kitchen.relay.reboot()
    assert kitchen.relay.channel_state(1) is False
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert kitchen.relay.channel_state(1) is True
    assert not await kitchen.left.light()


async def test_hold_is_asserted_again_when_switched_away(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    """Someone switches the relay from the Mi Home app during a child lock."""
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_LOCK}, blocking=True)
    kitchen.relay.set_channel(1, False)
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await wait_for(lambda: kitchen.relay.channel_state(1) is True)


async def test_external_cut_is_reported_not_fought(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    kitchen.relay.set_channel(2, True)  # e.g. toggled in the Mi Home app
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await hass.async_block_till_done()
    assert hass.states.get("switch.test_stove_right_burner_gas").state == STATE_OFF
    await asyncio.sleep(0.3)
    assert kitchen.relay.channel_state(2) is True
    # A person releases it.
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.test_stove_right_burner_gas"}, blocking=True
    )
    assert kitchen.relay.channel_state(2) is False
