"""Timed shut-off and maximum burn time, across restarts and relay failures."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
import time
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.gas_stove import relay
from custom_components.gas_stove.const import DOMAIN
from tests.compat import burner_entity_id, device_by_identifier
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_EVENTS,
    LEFT_FLAME,
    LEFT_GAS,
    LEFT_LAST,
    EventLog,
    light_left,
    setup_stove,
    state_of,
    stove_entry,
)

TIMER = burner_entity_id("number", "test_stove", "left_burner_shut_off_timer")
SHUT_OFF_AT = burner_entity_id("sensor", "test_stove", "left_burner_shut_off_at")
RIGHT_TIMER = burner_entity_id("number", "test_stove", "right_burner_shut_off_timer")


def _deadline(hass: HomeAssistant) -> datetime | None:
    state = hass.states.get(SHUT_OFF_AT).state
    return None if state == STATE_UNKNOWN else dt_util.parse_datetime(state)


def _due(deadline: datetime) -> datetime:
    """The sensor shows whole seconds: the real deadline is within 1 s after."""
    return deadline + timedelta(seconds=1)


async def _set_timer(hass: HomeAssistant, minutes: int) -> datetime:
    """Set the left burner's timer through its number; its deadline as shown."""
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": minutes}, blocking=True
    )
    deadline = _deadline(hass)
    assert deadline is not None
    return deadline


async def _at(hass: HomeAssistant, moment: datetime) -> None:
    """Let Home Assistant's clock reach `moment` (timers due by then fire)."""
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def test_set_replace_cancel_through_the_number(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    assert hass.states.get(TIMER).state == "0"
    assert hass.states.get(SHUT_OFF_AT).state == STATE_UNKNOWN
    before = dt_util.utcnow()
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 20}, blocking=True
    )
    assert hass.states.get(TIMER).state == "20"
    deadline = _deadline(hass)
    assert deadline is not None
    # The timestamp is shown to the second.
    assert timedelta(minutes=20, seconds=-1) <= deadline - before < timedelta(minutes=20, seconds=2)
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 5}, blocking=True
    )
    assert hass.states.get(TIMER).state == "5"
    replaced = _deadline(hass)
    assert replaced is not None
    assert replaced < deadline
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 0}, blocking=True
    )
    assert hass.states.get(TIMER).state == "0"
    assert _deadline(hass) is None
    # Nothing happens at the old deadlines.
    await _at(hass, deadline + timedelta(seconds=5))
    assert kitchen.relay.channel_state(1) is False


async def test_expiry_follows_the_deadline_not_a_poll(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    log = EventLog(hass, LEFT_EVENTS)
    assert await kitchen.left.light()
    await hass.services.async_call(
        DOMAIN, "set_timer", {"entity_id": LEFT_GAS, "duration": {"minutes": 3}}, blocking=True
    )
    deadline = _deadline(hass)
    assert deadline is not None
    await _at(hass, deadline - timedelta(seconds=61))
    assert "timer_warning" not in log.types()
    await _at(hass, deadline - timedelta(seconds=59))
    assert log.last("timer_warning")["seconds_left"] > 0
    await _at(hass, deadline - timedelta(seconds=1))
    assert kitchen.relay.channel_state(1) is False
    await _at(hass, _due(deadline))
    await wait_for(lambda: kitchen.relay.channel_state(1) is True, timeout=3)
    await wait_for(lambda: not kitchen.left.flame, timeout=1)
    await wait_for(lambda: "shut_off" in log.types())
    assert log.last("shut_off")["reason"] == "timer"
    assert log.last("timer_expired")["late_seconds"] <= 1
    assert hass.states.get(LEFT_LAST).state == "timer"
    assert _deadline(hass) is None
    assert hass.states.get(TIMER).state == "0"


async def test_manual_shut_off_cancels_the_timer(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    await hass.services.async_call(
        DOMAIN, "set_timer", {"entity_id": LEFT_GAS, "duration": "00:10:00"}, blocking=True
    )
    deadline = _deadline(hass)
    assert deadline is not None
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await hass.async_block_till_done()
    assert _deadline(hass) is None
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3)
    # Lighting again does not bring the old timer back.
    assert await kitchen.left.light()
    await _at(hass, deadline + timedelta(seconds=1))
    await asyncio.sleep(0.2)
    assert kitchen.relay.channel_state(1) is False


async def test_cancel_timer_action_and_device_target(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    device = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    await hass.services.async_call(
        DOMAIN, "set_timer", {"device_id": device.id, "duration": {"hours": 1}}, blocking=True
    )
    assert hass.states.get(TIMER).state == "60"
    assert hass.states.get(RIGHT_TIMER).state == "60"
    await hass.services.async_call(
        DOMAIN, "cancel_timer", {"entity_id": RIGHT_TIMER}, blocking=True
    )
    assert hass.states.get(TIMER).state == "60"
    assert hass.states.get(RIGHT_TIMER).state == "0"


@pytest.mark.parametrize(
    ("duration", "key"),
    [
        ({"minutes": -5}, "timer_out_of_range"),
        ({"minutes": 0}, "timer_out_of_range"),
        (0, "timer_out_of_range"),
        ({"minutes": 481}, "timer_out_of_range"),
        ({"hours": 100000}, "timer_out_of_range"),
        ("soon", "timer_duration_invalid"),
        ("", "timer_duration_invalid"),
    ],
)
async def test_set_timer_bad_input(
    hass: HomeAssistant, kitchen: Kitchen, duration: Any, key: str
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "set_timer", {"entity_id": LEFT_GAS, "duration": duration}, blocking=True
        )
    assert err.value.translation_key == key
    assert _deadline(hass) is None


async def test_set_timer_needs_a_burner(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    hass.states.async_set("light.kitchen", "on")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_timer",
            {"entity_id": "light.kitchen", "duration": "00:05:00"},
            blocking=True,
        )
    assert err.value.translation_key == "no_burner_targeted"


async def test_restart_mid_countdown_resumes(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    deadline = await _set_timer(hass, 30)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    # Same instant, not moved by the restart.
    assert _deadline(hass) == deadline
    assert deadline is not None
    await _at(hass, _due(deadline))
    await wait_for(lambda: kitchen.relay.channel_state(1) is True, timeout=3)


async def test_deadline_passed_while_down(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    entry = stove_entry(kitchen)
    passed = dt_util.utcnow() - timedelta(minutes=7)
    hass_storage[f"gas_stove.{entry.entry_id}"] = {
        "version": 1,
        "key": f"gas_stove.{entry.entry_id}",
        "data": {"left": {"timer_deadline": passed.isoformat()}},
    }
    entry.add_to_hass(hass)
    log_ready = asyncio.Event()
    events: list[tuple[str, dict[str, Any]]] = []

    def record(event: Any) -> None:
        state = event.data["new_state"]
        if state is not None and state.attributes.get("event_type"):
            events.append((state.attributes["event_type"], dict(state.attributes)))
            log_ready.set()

    hass.bus.async_listen("state_changed", record)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await wait_for(lambda: kitchen.relay.channel_state(1) is True, timeout=3)
    expired = next(attrs for kind, attrs in events if kind == "timer_expired")
    assert 7 * 60 <= expired["late_seconds"] < 7 * 60 + 30
    assert expired["shut_off"] is True
    assert hass.states.get(LEFT_LAST).state == "timer"


async def test_relay_down_at_expiry(
    hass: HomeAssistant,
    kitchen: Kitchen,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = stove_entry(kitchen, flame={"verify_window": 5})
    await setup_stove(hass, entry)
    deadline = await _set_timer(hass, 1)
    kitchen.relay.faults.drop_requests = 1.0
    await _at(hass, _due(deadline))
    # The retries last one verification window from the expiry (plus the
    # attempt under way), counted on the clock, not from the deadline: Home
    # Assistant's clock was moved a minute ahead of the real one here.
    await wait_for(
        lambda: "shut-off could not be carried out" in caplog.text,
        timeout=5 + relay.CONFIRM_DEADLINE + 1,
    )
    # Tried, and tried again, then reported: Problem and a repair issue.
    await wait_for(
        lambda: hass.states.get(
            burner_entity_id("binary_sensor", "test_stove", "left_burner_problem")
        ).state
        == STATE_ON,
        timeout=10,
    )
    issue = issue_registry.async_get_issue(DOMAIN, f"relay_not_confirmed_{entry.entry_id}_left")
    assert issue is not None
    assert kitchen.relay.stats.dropped_requests > 4
    # The relay comes back: the next shut-off clears the problem.
    kitchen.relay.faults.drop_requests = 0.0
    await entry.runtime_data.coordinators[kitchen.relay.host].async_refresh()
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await wait_for(
        lambda: hass.states.get(
            burner_entity_id("binary_sensor", "test_stove", "left_burner_problem")
        ).state
        == STATE_OFF
    )
    assert (
        issue_registry.async_get_issue(DOMAIN, f"relay_not_confirmed_{entry.entry_id}_left") is None
    )


async def test_retries_at_expiry_do_not_hold_up_home_assistant(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    """Home Assistant waits for the first attempt only, not for a relay that stays away.

    Its start-up (a deadline passed while it was down) waits for the tasks
    it tracks; a shut-off retried for minutes belongs in the background.
    """
    entry = stove_entry(kitchen, flame={"verify_window": 120})
    await setup_stove(hass, entry)
    deadline = await _set_timer(hass, 1)
    kitchen.relay.faults.offline = True
    started = time.monotonic()
    await _at(hass, _due(deadline))
    # One attempt (6 s budget) and what follows it, far from the 120 s window.
    assert time.monotonic() - started < 30
    assert (
        hass.states.get(
            burner_entity_id("binary_sensor", "test_stove", "left_burner_problem")
        ).state
        == STATE_ON
    )
    # Still retrying in the background: the relay's return ends it.
    kitchen.relay.faults.offline = False
    await wait_for(lambda: kitchen.relay.channel_state(1), timeout=15)
    await wait_for(
        lambda: hass.states.get(
            burner_entity_id("binary_sensor", "test_stove", "left_burner_problem")
        ).state
        == STATE_OFF,
        timeout=5,
    )


async def test_default_timer_and_max_burn_time_follow_the_flame(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(burners=1)
    flame = {
        "flame_source": "entity",
        "flame_entity": "binary_sensor.uv_flame",
        "flame_kind": "binary",
        "debounce": 0,
        "default_timer": 15,
        "max_runtime": 45,
    }
    hass.states.async_set("binary_sensor.uv_flame", STATE_OFF)
    await setup_stove(hass, stove_entry(kitchen, flame=flame))
    assert _deadline(hass) is None
    hass.states.async_set("binary_sensor.uv_flame", STATE_ON)
    await hass.async_block_till_done()
    # Lit and no timer: the default timer starts.
    assert hass.states.get(TIMER).state == "15"
    # Someone cancels it; the maximum burn time still watches.
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 0}, blocking=True
    )
    log = EventLog(hass, LEFT_EVENTS)
    await _at(hass, dt_util.utcnow() + timedelta(minutes=44))
    assert kitchen.relay.channel_state(1) is False
    await _at(hass, dt_util.utcnow() + timedelta(minutes=45, seconds=1))
    await wait_for(lambda: kitchen.relay.channel_state(1) is True, timeout=3)
    # The flame sensor sees the flame go out: the shut-off is confirmed.
    hass.states.async_set("binary_sensor.uv_flame", STATE_OFF)
    await wait_for(lambda: "shut_off" in log.types())
    assert log.last("shut_off")["reason"] == "max_runtime"
    assert log.last("shut_off")["verified"] is True
    assert hass.states.get(TIMER).state == "0"
    # A new session with a timer; the flame goes out by itself: timer over.
    hass.states.async_set("binary_sensor.uv_flame", STATE_ON)
    await hass.async_block_till_done()
    assert hass.states.get(TIMER).state == "15"
    hass.states.async_set("binary_sensor.uv_flame", STATE_OFF)
    await hass.async_block_till_done()
    assert hass.states.get(TIMER).state == "0"


async def test_max_burn_time_without_flame_source(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen, flame={"max_runtime": 30}))
    log = EventLog(hass, LEFT_EVENTS)
    # Counted from the last time the gas path was enabled (at start here).
    await _at(hass, dt_util.utcnow() + timedelta(minutes=30, seconds=1))
    await wait_for(lambda: "shut_off" in log.types(), timeout=3)
    assert log.last("shut_off")["reason"] == "max_runtime"
    assert log.last("shut_off")["verified"] is False


async def test_on_device_backstop(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    # One countdown unit = 10 ms, so the device's "70 s" takes 0.7 s.
    kitchen = await make_kitchen("series_no", countdown_unit=0.01)
    entry = stove_entry(
        kitchen, wiring="series_no", flame={"countdown_siid": 2, "countdown_piid": 2}
    )
    await setup_stove(hass, entry)
    assert kitchen.relay.channel_state(1) is True  # at rest for series_no
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 1}, blocking=True
    )
    # Armed: our deadline plus a 10 s grace, in device units.
    assert 68 <= kitchen.relay.countdown_remaining(1) <= 70
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 0}, blocking=True
    )
    assert kitchen.relay.countdown_remaining(1) == 0
    # Armed again, then Home Assistant goes away.
    await hass.services.async_call(
        "number", "set_value", {"entity_id": TIMER, "value": 1}, blocking=True
    )
    assert await kitchen.left.light()
    assert await hass.config_entries.async_unload(entry.entry_id)
    # With nothing of ours running, the relay cuts the burner by itself.
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3)
    await wait_for(lambda: not kitchen.left.flame, timeout=1)


async def test_a_timer_is_refused_on_a_burner_known_to_be_out(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """A timer belongs to a cooking session; on an unlit burner it would
    outlive every flame_off and later cut someone else's cooking (review A14)."""
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF)
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            "number", "set_value", {"entity_id": TIMER, "value": 10}, blocking=True
        )
    assert refused.value.translation_key == "burner_not_lit"
    assert refused.value.translation_placeholders == {"burner": "Left burner"}
    assert state_of(hass, TIMER) == "0"
    assert _deadline(hass) is None

    # The stove's device means its lit burners, as "the stove" does by voice.
    stove = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    assert stove is not None
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN, "set_timer", {"device_id": stove.id, "duration": {"minutes": 10}}, blocking=True
        )
    assert refused.value.translation_placeholders == {"burner": "Left burner, Right burner"}
    await light_left(hass, kitchen)
    await hass.services.async_call(
        DOMAIN, "set_timer", {"device_id": stove.id, "duration": {"minutes": 10}}, blocking=True
    )
    assert state_of(hass, TIMER) == "10"
    assert state_of(hass, RIGHT_TIMER) == "0"
