"""The supervised commissioning test, with and without a flame source."""

from __future__ import annotations

from datetime import timedelta
import time

from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.gas_stove import commissioning
from tests.compat import burner_entity_id
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import setup_stove, stove_entry

BUTTON = burner_entity_id("button", "test_stove", "left_burner_commissioning_test")


def _attrs(hass: HomeAssistant) -> dict[str, object]:
    return dict(hass.states.get(BUTTON).attributes)


class PersonsClock:
    """The test's clock: real time plus the minutes a person would take."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> PersonsClock:
    """Let the test wait for a valve or a knob without waiting in real time."""
    persons = PersonsClock()
    monkeypatch.setattr(commissioning, "monotonic", persons)
    return persons


def _seconds(hass: HomeAssistant, key: str) -> float:
    value = _attrs(hass)[key]
    assert isinstance(value, float)
    return value


def _cuts(kitchen: Kitchen) -> int:
    return sum(1 for event in kitchen.left.events if event.event == "loop opened")


def _message(hass: HomeAssistant) -> str:
    notes = [
        n for key, n in _async_get_or_create_notifications(hass).items() if "commissioning" in key
    ]
    assert notes, "no commissioning notification"
    return str(notes[-1]["message"])


async def _press(hass: HomeAssistant) -> None:
    await hass.services.async_call("button", "press", {"entity_id": BUTTON}, blocking=True)


async def _cut_confirmed_by_hand(hass: HomeAssistant, kitchen: Kitchen) -> None:
    """Part 1 without a flame source: start, light, cut, "yes, it went out"."""
    await _press(hass)
    assert await kitchen.left.light()
    await _press(hass)
    await _press(hass)


async def _blow_out_and_time(
    hass: HomeAssistant, kitchen: Kitchen, clock: PersonsClock, seconds: float
) -> None:
    """Light, blow out, press at once, wait for the valve, press after `seconds`."""
    await wait_for(lambda: kitchen.left.loop_closed, timeout=5)  # a pulse ended
    assert await kitchen.left.light()
    await _press(hass)  # "blown out now"
    kitchen.left.blow_out()
    await wait_for(lambda: not kitchen.left.valve_open, timeout=5)
    clock.advance(seconds)
    await _press(hass)  # "the valve clicked"


async def test_the_whole_test_with_a_flame_source(
    hass: HomeAssistant, make_kitchen: KitchenFactory, clock: PersonsClock
) -> None:
    kitchen = await make_kitchen(sensor=True, natural_flameout_delay=0.3)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await _press(hass)
    assert _attrs(hass)["step"] == "waiting_for_flame"
    assert "Part 1 of 4" in _message(hass)
    assert await kitchen.left.light()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await wait_for(lambda: _attrs(hass)["step"] == "blow_out_ready", timeout=10)
    assert not kitchen.left.flame
    seconds = _attrs(hass)["seconds"]
    assert isinstance(seconds, float)
    assert 0 < seconds < 3
    # The sensor's delay is reported as such, not as the flame's.
    assert "the source's delay, not the flame's" in _message(hass)
    assert "Part 2 of 4" in _message(hass)

    await _blow_out_and_time(hass, kitchen, clock, 14)
    assert _attrs(hass)["step"] == "opening_ready"
    assert 14 <= _seconds(hass, "blow_out") < 15
    assert "the valve closed 14." in _message(hass)

    await _press(hass)  # "pushing the knob now"
    assert _attrs(hass)["step"] == "opening_timing"
    assert await kitchen.left.light()
    clock.advance(4)
    await _press(hass)  # "it stays lit"
    assert 4 <= _seconds(hass, "opening") < 5
    assert _attrs(hass)["step"] == "blow_out_other_lit_ready"
    assert "another burner" in _message(hass)

    assert await kitchen.right.light()
    kitchen.left.turn_knob_off()
    await _blow_out_and_time(hass, kitchen, clock, 17)
    assert _attrs(hass)["result"] == "passed"
    assert 17 <= _seconds(hass, "blow_out_other_lit") < 18
    message = _message(hass)
    assert "passed every part" in message
    assert "Turn every knob to off, the other burner's too" in message
    assert "the opening time: 4." in message
    # Kept across a restart.
    kept = tuple(_attrs(hass)[key] for key in ("blow_out", "opening", "blow_out_other_lit"))
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    attrs = _attrs(hass)
    assert attrs["result"] == "passed"
    assert (attrs["blow_out"], attrs["opening"], attrs["blow_out_other_lit"]) == kept
    assert attrs["tested_at"]


async def test_a_valve_not_closed_within_60_s_fails_and_the_relay_cuts(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    await _press(hass)
    assert await kitchen.left.light()
    await _press(hass)  # cut
    await _press(hass)  # confirmed by hand
    assert _attrs(hass)["step"] == "blow_out_ready"
    assert "Part 1 passed: you confirmed" in _message(hass)
    await wait_for(lambda: kitchen.left.loop_closed, timeout=5)  # the pulse ended
    # A flame-failure device that no longer closes (here: the knob stuck in).
    kitchen.left.knob_held_fault = True
    assert await kitchen.left.light()
    await _press(hass)
    kitchen.left.blow_out()
    assert kitchen.left.gas_unburnt
    cuts_before = _cuts(kitchen)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
    await wait_for(lambda: _attrs(hass)["result"] == "failed", timeout=10)
    assert _cuts(kitchen) > cuts_before, "the relay did not take the gas away"
    assert "Turn the knob to off now" in _message(hass)
    assert _attrs(hass)["blow_out"] is None
    kitchen.left.knob_held_fault = False


async def test_a_slow_opening_fails(
    hass: HomeAssistant, make_kitchen: KitchenFactory, clock: PersonsClock
) -> None:
    kitchen = await make_kitchen(burners=1, natural_flameout_delay=0.3)
    hass.config.language = "zh-Hans"
    await setup_stove(hass, stove_entry(kitchen))
    await _press(hass)
    assert "第 1 部分（共 3 部分）" in _message(hass)
    assert await kitchen.left.light()
    await _press(hass)
    await _press(hass)
    await _blow_out_and_time(hass, kitchen, clock, 12)
    await _press(hass)
    clock.advance(12)
    await _press(hass)
    assert _attrs(hass)["result"] == "failed"
    assert 12 <= _seconds(hass, "opening") < 13
    assert "两次按下之间 12." in _message(hass)
    assert "（上限 10 秒）" in _message(hass)


async def test_a_one_burner_stove_passes_in_three_parts(
    hass: HomeAssistant, make_kitchen: KitchenFactory, clock: PersonsClock
) -> None:
    kitchen = await make_kitchen(burners=1, natural_flameout_delay=0.3)
    await setup_stove(hass, stove_entry(kitchen))
    await _cut_confirmed_by_hand(hass, kitchen)
    await _blow_out_and_time(hass, kitchen, clock, 20)
    await _press(hass)
    clock.advance(3)
    await _press(hass)
    assert _attrs(hass)["result"] == "passed"
    assert "another burner" not in _message(hass)


async def test_walking_away_after_the_cut_leaves_the_protection_untested(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    await _cut_confirmed_by_hand(hass, kitchen)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=601))
    await hass.async_block_till_done()
    assert _attrs(hass)["result"] == "protection_untested"
    assert "was not finished" in _message(hass)
    # A new press starts the whole test again.
    await _press(hass)
    assert _attrs(hass)["step"] == "waiting_for_press"


async def test_a_slow_thermocouple_passes_the_cut_and_asks_for_a_wider_window(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    # A thermocouple that cools as real ones do reads "out" seconds after the
    # flame went out; the 3 s window of this entry is too short for it.
    kitchen = await make_kitchen(sensor=True, cool_tau=2.0)
    await setup_stove(hass, stove_entry(kitchen))
    await _press(hass)
    assert await kitchen.left.light()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))  # the slow poll
    await wait_for(lambda: _attrs(hass)["step"] == "measuring", timeout=10)
    await wait_for(lambda: _attrs(hass)["step"] == "blow_out_ready", timeout=15)
    seconds = _attrs(hass)["seconds"]
    assert isinstance(seconds, float)
    assert seconds > 3
    assert "Raise this burner's verification window" in _message(hass)


async def test_measured_fail_when_the_knob_is_held(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    await setup_stove(hass, stove_entry(kitchen))
    kitchen.left.knob_held_fault = True
    await _press(hass)
    assert await kitchen.left.light()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await wait_for(lambda: _attrs(hass)["step"] == "measuring", timeout=10)
    # A thermocouple may need a minute and a half to read out: the test waits that long.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=80))
    await hass.async_block_till_done()
    assert _attrs(hass)["step"] == "measuring"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=91))
    await wait_for(lambda: _attrs(hass)["result"] == "failed", timeout=10)
    assert "FAILED" in _message(hass)
    kitchen.left.knob_held_fault = False


async def test_confirmed_by_hand_without_flame_source(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    hass.config.language = "zh-Hans"
    await setup_stove(hass, stove_entry(kitchen))
    await _press(hass)
    assert _attrs(hass)["step"] == "waiting_for_press"
    assert "点燃" in _message(hass)
    assert await kitchen.left.light()
    await _press(hass)  # cut
    assert kitchen.relay.channel_state(1) is True
    await wait_for(lambda: not kitchen.left.flame, timeout=1)
    assert _attrs(hass)["step"] == "waiting_for_confirmation"
    await _press(hass)  # "yes, it went out"
    assert _attrs(hass)["step"] == "blow_out_ready"
    assert "第 1 部分通过" in _message(hass)
    assert "第 2 部分（共 4 部分）" in _message(hass)


async def test_unconfirmed_and_aborted(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    await _press(hass)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=121))
    await hass.async_block_till_done()
    assert _attrs(hass)["result"] == "aborted"
    await _press(hass)  # start again
    await _press(hass)  # cut; then nobody confirms
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=301))
    await hass.async_block_till_done()
    assert _attrs(hass)["result"] == "unconfirmed"


async def test_relay_failure_fails_the_test(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    await _press(hass)
    kitchen.relay.faults.drop_requests = 1.0
    await _press(hass)
    assert _attrs(hass)["result"] == "failed"
    assert "did not confirm" in _message(hass)
