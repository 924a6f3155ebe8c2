"""Flame sensing and the shut-off that proves itself, with the emulated sensor."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir, translation
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from tests.compat import burner_entity_id
from tests.conftest import KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_COOKING,
    LEFT_EVENTS,
    LEFT_FLAME,
    LEFT_GAS,
    LEFT_LAST,
    LEFT_LOCK,
    LEFT_PROBLEM,
    EventLog,
    light_left,
    setup_stove,
    state_of,
    stove_entry,
)


async def test_confirmed_shut_off(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen(sensor=True)
    await setup_stove(hass, stove_entry(kitchen))
    log = EventLog(hass, LEFT_EVENTS)
    assert state_of(hass, LEFT_FLAME) == STATE_OFF
    assert state_of(hass, LEFT_COOKING) == "0.0"
    await light_left(hass, kitchen)
    assert hass.states.get(LEFT_COOKING).attributes["started_at"]

    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=5)
    await wait_for(lambda: "shut_off" in log.types())
    shut_off = log.last("shut_off")
    assert shut_off["reason"] == "manual"
    assert shut_off["verified"] is True
    assert 0 < shut_off["seconds"] < 3
    assert log.types()[:1] == ["flame_on"]
    assert "flame_off" in log.types()
    assert state_of(hass, LEFT_LAST) == "manual"
    assert hass.states.get(LEFT_LAST).attributes["at"]
    assert state_of(hass, LEFT_COOKING) == "0.0"
    assert state_of(hass, LEFT_PROBLEM) == STATE_OFF


async def test_knob_held_escalates_and_clears(
    hass: HomeAssistant, make_kitchen: KitchenFactory, issue_registry: ir.IssueRegistry
) -> None:
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    log = EventLog(hass, LEFT_EVENTS)
    await light_left(hass, kitchen)
    kitchen.left.knob_held_fault = True  # someone holds the knob pushed in

    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": burner_entity_id("button", "test_stove", "left_burner_shut_off")},
        blocking=True,
    )
    # The verification window (3 s) closes with the flame still on.
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_ON, timeout=8)
    problem = hass.states.get(LEFT_PROBLEM)
    assert problem.attributes["reason"] == "shutoff_unconfirmed"
    await wait_for(lambda: "shutoff_failed" in log.types())
    assert log.last("shutoff_failed")["reason"] == "button"
    issue_id = f"shutoff_unconfirmed_{entry.entry_id}_left"
    assert issue_registry.async_get_issue("gas_stove", issue_id) is not None
    # Escalation: the cut is held well past the pulse while the knob is held.
    await asyncio.sleep(1.0)
    assert kitchen.relay.channel_state(1) is True
    assert kitchen.left.flame

    kitchen.left.knob_held_fault = False  # the knob is released
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=8)
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_OFF, timeout=3)
    assert issue_registry.async_get_issue("gas_stove", issue_id) is None
    await wait_for(lambda: "shut_off" in log.types())
    late = log.last("shut_off")
    assert late["verified"] is True
    assert late["late"] is True
    # Flame confirmed out: the burner returns to rest by itself.
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=5)
    # The relay moves first; Home Assistant shows it once the write is read back.
    await wait_for(lambda: state_of(hass, LEFT_GAS) == STATE_ON)
    assert await kitchen.left.light()


async def test_flame_while_locked(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen(sensor=True)
    await setup_stove(hass, stove_entry(kitchen))
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    # A relay that does not really open the loop (welded contact, wrong
    # burner wired): the burner lights although the lock holds the cut.
    kitchen.left.knob_held_fault = True
    await light_left(hass, kitchen)
    await wait_for(
        lambda: hass.states.get(LEFT_PROBLEM).attributes["reason"] == "flame_while_locked",
        timeout=5,
    )
    kitchen.left.knob_held_fault = False
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_OFF, timeout=10)


async def test_relay_unreachable_while_lit(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    kitchen.relay.faults.offline = True
    # Three failed polls in a row: the relay is gone.
    for _ in range(3):
        await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_ON)
    assert hass.states.get(LEFT_PROBLEM).attributes["reason"] == "relay_unreachable_while_lit"
    assert state_of(hass, LEFT_GAS) == STATE_UNKNOWN  # still takes a shut-off
    # The right burner is out: no problem there.
    assert (
        state_of(hass, burner_entity_id("binary_sensor", "test_stove", "right_burner_problem"))
        == STATE_OFF
    )
    kitchen.relay.faults.offline = False
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_OFF)


async def test_flame_sensor_unavailable(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen(sensor=True)
    assert kitchen.sensor is not None
    kitchen.sensor.faults.offline = True
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    # The stove still loads and can be shut off; the flame is unavailable.
    assert state_of(hass, LEFT_FLAME) == STATE_UNAVAILABLE
    assert state_of(hass, LEFT_COOKING) == STATE_UNAVAILABLE
    assert hass.states.get(LEFT_PROBLEM).attributes["reason"] == "flame_source_unavailable"
    log = EventLog(hass, LEFT_EVENTS)
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    # Nothing can confirm the flame is out: that is reported, not assumed.
    await wait_for(lambda: "shutoff_failed" in log.types(), timeout=8)
    assert log.last("shutoff_failed")["flame"] == "unknown"
    kitchen.sensor.faults.offline = False
    await entry.runtime_data.flame_coordinators[kitchen.sensor.host].async_refresh()
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF)
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_OFF, timeout=5)


async def test_last_shut_off_survives_restart(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await hass.services.async_call("gas_stove", "shut_off", {"entity_id": LEFT_GAS}, blocking=True)
    assert state_of(hass, LEFT_LAST) == "service"
    at = hass.states.get(LEFT_LAST).attributes["at"]
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, LEFT_LAST) == "service"
    assert hass.states.get(LEFT_LAST).attributes["at"] == at


async def test_without_flame_source(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen()
    await setup_stove(hass, stove_entry(kitchen))
    log = EventLog(hass, LEFT_EVENTS)
    assert hass.states.get(LEFT_FLAME) is None
    assert hass.states.get(LEFT_COOKING) is None
    problem = hass.states.get(LEFT_PROBLEM)
    assert problem.state == STATE_OFF
    assert problem.attributes["flame_checks"] is False
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await wait_for(lambda: "shut_off" in log.types())
    event: dict[str, Any] = log.last("shut_off")
    assert event["verified"] is False
    assert event["reason"] == "manual"


async def test_external_cut_is_recorded(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen()
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    kitchen.relay.set_channel(1, True)  # switched in the Mi Home app
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await wait_for(lambda: state_of(hass, LEFT_LAST) == "external")


async def test_stale_out_reading_does_not_verify(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """Lit seconds ago, knob still held in, the slow poll has not seen the flame yet."""
    kitchen = await make_kitchen(sensor=True)
    await setup_stove(hass, stove_entry(kitchen))
    log = EventLog(hass, LEFT_EVENTS)
    assert await kitchen.left.light()
    kitchen.left.knob_held_fault = True
    await asyncio.sleep(0.5)  # hot now, but the last reading (10 s poll) said out
    assert state_of(hass, LEFT_FLAME) == STATE_OFF
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": burner_entity_id("button", "test_stove", "left_burner_shut_off")},
        blocking=True,
    )
    # The old "out" does not count: the verification asks for fresh readings,
    # finds the flame and the window closes with a Problem, not a false "out".
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=4))
    await wait_for(lambda: "shutoff_failed" in log.types(), timeout=8)
    assert "shut_off" not in log.types()
    assert state_of(hass, LEFT_PROBLEM) == STATE_ON
    kitchen.left.knob_held_fault = False
    await wait_for(lambda: "shut_off" in log.types(), timeout=8)
    assert log.last("shut_off")["late"] is True


async def test_unload_with_a_flame_change_pending(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    # Found by the invariants test: a debounce commit outlived the unload.
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    assert await kitchen.left.light()
    await asyncio.sleep(0.5)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await wait_for(lambda: kitchen.sensor is not None and kitchen.sensor.stats.replies >= 3)
    await hass.async_block_till_done()
    # Lit is a candidate now, not yet committed (the debounce runs).
    assert state_of(hass, LEFT_FLAME) == STATE_OFF
    assert await hass.config_entries.async_unload(entry.entry_id)
    # The harness fails the test on a timer left behind.


async def test_the_flame_reads_lit_and_out_in_both_languages(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """Not the heat device class's Hot/Normal, 过热/正常 ("overheating") for a cooking flame."""
    kitchen = await make_kitchen(sensor=True)
    await setup_stove(hass, stove_entry(kitchen))
    await light_left(hass, kitchen)
    assert "device_class" not in hass.states.get(LEFT_FLAME).attributes
    for language, lit, out, allowed, cut in (
        ("en", "Lit", "Out", "Gas allowed", "Cut"),
        ("zh-Hans", "燃烧中", "已熄灭", "可供气", "已切断"),
    ):
        texts = await translation.async_get_translations(hass, language, "entity", ["gas_stove"])
        prefix = "component.gas_stove.entity"
        assert texts[f"{prefix}.binary_sensor.flame.state.on"] == lit
        assert texts[f"{prefix}.binary_sensor.flame.state.off"] == out
        # "On" 2 s after "off" is the relay back at rest, not the shut-off undone.
        assert texts[f"{prefix}.switch.gas.state.on"] == allowed
        assert texts[f"{prefix}.switch.gas.state.off"] == cut
