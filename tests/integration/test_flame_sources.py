"""Flame from Home Assistant entities: on/off, millivolts, temperature."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.conftest import Kitchen, wait_for
from tests.integration.common import LEFT_FLAME, LEFT_PROBLEM, setup_stove, stove_entry

SOURCE = "sensor.left_thermocouple"


def _flame_options(kind: str, entity_id: str = SOURCE, **extra: Any) -> dict[str, Any]:
    return {
        "flame_source": "entity",
        "flame_entity": entity_id,
        "flame_kind": kind,
        "debounce": 0,
        **extra,
    }


def _flame(hass: HomeAssistant) -> str:
    return hass.states.get(LEFT_FLAME).state


async def _reading(hass: HomeAssistant, value: str) -> None:
    hass.states.async_set(SOURCE, value)
    await hass.async_block_till_done()


async def test_binary_source(hass: HomeAssistant, kitchen: Kitchen) -> None:
    source = "binary_sensor.uv_flame"
    await setup_stove(hass, stove_entry(kitchen, flame=_flame_options("binary", source)))
    # Unknown until the first reading; unavailable while the source is.
    assert _flame(hass) == STATE_UNAVAILABLE
    hass.states.async_set(source, STATE_ON)
    await hass.async_block_till_done()
    assert _flame(hass) == STATE_ON
    hass.states.async_set(source, STATE_OFF)
    await hass.async_block_till_done()
    assert _flame(hass) == STATE_OFF
    hass.states.async_set(source, STATE_UNKNOWN)
    await hass.async_block_till_done()
    assert _flame(hass) == STATE_UNAVAILABLE
    assert hass.states.get(LEFT_PROBLEM).attributes["reason"] == "flame_source_unavailable"
    hass.states.async_set(source, "garbage")
    await hass.async_block_till_done()
    assert _flame(hass) == STATE_UNKNOWN


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        # Hysteresis: on at >= 6 mV, off at <= 3 mV, in between keeps.
        (["0.4", "4.5", "6.0", "4.5", "3.1"], [STATE_OFF, STATE_OFF, STATE_ON, STATE_ON, STATE_ON]),
        (["12", "3.0", "5.9", "6.2"], [STATE_ON, STATE_OFF, STATE_OFF, STATE_ON]),
    ],
)
async def test_millivolt_thresholds(
    hass: HomeAssistant, kitchen: Kitchen, readings: list[str], expected: list[str]
) -> None:
    await setup_stove(hass, stove_entry(kitchen, flame=_flame_options("millivolts")))
    seen = []
    for value in readings:
        await _reading(hass, value)
        seen.append(_flame(hass))
    assert seen == expected


async def test_millivolt_first_reading_between_thresholds(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen, flame=_flame_options("millivolts")))
    await _reading(hass, "4.5")
    # No opinion yet: shown as unknown, not guessed.
    assert _flame(hass) == STATE_UNKNOWN
    await _reading(hass, "not a number")
    assert _flame(hass) == STATE_UNKNOWN


async def test_custom_millivolt_thresholds(hass: HomeAssistant, kitchen: Kitchen) -> None:
    options = _flame_options("millivolts", on_mv=10.0, off_mv=8.0)
    await setup_stove(hass, stove_entry(kitchen, flame=options))
    await _reading(hass, "9")
    await _reading(hass, "7.5")
    assert _flame(hass) == STATE_OFF
    await _reading(hass, "9.5")
    assert _flame(hass) == STATE_OFF
    await _reading(hass, "10")
    assert _flame(hass) == STATE_ON


async def test_debounce_ignores_a_single_noisy_reading(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    options = _flame_options("millivolts", debounce=0.3)
    await setup_stove(hass, stove_entry(kitchen, flame=options))
    await _reading(hass, "12")
    assert _flame(hass) == STATE_ON
    await _reading(hass, "1.0")  # one bad sample ...
    await asyncio.sleep(0.1)
    await _reading(hass, "12.2")  # ... followed by a normal one
    await asyncio.sleep(0.4)
    assert _flame(hass) == STATE_ON
    await _reading(hass, "1.0")  # a real flame-out holds
    await wait_for(lambda: _flame(hass) == STATE_OFF, timeout=2)


async def test_temperature_threshold_and_rise(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    # No emulator here: frozen time and real UDP timeouts do not mix. The
    # relay is a plain switch entity; only the flame matters.
    hass.states.async_set("switch.relay", STATE_OFF)
    entry = MockConfigEntry(
        domain="gas_stove",
        title="Test stove",
        data={
            "name": "Test stove",
            "burners": [{"burner_id": "left", "backend": "entity", "entity_id": "switch.relay"}],
        },
        options={
            "burners": {
                "left": {"name": "Left burner", "wiring": "series_nc", "pulse": 0.5}
                | _flame_options("temperature")
            }
        },
    )
    await setup_stove(hass, entry)
    start = dt_util.utcnow()

    async def at(seconds: float, celsius: str) -> str:
        freezer.move_to(start + timedelta(seconds=seconds))
        await _reading(hass, celsius)
        return _flame(hass)

    assert await at(0, "25") == STATE_OFF
    # 25 -> 30 °C in 20 s is 15 °C/min: rising fast counts as lit.
    assert await at(20, "30") == STATE_ON
    # Holding at 60 °C: no longer rising, but above the 50 °C off threshold.
    assert await at(100, "60") == STATE_ON
    assert await at(170, "60") == STATE_ON
    assert await at(240, "49") == STATE_OFF
    assert await at(300, "85") == STATE_ON
