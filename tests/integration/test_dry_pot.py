"""The dry-pot guard (防干烧): a pot on the emulated stove boils dry.

The pot is `emulator.pot.Pot` over the emulated left burner's real flame; the
test steps the pot's time and the guard's clock together (minutes of cooking
in a moment) and lets Home Assistant's clock pass the grace period; the cut
goes through the relay and the flame sensor over real UDP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
import time
from typing import Any

from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.gas_stove import drypot
from emulator.pot import Pot
from tests.compat import burner_entity_id
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_EVENTS,
    LEFT_FLAME,
    LEFT_LAST,
    EventLog,
    light_left,
    setup_stove,
    state_of,
    stove_entry,
)

PROBE = "sensor.pot_probe"
SILENCE = burner_entity_id("button", "test_stove", "left_burner_silence_dry_pot_guard")


class GuardClock:
    """The guard's clock: real time plus the pot's simulated minutes."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[GuardClock]:
    guard_clock = GuardClock()
    monkeypatch.setattr(drypot, "monotonic", guard_clock)
    yield guard_clock


async def _settle(hass: HomeAssistant) -> None:
    """Home Assistant 2025.x hands state changes to listeners one loop later:
    the guard's reaction to a reading, and the event entity's to the guard,
    are two such hops."""
    for _ in range(3):
        await asyncio.sleep(0)
        await hass.async_block_till_done()


def _probe(hass: HomeAssistant, value: float | str) -> None:
    hass.states.async_set(
        PROBE,
        f"{value:.1f}" if isinstance(value, float) else value,
        {"device_class": "temperature", "unit_of_measurement": "°C"},
    )


async def _read(hass: HomeAssistant, value: float | str) -> None:
    """One reading of the probe, and everything it sets off."""
    _probe(hass, value)
    await _settle(hass)


async def _stove(hass: HomeAssistant, kitchen: Kitchen, **guard: Any) -> None:
    _probe(hass, 20.0)
    entry = stove_entry(kitchen)
    entry.options["burners"]["left"].update({"dry_pot_entity": PROBE, **guard})
    await setup_stove(hass, entry)


async def _cook(
    hass: HomeAssistant, pot: Pot, clock: GuardClock, seconds: float, *, until: Any = None
) -> None:
    """Run the pot for `seconds` (10 s readings), or until `until()` holds."""
    done = 0.0
    while done < seconds:
        _probe(hass, pot.advance(10))
        clock.offset += 10
        done += 10
        await _settle(hass)
        if until is not None and until():
            return


async def _boil_dry(
    hass: HomeAssistant, kitchen: Kitchen, clock: GuardClock
) -> tuple[EventLog, Pot]:
    """A 2 L pot on the lit left burner, boiled until the guard warns.

    Nothing is warned about while water is left (45 minutes of boiling).
    """
    await _stove(hass, kitchen)
    events = EventLog(hass, LEFT_EVENTS)
    await light_left(hass, kitchen)
    pot = Pot(lambda: kitchen.left.flame)
    await _cook(hass, pot, clock, 45 * 60, until=lambda: pot.dry)
    assert "dry_pot_warning" not in events.types()
    await _cook(hass, pot, clock, 120, until=lambda: "dry_pot_warning" in events.types())
    assert events.types()[-1] == "dry_pot_warning"
    return events, pot


@pytest.fixture
async def lit(make_kitchen: KitchenFactory) -> Kitchen:
    return await make_kitchen(sensor=True)


async def test_a_pot_boiling_dry_is_warned_about_then_shut_off(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    kitchen = lit
    events, _pot = await _boil_dry(hass, kitchen, clock)
    warning = events.last("dry_pot_warning")
    assert warning["temperature"] >= 105
    assert warning["shut_off_in_seconds"] == 30
    notes = _async_get_or_create_notifications(hass)
    note = next(n for key, n in notes.items() if key.startswith("dry_pot_"))
    assert "Left burner" in note["title"]
    assert state_of(hass, LEFT_FLAME) == "on"
    # Nobody acts: after the grace period the burner is cut and verified.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await wait_for(lambda: "shut_off" in events.types(), timeout=15)
    assert events.last("shut_off")["reason"] == "dry_pot"
    assert events.last("shut_off")["verified"] is True
    assert state_of(hass, LEFT_LAST) == "dry_pot"
    assert not kitchen.left.flame


async def test_silenced_for_the_session_only(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    kitchen = lit
    events, pot = await _boil_dry(hass, kitchen, clock)
    await hass.services.async_call("button", "press", {"entity_id": SILENCE}, blocking=True)
    await _settle(hass)
    assert "dry_pot_silenced" in events.types()
    assert hass.states.get(SILENCE).attributes["silenced"] is True
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await _cook(hass, pot, clock, 60)
    assert "shut_off" not in events.types()
    assert kitchen.left.flame
    # The person turns the knob off: the session is over, the next one is guarded.
    kitchen.left.turn_knob_off()
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=15)
    assert hass.states.get(SILENCE).attributes["silenced"] is False


async def test_an_unavailable_probe_neither_cuts_nor_blocks_a_cut(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    kitchen = lit
    await _stove(hass, kitchen)
    events = EventLog(hass, LEFT_EVENTS)
    await light_left(hass, kitchen)
    for value in (STATE_UNAVAILABLE, "unknown", "hot", "nan"):
        _probe(hass, value)
        await _settle(hass)
    assert "dry_pot_warning" not in events.types()
    pot = Pot(lambda: kitchen.left.flame)
    pot.water_kg = 0.05  # almost dry already
    await _cook(hass, pot, clock, 600, until=lambda: "dry_pot_warning" in events.types())
    _probe(hass, STATE_UNAVAILABLE)  # the probe drops out during the grace period
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await wait_for(lambda: "shut_off" in events.types(), timeout=15)
    assert events.last("shut_off")["reason"] == "dry_pot"


async def test_the_rise_rate_warns_below_the_threshold(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    """A probe that reads low (an IR sensor at a distance) never reaches the
    threshold; its rise above 105 °C gives the pot away."""
    kitchen = lit
    await _stove(hass, kitchen, dry_pot_threshold=300)
    events = EventLog(hass, LEFT_EVENTS)
    await light_left(hass, kitchen)
    for reading in (100.0, 100.0, 101.0, 104.0, 108.0, 115.0):
        _probe(hass, reading)
        clock.offset += 10
        await _settle(hass)
    # 100 °C for a while, then above 105 °C at 12 °C/min: the first such
    # reading warns, far below the 300 °C threshold.
    warning = events.last("dry_pot_warning")
    assert warning["temperature"] == 108.0
    assert warning["rate"] >= 10


async def _lit_and_warned(hass: HomeAssistant, kitchen: Kitchen) -> EventLog:
    """A lit burner whose pot reads 150 °C: warned, the grace period running."""
    await _stove(hass, kitchen)
    events = EventLog(hass, LEFT_EVENTS)
    await light_left(hass, kitchen)
    await _read(hass, 150.0)
    assert events.types()[-1] == "dry_pot_warning"
    return events


async def test_the_flame_going_out_ends_the_grace_period(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    kitchen = lit
    events = await _lit_and_warned(hass, kitchen)
    kitchen.left.turn_knob_off()
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=15)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await _settle(hass)
    assert "shut_off" not in events.types()


async def test_without_a_flame_source_a_session_ends_when_the_pot_cools(
    hass: HomeAssistant, make_kitchen: KitchenFactory, clock: GuardClock
) -> None:
    kitchen = await make_kitchen()
    await _stove(hass, kitchen)
    events = EventLog(hass, LEFT_EVENTS)
    await _read(hass, 140.0)
    assert events.types() == ["dry_pot_warning"]
    await hass.services.async_call("button", "press", {"entity_id": SILENCE}, blocking=True)
    await _settle(hass)
    await _read(hass, 160.0)
    assert events.types() == ["dry_pot_warning", "dry_pot_silenced"]
    await _read(hass, 45.0)  # the pot went off the burner and cooled
    assert hass.states.get(SILENCE).attributes["silenced"] is False
    await _read(hass, 130.0)  # the next pot boils dry
    assert events.types()[-1] == "dry_pot_warning"


async def test_a_dry_pot_cut_the_relay_does_not_confirm_is_reported(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    kitchen = lit
    events = await _lit_and_warned(hass, kitchen)
    kitchen.relay.faults.offline = True
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await wait_for(lambda: "shutoff_failed" in events.types(), timeout=20)
    failed = events.last("shutoff_failed")
    assert failed["reason"] == "dry_pot"
    assert failed["relay"] == "not_confirmed"
    kitchen.relay.faults.offline = False


async def test_a_restart_during_the_grace_period_warns_again_and_cuts(
    hass: HomeAssistant, lit: Kitchen, clock: GuardClock
) -> None:
    """A warning is not kept across a restart: the pot is still hot, so the
    first reading after it warns again, and the cut follows its grace period."""
    kitchen = lit
    events = await _lit_and_warned(hass, kitchen)
    entry = hass.config_entries.async_entries("gas_stove")[0]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await _settle(hass)
    await _read(hass, 160.0)
    assert hass.states.get(SILENCE).attributes["warning"] is True
    assert "shut_off" not in events.types()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await wait_for(lambda: "shut_off" in events.types(), timeout=15)
    assert events.last("shut_off")["reason"] == "dry_pot"
