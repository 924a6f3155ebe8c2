"""Edge cases of pulse and hold, driven through Home Assistant."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from tests.conftest import Kitchen, wait_for
from tests.integration.common import LEFT_GAS, LEFT_LOCK, setup_stove, stove_entry


async def test_hold_during_a_pulse_keeps_the_cut(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen, pulse=0.5))
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    await asyncio.sleep(0.8)
    assert kitchen.relay.channel_state(1) is True
    assert hass.states.get(LEFT_LOCK).state == "locked"


async def test_release_during_a_pulse_lets_the_pulse_finish(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen, pulse=0.6))
    assert await kitchen.left.light()
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_GAS}, blocking=True)
    # "On" never cuts a pulse short: the valve gets its full time to drop.
    assert kitchen.relay.channel_state(1) is True
    await wait_for(lambda: not kitchen.left.flame, timeout=1)
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3)


async def test_shut_off_of_a_held_burner_asserts_the_cut(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    before = len(kitchen.relay.stats.applied)
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    writes = [
        c.params[0]["value"]
        for c in kitchen.relay.stats.applied[before:]
        if c.method == "set_properties"
    ]
    # An explicit cut again (the cached state may be old), never a release.
    assert writes == [True]
    await asyncio.sleep(0.7)
    assert kitchen.relay.channel_state(1) is True
    assert hass.states.get(LEFT_LOCK).state == "locked"


async def test_unload_while_a_cut_is_in_flight(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen, pulse=0.5)
    await setup_stove(hass, entry)
    kitchen.relay.faults.delay = 0.2
    task = hass.async_create_task(
        hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    )
    await asyncio.sleep(0.05)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await task
    assert kitchen.relay.channel_state(1) is False


async def test_unload_with_relay_gone_finishes_after_restart(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = stove_entry(kitchen, pulse=0.5)
    await setup_stove(hass, entry)
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    kitchen.relay.faults.offline = True
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert kitchen.relay.channel_state(1) is True
    kitchen.relay.faults.offline = False
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert kitchen.relay.channel_state(1) is False


async def test_failed_release_is_retried_until_at_rest(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen, pulse=0.5))
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    kitchen.relay.faults.drop_requests = 1.0
    # The end of the pulse cannot reach the relay ...
    await asyncio.sleep(0.5 + 6.5)
    assert kitchen.relay.channel_state(1) is True
    kitchen.relay.faults.drop_requests = 0.0
    # ... and is retried with back-off until the relay is at rest again.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=3))
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=5)
    await wait_for(lambda: hass.states.get(LEFT_GAS).state == STATE_ON)


async def test_failed_hold_raises_and_is_asserted_later(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    kitchen.relay.faults.request_error = -5001
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert err.value.translation_key == "relay_rejected"
    # The hold is what the person asked for: it is kept and shown ...
    assert hass.states.get(LEFT_LOCK).state == "locked"
    kitchen.relay.faults.request_error = None
    # ... and carried out by the retry.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=3))
    await wait_for(lambda: kitchen.relay.channel_state(1) is True, timeout=5)
    await wait_for(lambda: hass.states.get(LEFT_GAS).state == STATE_OFF)
