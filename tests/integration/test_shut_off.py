"""Cutting the flame from Home Assistant, for both wirings, over real miIO."""

from __future__ import annotations

import asyncio

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockUser

from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_BUTTON,
    LEFT_GAS,
    LEFT_LOCK,
    RIGHT_GAS,
    setup_stove,
    stove_entry,
)


def _cut_value(wiring: str) -> bool:
    return wiring == "series_nc"


@pytest.mark.parametrize("wiring", ["series_nc", "series_no"])
async def test_gas_off_puts_the_flame_out_and_returns_to_rest(
    hass: HomeAssistant, make_kitchen: KitchenFactory, wiring: str
) -> None:
    kitchen = await make_kitchen(wiring)
    await setup_stove(hass, stove_entry(kitchen, wiring=wiring))
    relay, left = kitchen.relay, kitchen.left
    # At rest the loop is closed for either wiring, so a person can cook.
    assert relay.channel_state(1) is not _cut_value(wiring)
    assert await left.light()
    assert hass.states.get(LEFT_GAS).state == STATE_ON

    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)

    # The action returns once the relay confirmed the cut.
    assert relay.channel_state(1) is _cut_value(wiring)
    assert hass.states.get(LEFT_GAS).state == STATE_OFF
    await wait_for(lambda: not left.valve_open and not left.flame, timeout=1.0)
    # The other burner was not touched.
    assert relay.channel_state(2) is not _cut_value(wiring)
    assert hass.states.get(RIGHT_GAS).state == STATE_ON

    # After the pulse the relay is back at rest and the burner can be relit.
    await wait_for(lambda: hass.states.get(LEFT_GAS).state == STATE_ON, timeout=3.0)
    assert relay.channel_state(1) is not _cut_value(wiring)
    assert await left.light()
    # Writes were explicit values, never a toggle.
    assert all(cmd.method != "toggle" for cmd in relay.stats.applied)


async def test_shut_off_button(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen()
    await setup_stove(hass, stove_entry(kitchen))
    assert await kitchen.left.light()
    await hass.services.async_call("button", "press", {"entity_id": LEFT_BUTTON}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    await wait_for(lambda: not kitchen.left.flame, timeout=1.0)
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3.0)


async def test_child_lock_holds_the_cut_until_released(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen()
    await setup_stove(hass, stove_entry(kitchen))
    left = kitchen.left
    assert await left.light()

    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert hass.states.get(LEFT_LOCK).state == "locked"
    assert hass.states.get(LEFT_GAS).state == STATE_OFF
    await wait_for(lambda: not left.flame, timeout=1.0)
    # Well past any pulse, the hold is still there and relighting fails.
    await asyncio.sleep(0.8)
    assert kitchen.relay.channel_state(1) is True
    assert not await left.light()

    await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert kitchen.relay.channel_state(1) is False
    assert hass.states.get(LEFT_GAS).state == STATE_ON
    assert await left.light()


async def test_gas_on_never_lifts_the_child_lock(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """S1: turning the gas "on" (a voice command, a group toggle) leaves a lock locked."""
    kitchen = await make_kitchen("series_no")
    await setup_stove(hass, stove_entry(kitchen, wiring="series_no"))
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert kitchen.relay.channel_state(1) is False  # NO wiring: cut = de-energised
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_GAS}, blocking=True)
    assert err.value.translation_key == "burner_held"
    assert kitchen.relay.channel_state(1) is False
    assert hass.states.get(LEFT_LOCK).state == "locked"
    assert not await kitchen.left.light()
    # Unlocking is what lifts it.
    await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    assert hass.states.get(LEFT_LOCK).state == "unlocked"
    assert await kitchen.left.light()


async def test_two_shut_offs_at_once_do_not_interleave(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen()
    await setup_stove(hass, stove_entry(kitchen, pulse=1.0))
    assert await kitchen.left.light()
    before = len(kitchen.relay.stats.applied)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(
        hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True),
        hass.services.async_call("button", "press", {"entity_id": LEFT_BUTTON}, blocking=True),
    )
    # A third during the pulse neither fails nor extends it.
    await asyncio.sleep(0.3)
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3.0)
    ended = loop.time()
    assert 0.9 <= ended - started < 1.6
    writes = [cmd for cmd in kitchen.relay.stats.applied[before:] if cmd.method == "set_properties"]
    # One cut and one return to rest: nothing interleaved.
    assert [w.params[0]["value"] for w in writes] == [True, False]


async def test_the_gas_coming_back_on_after_the_pulse_is_not_the_persons_act(
    hass: HomeAssistant, kitchen: Kitchen, hass_admin_user: MockUser
) -> None:
    """The logbook must not say the person turned the gas back on 2 s after 'off'."""
    await setup_stove(hass, stove_entry(kitchen))
    person = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True, context=person
    )
    off = hass.states.get(LEFT_GAS)
    assert off is not None and off.state == STATE_OFF
    assert off.context.user_id == hass_admin_user.id
    await wait_for(lambda: hass.states.get(LEFT_GAS).state == STATE_ON, timeout=5)
    back_on = hass.states.get(LEFT_GAS)
    assert back_on is not None
    assert back_on.context.user_id is None
    assert back_on.context.parent_id is None
