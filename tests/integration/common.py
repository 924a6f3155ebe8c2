"""Helpers to build config entries for an emulated kitchen."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.const import STATE_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.migration import MINOR_VERSION
from tests.compat import burner_entity_id
from tests.conftest import TOKEN, Kitchen, wait_for

BURNER_IDS = ("left", "right", "back", "wok")
NAMES = ("Left burner", "Right burner", "Back burner", "Wok burner")

LEFT_GAS = burner_entity_id("switch", "test_stove", "left_burner")
LEFT_LOCK = burner_entity_id("lock", "test_stove", "left_burner_child_lock")
LEFT_BUTTON = burner_entity_id("button", "test_stove", "left_burner_shut_off")
RIGHT_GAS = burner_entity_id("switch", "test_stove", "right_burner")


def stove_entry(
    kitchen: Kitchen,
    *,
    wiring: str = "series_nc",
    pulse: float = 0.5,
    token: str = TOKEN,
    protocol: str = "miot",
    flame: dict[str, Any] | None = None,
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
        if flame is not None:
            settings[burner_id].update(flame)
        elif kitchen.sensor is not None:
            # The emulated flame sensor: burner i at siid 1+i, millivolts at piid 1.
            settings[burner_id].update(
                {
                    "flame_source": "miot",
                    "flame_host": kitchen.sensor.host,
                    "flame_token": token,
                    "flame_siid": 2 + index,
                    "flame_piid": 1,
                    "flame_kind": "millivolts",
                    "debounce": 0.2,
                    "verify_window": 3,
                }
            )
    return MockConfigEntry(
        domain=DOMAIN,
        title="Test stove",
        unique_id=f"miio:{kitchen.relay.host}:2:1",
        data={"name": "Test stove", "burners": burners},
        options={"burners": settings},
        minor_version=MINOR_VERSION,
    )


async def setup_stove(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up the entry; it must load."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


LEFT_FLAME = burner_entity_id("binary_sensor", "test_stove", "left_burner_flame")
LEFT_PROBLEM = burner_entity_id("binary_sensor", "test_stove", "left_burner_problem")
LEFT_COOKING = burner_entity_id("sensor", "test_stove", "left_burner_cooking_time")
LEFT_LAST = burner_entity_id("sensor", "test_stove", "left_burner_last_shut_off")
LEFT_EVENTS = burner_entity_id("event", "test_stove", "left_burner_events")


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """The state of an entity that must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def light_left(hass: HomeAssistant, kitchen: Kitchen) -> None:
    """Light the left burner and let the slow flame poll notice it."""
    assert await kitchen.left.light()
    await asyncio.sleep(0.5)  # the thermocouple warms up
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_ON, timeout=5)


class EventLog:
    """Everything a burner's event entity fired, as (event_type, attributes)."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

        @callback
        def fired(event: Event[EventStateChangedData]) -> None:
            state = event.data["new_state"]
            if state is not None and state.attributes.get("event_type"):
                self.events.append((state.attributes["event_type"], dict(state.attributes)))

        self.stop = async_track_state_change_event(hass, entity_id, fired)

    def types(self) -> list[str]:
        return [event_type for event_type, _ in self.events]

    def last(self, event_type: str) -> dict[str, Any]:
        return next(attrs for kind, attrs in reversed(self.events) if kind == event_type)


async def setup_template_relay(
    hass: HomeAssistant, object_id: str, *, boolean: str, works: bool = True
) -> None:
    """A switch that stands for a relay of another integration (Zigbee, ESPHome…).

    It follows ``input_boolean.<boolean>``; with ``works=False`` it ignores
    commands. Written in the ``template:`` form, which both lanes read (the
    ``switch: platform: template`` form is gone from 2026.x).
    """
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": {boolean: {}}})
    target = {"entity_id": f"input_boolean.{boolean}"}
    switch = {
        "name": object_id,
        "state": f"{{{{ is_state('input_boolean.{boolean}', 'on') }}}}",
        "turn_on": {"action": "input_boolean.turn_on", "target": target} if works else [],
        "turn_off": {"action": "input_boolean.turn_off", "target": target} if works else [],
    }
    assert await async_setup_component(hass, "template", {"template": [{"switch": [switch]}]})
    await hass.async_block_till_done()
    assert hass.states.get(f"switch.{object_id}") is not None, object_id
