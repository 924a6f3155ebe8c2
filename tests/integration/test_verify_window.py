"""The verification window of a thermocouple fits how slowly it cools (hardware review M11).

The emulated thermocouple here cools as a real one does (`cool_tau_for(15)`:
the valve of this stove closes 15 s after a blow-out), so the millivolt
source reads "out" only tens of seconds after the cut. `scripts/measure-verify-window`
measures that time for stoves from 10 to 60 s; these tests show the measured
default in force end to end, and what the old 15 s did.
"""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.migration import MINOR_VERSION
from emulator.burner import cool_tau_for
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_EVENTS,
    LEFT_GAS,
    LEFT_PROBLEM,
    EventLog,
    light_left,
    setup_stove,
    state_of,
    stove_entry,
)


def _millivolt_entry(kitchen: Kitchen, window: float | None) -> MockConfigEntry:
    """The emulated sensor's millivolt properties, the window chosen or left to its default."""
    entry = stove_entry(kitchen)
    for settings in entry.options["burners"].values():
        assert settings["flame_kind"] == "millivolts"
        del settings["verify_window"]
        if window is not None:
            settings["verify_window"] = window
    return entry


async def _cut_and_wait(hass: HomeAssistant, entry: MockConfigEntry, seconds: float) -> None:
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    # The window runs from when the watch took the shut-off up.
    await wait_for(lambda: entry.runtime_data.watches["left"].verifying, timeout=5)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done()


async def test_a_cooling_thermocouple_is_confirmed_within_the_default_window(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True, cool_tau=cool_tau_for(15))
    entry = _millivolt_entry(kitchen, None)
    await setup_stove(hass, entry)
    log = EventLog(hass, LEFT_EVENTS)
    await light_left(hass, kitchen)
    await _cut_and_wait(hass, entry, 16)
    # 16 s after the cut the tip still reads well above 3 mV: not a problem yet.
    assert not kitchen.left.flame
    assert state_of(hass, LEFT_PROBLEM) == STATE_OFF
    # The tip has cooled (the model settles 5 tau after the flame went out).
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=40))
    await wait_for(lambda: "shut_off" in log.types(), timeout=10)
    assert log.last("shut_off")["verified"] is True
    assert state_of(hass, LEFT_PROBLEM) == STATE_OFF


async def test_the_old_15_s_window_raised_a_false_alarm(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True, cool_tau=cool_tau_for(15))
    entry = _millivolt_entry(kitchen, 15)
    await setup_stove(hass, entry)
    await light_left(hass, kitchen)
    await _cut_and_wait(hass, entry, 16)
    # The flame is out, but the thermocouple has not cooled: "not confirmed".
    assert not kitchen.left.flame
    await wait_for(lambda: state_of(hass, LEFT_PROBLEM) == STATE_ON, timeout=5)
    assert hass.states.get(LEFT_PROBLEM).attributes["reason"] == "shutoff_unconfirmed"


async def test_an_old_entry_loses_the_old_default_and_keeps_a_chosen_window(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    written = stove_entry(kitchen)
    options = written.options["burners"]
    options["left"]["verify_window"] = 15  # the old default, written by the old flow
    options["right"]["verify_window"] = 20  # chosen by the person
    binary = {**options["left"], "flame_kind": "binary"}
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=written.title,
        unique_id=written.unique_id,
        data=dict(written.data),
        options={"burners": {"left": options["left"], "right": options["right"], "x": binary}},
        version=1,
        minor_version=1,
    )
    await setup_stove(hass, entry)
    burners = entry.options["burners"]
    assert (burners["left"]["verify_window"], burners["right"]["verify_window"]) == (50, 20)
    # A UV or ionisation sensor follows the flame: its 15 s stays.
    assert burners["x"]["verify_window"] == 15
    assert entry.minor_version == MINOR_VERSION


async def test_an_entry_from_a_newer_version_is_not_touched(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen()
    written = stove_entry(kitchen)
    entry = MockConfigEntry(domain=DOMAIN, title=written.title, data=dict(written.data), version=2)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.options == {}
