"""Gas used per burner and per stove: estimated, restart-safe, Energy-dashboard ready."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.components.energy.validate import GAS_USAGE_UNITS
from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from tests.compat import burner_entity_id
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import LEFT_FLAME, light_left, setup_stove, state_of, stove_entry

LEFT_GAS_USED = burner_entity_id("sensor", "test_stove", "left_burner_gas_used")
RIGHT_GAS_USED = burner_entity_id("sensor", "test_stove", "right_burner_gas_used")
STOVE_GAS_USED = "sensor.test_stove_gas_used_all_burners"
STOVE_LPG_USED = "sensor.test_stove_lpg_used"
# A big burner so that seconds of burning show: 36 kW on natural gas at
# 36 MJ/m3 burns 1 litre a second.
RATED_KW = 36.0
LITRE = 0.001


def _entry(kitchen: Kitchen, **kitchen_options: Any) -> MockConfigEntry:
    entry = stove_entry(kitchen)
    burners = {
        burner_id: {**options, "rated_kw": RATED_KW}
        for burner_id, options in entry.options["burners"].items()
    }
    return MockConfigEntry(
        domain=entry.domain,
        title=entry.title,
        unique_id=entry.unique_id,
        data=dict(entry.data),
        options={"burners": burners, "kitchen": kitchen_options},
        minor_version=entry.minor_version,
    )


def _value(hass: HomeAssistant, entity_id: str) -> float:
    return float(state_of(hass, entity_id))


@pytest.fixture
async def kitchen(make_kitchen: KitchenFactory) -> Kitchen:
    return await make_kitchen(sensor=True)


async def test_burning_time_times_the_rated_heat_input(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, _entry(kitchen))
    state = hass.states.get(LEFT_GAS_USED)
    assert state is not None
    assert state.attributes["device_class"] == SensorDeviceClass.GAS
    assert state.attributes["state_class"] == "total_increasing"
    assert state.attributes["unit_of_measurement"] in GAS_USAGE_UNITS[SensorDeviceClass.GAS]
    assert _value(hass, LEFT_GAS_USED) == 0
    loop = asyncio.get_running_loop()
    await light_left(hass, kitchen)
    lit_at = loop.time()
    await asyncio.sleep(3)
    kitchen.left.turn_knob_off()
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=15)
    burnt = loop.time() - lit_at
    used = _value(hass, LEFT_GAS_USED)
    # Counted from the flame seen lit to the flame seen out (debounce and
    # polls on either side), at 1 litre a second.
    assert 2.5 * LITRE <= used <= (burnt + 1) * LITRE, (used, burnt)
    assert _value(hass, RIGHT_GAS_USED) == 0
    assert _value(hass, STOVE_GAS_USED) == pytest.approx(used, abs=1e-4)
    assert hass.states.get(STOVE_LPG_USED) is None
    # Out: nothing more is counted.
    await asyncio.sleep(1)
    assert _value(hass, LEFT_GAS_USED) == used


async def test_the_count_survives_a_restart_and_never_goes_back(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = _entry(kitchen)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    await asyncio.sleep(2)
    # Unloaded while burning (Home Assistant restarting): counted up to now.
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    after = _value(hass, LEFT_GAS_USED)
    assert after >= 2 * LITRE
    await asyncio.sleep(2)
    # Still burning: it goes on from there.
    assert _value(hass, LEFT_GAS_USED) >= after


async def test_a_crash_counts_up_to_the_last_saved_moment(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant died mid-session 10 minutes ago: the session counts up to
    its last save, not to now (the flame may have gone out long ago)."""
    entry = _entry(kitchen)
    last_save = dt_util.utcnow() - timedelta(minutes=10)
    hass_storage[f"gas_stove.{entry.entry_id}"] = {
        "version": 2,
        "key": f"gas_stove.{entry.entry_id}",
        "data": {
            "burners": {
                "left": {
                    "gas": {
                        "total": 0.5,
                        "counted_to": last_save.isoformat(),
                        "gas_type": "natural_gas",
                    }
                }
            },
            "kitchen": {},
        },
    }
    await setup_stove(hass, entry)
    assert _value(hass, LEFT_GAS_USED) == 0.5
    saved = hass_storage[f"gas_stove.{entry.entry_id}"]["data"]["burners"]["left"]["gas"]
    assert saved["counted_to"] is None


async def test_lpg_is_counted_in_kilograms_and_shown_as_vapour(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, _entry(kitchen, gas_type="lpg", heating_value=46.0))
    await light_left(hass, kitchen)
    await asyncio.sleep(2)
    kitchen.left.turn_knob_off()
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=15)
    kilograms = _value(hass, STOVE_LPG_USED)
    assert kilograms > 0
    assert hass.states.get(STOVE_LPG_USED).attributes["unit_of_measurement"] == "kg"
    # 2 kg of LPG vapour per m3.
    assert _value(hass, STOVE_GAS_USED) == pytest.approx(kilograms / 2, abs=1e-4)


async def test_the_gas_settings_in_the_options(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = _entry(kitchen)
    await setup_stove(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "gas_use"}
    )
    assert result["step_id"] == "gas_use"
    # LPG chosen with natural gas's 36 left in the box: LPG's own 46.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"gas_type": "lpg", "heating_value": 36.0, "gas_factor": 0.9}
    )
    await hass.async_block_till_done()
    assert entry.options["kitchen"] == {"gas_type": "lpg", "heating_value": 46.0, "gas_factor": 0.9}
    assert hass.states.get(STOVE_LPG_USED) is not None
    # A gas change starts a new meter.
    assert _value(hass, STOVE_LPG_USED) == 0


async def test_no_flame_source_no_gas_estimate(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen()
    await setup_stove(hass, stove_entry(kitchen))
    assert hass.states.get(LEFT_GAS_USED) is None
    assert hass.states.get(STOVE_GAS_USED) is None


async def test_a_burning_session_is_saved_every_minute(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    entry = _entry(kitchen)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    await asyncio.sleep(1)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
    await hass.async_block_till_done()
    saved = hass_storage[f"gas_stove.{entry.entry_id}"]["data"]["burners"]["left"]["gas"]
    # Counted up to the checkpoint, and still running.
    assert saved["total"] >= LITRE
    assert saved["counted_to"] is not None
    assert _value(hass, LEFT_GAS_USED) >= round(saved["total"], 3)
