"""The supervised commissioning test, with and without a flame source."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.persistent_notification import (
    _async_get_or_create_notifications,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import setup_stove, stove_entry

BUTTON = "button.test_stove_left_burner_commissioning_test"


def _attrs(hass: HomeAssistant) -> dict[str, object]:
    return dict(hass.states.get(BUTTON).attributes)


def _message(hass: HomeAssistant) -> str:
    notes = [
        n for key, n in _async_get_or_create_notifications(hass).items() if "commissioning" in key
    ]
    assert notes, "no commissioning notification"
    return str(notes[-1]["message"])


async def _press(hass: HomeAssistant) -> None:
    await hass.services.async_call("button", "press", {"entity_id": BUTTON}, blocking=True)


async def test_measured_pass(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await _press(hass)
    assert _attrs(hass)["step"] == "waiting_for_flame"
    assert "Light **Left burner** now" in _message(hass)
    assert await kitchen.left.light()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await wait_for(lambda: _attrs(hass)["result"] == "passed", timeout=10)
    assert not kitchen.left.flame
    seconds = _attrs(hass)["seconds"]
    assert isinstance(seconds, float)
    assert 0 < seconds < 3
    assert "passed" in _message(hass)
    # Kept across a restart.
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _attrs(hass)["result"] == "passed"
    assert _attrs(hass)["tested_at"]


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
    assert _attrs(hass)["result"] == "passed"
    assert "通过" in _message(hass)


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
