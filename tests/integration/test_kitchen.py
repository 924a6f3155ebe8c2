"""The kitchen around the stove: hood linkage, emergency shut-off, unattended guard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.gas_stove.const import DOMAIN
from tests.compat import burner_entity_id
from tests.conftest import Kitchen, wait_for
from tests.integration.common import (
    LEFT_EVENTS,
    LEFT_GAS,
    LEFT_LOCK,
    EventLog,
    setup_stove,
    stove_entry,
)

HOOD = "input_boolean.hood"
LEFT_FLAME_SOURCE = "binary_sensor.left_flame"
RIGHT_FLAME_SOURCE = "binary_sensor.right_flame"
SMOKE = "binary_sensor.kitchen_smoke"
GAS_LEAK = "binary_sensor.gas_leak"
MOTION = "binary_sensor.kitchen_motion"


def _entry(kitchen: Kitchen, **guards: Any) -> MockConfigEntry:
    entry = stove_entry(kitchen)
    options = {**entry.options}
    burners = {key: dict(value) for key, value in options["burners"].items()}
    for burner_id, source in (("left", LEFT_FLAME_SOURCE), ("right", RIGHT_FLAME_SOURCE)):
        burners[burner_id].update(
            flame_source="entity", flame_entity=source, flame_kind="binary", debounce=0
        )
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        unique_id=entry.unique_id,
        data=entry.data,
        options={**options, "burners": burners, "kitchen": guards},
    )


async def _start(hass: HomeAssistant, kitchen: Kitchen, **guards: Any) -> MockConfigEntry:
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": {"hood": {}}})
    for entity_id in (LEFT_FLAME_SOURCE, RIGHT_FLAME_SOURCE):
        hass.states.async_set(entity_id, STATE_OFF)
    entry = _entry(kitchen, **guards)
    await setup_stove(hass, entry)
    return entry


async def _flame(hass: HomeAssistant, entity_id: str, on: bool) -> None:
    hass.states.async_set(entity_id, STATE_ON if on else STATE_OFF)
    await hass.async_block_till_done()


async def _later(hass: HomeAssistant, **delta: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(**delta))
    await hass.async_block_till_done()


def _hood(hass: HomeAssistant) -> str:
    return hass.states.get(HOOD).state


HOOD_OPTIONS = {"hood_entity": HOOD, "hood_delay": 5, "hood_run_on": 3}


async def test_hood_follows_the_flames(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await _start(hass, kitchen, **HOOD_OPTIONS)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    assert _hood(hass) == STATE_OFF  # the start delay
    await _later(hass, seconds=6)
    assert _hood(hass) == STATE_ON
    await _flame(hass, RIGHT_FLAME_SOURCE, True)
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await _later(hass, minutes=4)
    assert _hood(hass) == STATE_ON  # one burner still lit
    await _flame(hass, RIGHT_FLAME_SOURCE, False)
    await _later(hass, minutes=2)
    assert _hood(hass) == STATE_ON  # run-on
    # Lit again during the run-on: the switch-off is cancelled.
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, minutes=2)
    assert _hood(hass) == STATE_ON
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await _later(hass, minutes=3, seconds=30)
    assert _hood(hass) == STATE_OFF


async def test_a_person_switching_the_hood_off_is_respected(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await _start(hass, kitchen, **HOOD_OPTIONS)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, seconds=6)
    assert _hood(hass) == STATE_ON
    await hass.services.async_call("input_boolean", "turn_off", {"entity_id": HOOD}, blocking=True)
    await _later(hass, minutes=1)
    assert _hood(hass) == STATE_OFF  # the linkage stands down
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await _later(hass, minutes=4)
    # Next cooking session: the linkage works again.
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, seconds=6)
    assert _hood(hass) == STATE_ON


async def test_a_hood_on_before_cooking_stays_on(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await _start(hass, kitchen, **HOOD_OPTIONS)
    await hass.services.async_call("input_boolean", "turn_on", {"entity_id": HOOD}, blocking=True)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, seconds=6)
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await _later(hass, minutes=10)
    assert _hood(hass) == STATE_ON


async def test_fan_speed_while_cooking(hass: HomeAssistant, kitchen: Kitchen) -> None:
    calls = async_mock_service(hass, "fan", "turn_on")
    hass.states.async_set("fan.hood", STATE_OFF)
    await _start(hass, kitchen, hood_entity="fan.hood", hood_percentage=66)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, seconds=1)
    assert [call.data["percentage"] for call in calls] == [66]


async def test_emergency_cuts_and_holds_everything(
    hass: HomeAssistant, kitchen: Kitchen, issue_registry: ir.IssueRegistry
) -> None:
    hass.states.async_set(SMOKE, STATE_OFF, {"device_class": "smoke", "friendly_name": "Smoke"})
    entry = await _start(hass, kitchen, hood_entity=HOOD, emergency_sensors=[SMOKE])
    log = EventLog(hass, LEFT_EVENTS)
    assert await kitchen.left.light()
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    hass.states.async_set(SMOKE, STATE_ON, {"device_class": "smoke", "friendly_name": "Smoke"})
    await hass.async_block_till_done()
    await wait_for(lambda: kitchen.relay.channel_state(1) and kitchen.relay.channel_state(2))
    assert hass.states.get(LEFT_LOCK).state == "locked"
    assert (
        hass.states.get(burner_entity_id("lock", "test_stove", "right_burner_child_lock")).state
        == "locked"
    )
    await wait_for(lambda: _hood(hass) == STATE_ON)
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await wait_for(lambda: "shut_off" in log.types())
    shut_off = log.last("shut_off")
    assert shut_off["reason"] == "emergency"
    assert shut_off["trigger"] == SMOKE
    assert issue_registry.async_get_issue(DOMAIN, f"emergency_{entry.entry_id}") is not None
    notes = _async_get_or_create_notifications(hass)
    assert any("Smoke" in n["message"] for n in notes.values())
    # The sensor clears: nothing is released by itself.
    hass.states.async_set(SMOKE, STATE_OFF, {"device_class": "smoke"})
    await _later(hass, minutes=10)
    assert kitchen.relay.channel_state(1) is True
    assert not await kitchen.left.light()
    # Turning the gas on does not release an emergency hold (S1) ...
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_GAS}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    # ... a person unlocking each burner's Child lock does.
    await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert issue_registry.async_get_issue(DOMAIN, f"emergency_{entry.entry_id}") is not None
    await hass.services.async_call(
        "lock",
        "unlock",
        {"entity_id": burner_entity_id("lock", "test_stove", "right_burner_child_lock")},
        blocking=True,
    )
    assert issue_registry.async_get_issue(DOMAIN, f"emergency_{entry.entry_id}") is None
    assert await kitchen.left.light()


async def test_gas_leak_leaves_the_hood_off_by_default(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    hass.states.async_set(GAS_LEAK, STATE_OFF, {"device_class": "gas"})
    await _start(hass, kitchen, hood_entity=HOOD, emergency_sensors=[GAS_LEAK])
    hass.states.async_set(GAS_LEAK, STATE_ON, {"device_class": "gas"})
    await hass.async_block_till_done()
    await wait_for(lambda: kitchen.relay.channel_state(1) and kitchen.relay.channel_state(2))
    await _later(hass, seconds=5)
    assert _hood(hass) == STATE_OFF


async def test_gas_leak_hood_when_chosen(hass: HomeAssistant, kitchen: Kitchen) -> None:
    hass.states.async_set(GAS_LEAK, STATE_ON, {"device_class": "gas"})
    # A sensor already on at start also counts.
    await _start(
        hass, kitchen, hood_entity=HOOD, emergency_sensors=[GAS_LEAK], emergency_hood_gas=True
    )
    await wait_for(lambda: kitchen.relay.channel_state(1) and kitchen.relay.channel_state(2))
    await wait_for(lambda: _hood(hass) == STATE_ON)


UNATTENDED = {"presence_entities": [MOTION], "absence_minutes": 10, "grace_minutes": 5}


async def test_unattended_warning_then_shut_off(hass: HomeAssistant, kitchen: Kitchen) -> None:
    hass.states.async_set(MOTION, STATE_OFF)
    await _start(hass, kitchen, **UNATTENDED)
    log = EventLog(hass, LEFT_EVENTS)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, minutes=9)
    assert "unattended_warning" not in log.types()
    await _later(hass, minutes=10, seconds=5)
    assert log.last("unattended_warning")["shut_off_in_seconds"] == 300
    assert kitchen.relay.channel_state(1) is False
    await _later(hass, minutes=15, seconds=10)
    await wait_for(lambda: kitchen.relay.channel_state(1) is True)
    # The right burner was not lit: untouched.
    assert kitchen.relay.channel_state(2) is False
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await wait_for(lambda: "shut_off" in log.types())
    assert log.last("shut_off")["reason"] == "unattended"


async def test_presence_resets_the_guard(hass: HomeAssistant, kitchen: Kitchen) -> None:
    hass.states.async_set(MOTION, STATE_OFF)
    await _start(hass, kitchen, **UNATTENDED)
    log = EventLog(hass, LEFT_EVENTS)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, minutes=10, seconds=5)
    assert "unattended_warning" in log.types()
    hass.states.async_set(MOTION, STATE_ON)  # someone comes back
    await hass.async_block_till_done()
    hass.states.async_set(MOTION, STATE_OFF)
    await hass.async_block_till_done()
    await _later(hass, minutes=6)
    assert kitchen.relay.channel_state(1) is False


async def test_unavailable_presence_is_not_absence(hass: HomeAssistant, kitchen: Kitchen) -> None:
    hass.states.async_set(MOTION, STATE_UNAVAILABLE)
    await _start(hass, kitchen, **UNATTENDED)
    log = EventLog(hass, LEFT_EVENTS)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, minutes=30)
    assert "unattended_warning" not in log.types()
    assert kitchen.relay.channel_state(1) is False


async def test_presence_that_stays_on_keeps_the_guard_quiet(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    hass.states.async_set(MOTION, STATE_ON)
    await _start(hass, kitchen, **UNATTENDED)
    log = EventLog(hass, LEFT_EVENTS)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    for minutes in (11, 22, 33):
        await _later(hass, minutes=minutes)
    assert "unattended_warning" not in log.types()


LINKAGE = "switch.test_stove_hood_linkage"


async def test_hood_linkage_switch(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = await _start(hass, kitchen, **HOOD_OPTIONS)
    assert hass.states.get(LINKAGE).state == STATE_ON
    await hass.services.async_call("switch", "turn_off", {"entity_id": LINKAGE}, blocking=True)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, seconds=6)
    assert _hood(hass) == STATE_OFF
    # Kept across a restart.
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(LINKAGE).state == STATE_OFF
    await hass.services.async_call("switch", "turn_on", {"entity_id": LINKAGE}, blocking=True)
    await _flame(hass, LEFT_FLAME_SOURCE, False)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    await _later(hass, seconds=6)
    assert _hood(hass) == STATE_ON


async def test_hood_linkage_needs_a_flame_source(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, _no_flame(kitchen))
    assert hass.states.get(LINKAGE).state == STATE_UNAVAILABLE


def _no_flame(kitchen: Kitchen) -> MockConfigEntry:
    entry = stove_entry(kitchen)
    return MockConfigEntry(
        domain=DOMAIN,
        title=entry.title,
        data=entry.data,
        options={**entry.options, "kitchen": {"hood_entity": HOOD}},
    )
