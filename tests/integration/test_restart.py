"""What was set survives restarts; a pulse never leaves a burner cut.

Restart torture (issue 8): a restart in the middle of a pulse, a hold, a
verification window and after a failed shut-off each has a test here that
states the end state; timers (running, and expiring during the downtime) are
in test_timer.py.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from tests.compat import burner_entity_id
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_BUTTON,
    LEFT_EVENTS,
    LEFT_GAS,
    LEFT_LOCK,
    LEFT_PROBLEM,
    EventLog,
    light_left,
    setup_stove,
    state_of,
    stove_entry,
)


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
    # Long enough that a slow start (a loaded CI machine) still lands inside it.
    until = dt_util.utcnow() + timedelta(seconds=3)
    hass_storage[f"gas_stove.{entry.entry_id}"] = {
        "version": 1,
        "key": f"gas_stove.{entry.entry_id}",
        "data": {"left": {"hold": False, "pulse_until": until.isoformat()}},
    }
    kitchen.relay.set_channel(1, True)
    await setup_stove(hass, entry)
    # The rest of the pulse is honoured, then the relay goes back to rest.
    assert kitchen.relay.channel_state(1) is True
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=6)
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
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    await _restart(hass, entry.entry_id)
    assert hass.states.get(LEFT_LOCK).state == "locked"
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
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    kitchen.relay.set_channel(1, False)
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await wait_for(lambda: kitchen.relay.channel_state(1) is True)


async def test_external_cut_is_reported_not_fought(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    kitchen.relay.set_channel(2, True)  # e.g. toggled in the Mi Home app
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await hass.async_block_till_done()
    assert (
        hass.states.get(burner_entity_id("switch", "test_stove", "right_burner")).state == STATE_OFF
    )
    await asyncio.sleep(0.3)
    assert kitchen.relay.channel_state(2) is True
    # A person releases it.
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": burner_entity_id("switch", "test_stove", "right_burner")},
        blocking=True,
    )
    assert kitchen.relay.channel_state(2) is False


async def test_restart_mid_verification_flame_out_meanwhile(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """The flame went out while Home Assistant was restarting."""
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    await hass.services.async_call("button", "press", {"entity_id": LEFT_BUTTON}, blocking=True)
    # The cut is confirmed; the sensor has not seen the flame go out yet.
    assert entry.runtime_data.watches["left"].verifying
    restarted_at = dt_util.utcnow()
    await _restart(hass, entry.entry_id)

    def shut_off_since_restart() -> bool:
        # The first reading at start may already finish the verification,
        # during the restart itself: read the event entity's state.
        state = hass.states.get(LEFT_EVENTS)
        moment = dt_util.parse_datetime(state.state) if state else None
        return (
            moment is not None
            and moment >= restarted_at
            and state.attributes.get("event_type") == "shut_off"
        )

    # End state: the verification is finished after the restart with the
    # reason asked for before it, the relay is at rest, no Problem.
    await wait_for(shut_off_since_restart, timeout=8)
    event = hass.states.get(LEFT_EVENTS).attributes
    assert (event["reason"], event["verified"], event["late"]) == ("button", True, False)
    assert not kitchen.left.flame
    assert kitchen.relay.channel_state(1) is False
    assert state_of(hass, LEFT_PROBLEM) == STATE_OFF


async def test_restart_mid_verification_knob_held(
    hass: HomeAssistant, make_kitchen: KitchenFactory, issue_registry: ir.IssueRegistry
) -> None:
    """The knob is held in through the cut and through the restart."""
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    kitchen.left.knob_held_fault = True
    await hass.services.async_call("button", "press", {"entity_id": LEFT_BUTTON}, blocking=True)
    await _restart(hass, entry.entry_id)
    log = EventLog(hass, LEFT_EVENTS)
    assert entry.runtime_data.watches["left"].verifying
    # End state: the window (or the grace after a restart) closes with the
    # flame on: Problem, shutoff_failed, repair issue, second cut held.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
    await wait_for(lambda: "shutoff_failed" in log.types(), timeout=8)
    assert log.last("shutoff_failed")["reason"] == "button"
    assert state_of(hass, LEFT_PROBLEM) == STATE_ON
    issue_id = f"shutoff_unconfirmed_{entry.entry_id}_left"
    assert issue_registry.async_get_issue("gas_stove", issue_id) is not None
    await wait_for(lambda: kitchen.relay.channel_state(1) is True)

    # Restarted again while escalated: still held, still a Problem.
    await _restart(hass, entry.entry_id)
    log = EventLog(hass, LEFT_EVENTS)
    assert kitchen.relay.channel_state(1) is True
    assert state_of(hass, LEFT_PROBLEM) == STATE_ON
    assert issue_registry.async_get_issue("gas_stove", issue_id) is not None

    kitchen.left.knob_held_fault = False
    await wait_for(lambda: "shut_off" in log.types(), timeout=8)
    event = log.last("shut_off")
    assert (event["reason"], event["verified"], event["late"]) == ("button", True, True)
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=5)
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_OFF)
    assert issue_registry.async_get_issue("gas_stove", issue_id) is None


async def test_failed_shut_off_is_still_a_problem_after_restart(
    hass: HomeAssistant, kitchen: Kitchen, issue_registry: ir.IssueRegistry
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    kitchen.relay.faults.drop_requests = 1.0
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    assert state_of(hass, LEFT_PROBLEM) == STATE_ON
    kitchen.relay.faults.drop_requests = 0.0
    await _restart(hass, entry.entry_id)
    # End state: the Problem and its repair issue are back after the restart.
    assert state_of(hass, LEFT_PROBLEM) == STATE_ON
    assert hass.states.get(LEFT_PROBLEM).attributes["reason"] == "shutoff_unconfirmed"
    issue_id = f"relay_not_confirmed_{entry.entry_id}_left"
    assert issue_registry.async_get_issue("gas_stove", issue_id) is not None
    # A confirmed shut-off clears both.
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_OFF)
    assert issue_registry.async_get_issue("gas_stove", issue_id) is None


async def test_a_verification_finished_by_the_first_reading_at_start_is_reported(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """Home Assistant was down long enough for the burner to cool: the event still comes."""
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    await hass.services.async_call("button", "press", {"entity_id": LEFT_BUTTON}, blocking=True)
    assert entry.runtime_data.watches["left"].verifying
    restarted_at = dt_util.utcnow()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await asyncio.sleep(3)  # the thermocouple cools while Home Assistant is down
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # Finished by the first reading, during the start, before the event
    # entity existed: delivered to it once it does.
    state = hass.states.get(LEFT_EVENTS)
    assert state is not None
    moment = dt_util.parse_datetime(state.state)
    assert moment is not None and moment >= restarted_at, state
    assert state.attributes["event_type"] == "shut_off"
    assert state.attributes["reason"] == "button"
