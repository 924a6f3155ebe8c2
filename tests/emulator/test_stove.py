"""Flame-failure physics of the stove model (no sockets needed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta
import json
import math

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    async_fire_time_changed,
)

from emulator import BurnerParams, EmulatedBurner, EmulatedRelay, StoveModel, Wiring
from emulator.burner import DROPOUT_MV, cool_tau_for

from .conftest import FAST, Rig, wait_for

BurnerFactory = Callable[..., EmulatedBurner]

REST = {"series_nc": False, "series_no": True}  # relay channel state that closes the loop


@pytest.fixture
async def stove() -> AsyncIterator[StoveModel]:
    async with StoveModel(seed=5) as model:
        yield model


@pytest.fixture
def burner(stove: StoveModel) -> BurnerFactory:
    """A burner on an unstarted relay (channel changes need no socket)."""

    def make(wiring: Wiring = "series_nc", **params: float) -> EmulatedBurner:
        relay = EmulatedRelay("127.0.0.9", channels=1)
        relay.set_channel(1, REST[wiring])
        return stove.add_burner(
            f"b{len(stove.burners)}", relay, 1, wiring, params=replace(FAST, **params)
        )

    return make


def flags(b: EmulatedBurner) -> set[str]:
    """Names of the true boolean states, read fresh (mypy would keep narrowed attributes)."""
    return {name for name, value in b.snapshot().items() if value is True}


def cut(b: EmulatedBurner, on: bool = True) -> None:
    """Put the relay in its shut-off (on=True) or rest state."""
    b.relay.set_channel(b.channel, (not REST[b.wiring]) if on else REST[b.wiring])


@pytest.mark.parametrize("wiring", ["series_nc", "series_no"])
async def test_light_cut_and_relight(burner: BurnerFactory, wiring: Wiring) -> None:
    b = burner(wiring)
    assert await b.light()
    assert flags(b) >= {"valve_open", "flame", "thermocouple_hot", "loop_closed"}
    # Read before cutting: the burner counts the dropout delay from inside set_channel().
    cut_at = asyncio.get_running_loop().time()
    cut(b)
    assert "loop_closed" not in flags(b)
    await wait_for(lambda: not b.valve_open, timeout=1.0)
    assert b.last_valve_close is not None
    took = b.last_valve_close.time - cut_at
    assert b.params.dropout_delay <= took < b.params.dropout_delay + 0.15
    assert not b.flame
    # Back to rest: the valve stays shut until someone pushes the knob.
    cut(b, on=False)
    await asyncio.sleep(0.05)
    assert not b.valve_open
    assert await b.light()


async def test_interruption_shorter_than_dropout_keeps_flame(burner: BurnerFactory) -> None:
    # The longest drop-out the model allows, so a busy machine's late wake-up
    # still lands inside it.
    b = burner(dropout_delay=0.5)
    assert await b.light()
    cut(b)
    await asyncio.sleep(0.03)
    cut(b, on=False)
    await asyncio.sleep(0.6)
    assert b.flame


async def test_release_before_hold_time_drops_valve(burner: BurnerFactory) -> None:
    b = burner(hold_time=0.3)
    assert not await b.light(hold_for=0.05)
    assert not b.valve_open
    assert b.last_valve_close is not None
    assert "not hot" in b.last_valve_close.event


@pytest.mark.parametrize("wiring", ["series_nc", "series_no"])
async def test_cannot_relight_while_loop_open(burner: BurnerFactory, wiring: Wiring) -> None:
    b = burner(wiring)
    cut(b)  # held shut-off state = child lock
    b.push_knob()
    assert "flame" in flags(b)  # burns while the user holds the knob in
    await asyncio.sleep(0.1)
    b.release_knob()
    assert not flags(b) & {"valve_open", "flame"}
    assert not await b.light()


async def test_series_no_cannot_stay_lit_with_relay_unpowered(stove: StoveModel) -> None:
    relay = EmulatedRelay("127.0.0.9", channels=1)  # power-on state: off
    b = stove.add_burner("b", relay, 1, "series_no", params=FAST)
    assert not b.loop_closed
    assert not await b.light()


async def test_knob_held_fault_keeps_valve_open(burner: BurnerFactory) -> None:
    b = burner()
    assert await b.light()
    b.knob_held_fault = True
    cut(b)
    await asyncio.sleep(b.params.dropout_delay + 0.1)
    assert flags(b) >= {"valve_open", "flame"}
    b.knob_held_fault = False  # let go while the loop is still open
    assert not flags(b) & {"valve_open", "flame"}


async def test_pushed_knob_holds_valve_during_cut(burner: BurnerFactory) -> None:
    b = burner()
    assert await b.light()
    b.push_knob()
    cut(b)
    await asyncio.sleep(b.params.dropout_delay + 0.1)
    assert b.valve_open
    b.release_knob()
    assert not b.valve_open


async def test_natural_flameout_delay(burner: BurnerFactory) -> None:
    b = burner()
    assert await b.light()
    # Read before blowing out: the burner counts the delay from inside blow_out().
    out_at = asyncio.get_running_loop().time()
    b.blow_out()
    assert not b.flame and b.valve_open and b.gas_unburnt
    await wait_for(lambda: not b.valve_open, timeout=2.0)
    assert b.last_valve_close is not None
    assert "natural" in b.last_valve_close.event
    took = b.last_valve_close.time - out_at
    assert b.params.natural_flameout_delay <= took < b.params.natural_flameout_delay + 0.15
    assert not b.gas_unburnt


def test_the_default_thermocouple_cools_as_fast_as_the_valve_closes() -> None:
    # The loaded couple reaches the magnet's drop-out level just when a natural
    # blow-out closes the valve: the millivolt reading and the valve tell one story.
    params = BurnerParams()
    left = params.loaded_mv * math.exp(-params.natural_flameout_delay / params.cool_tau)
    assert left == pytest.approx(DROPOUT_MV)
    assert cool_tau_for(60.0) == pytest.approx(4 * cool_tau_for(15.0))


async def test_turn_knob_off(burner: BurnerFactory) -> None:
    b = burner()
    assert await b.light()
    b.turn_knob_off()
    assert not b.flame and not b.gas_unburnt
    await wait_for(lambda: not b.valve_open, timeout=2.0)


async def test_thermocouple_millivolts(burner: BurnerFactory) -> None:
    b = burner(heat_tau=0.01, cool_tau=0.01)
    assert b.thermocouple_mv == 0.0
    assert await b.light()
    await asyncio.sleep(0.06)
    assert b.thermocouple_mv == pytest.approx(b.params.loaded_mv, abs=0.1)
    b.push_knob()  # hold it so the cut does not put it out
    cut(b)
    assert b.thermocouple_mv == pytest.approx(b.params.open_circuit_mv, abs=0.2)
    b.turn_knob_off()
    await asyncio.sleep(0.06)
    assert b.thermocouple_mv < 2.0


async def test_noise_is_seeded(stove: StoveModel) -> None:
    def readings(seed: int) -> list[float]:
        model = StoveModel(seed=seed)
        relay = EmulatedRelay("127.0.0.9")
        b = model.add_burner("b", relay, 1, noise_mv=0.15)
        return [b.thermocouple_mv for _ in range(20)]

    first = readings(1)
    assert first == readings(1)
    assert all(0.0 <= mv <= 0.75 for mv in first) and any(mv > 0 for mv in first)


async def test_light_cancelled_releases_knob(burner: BurnerFactory) -> None:
    b = burner(hold_time=5.0)
    task = asyncio.create_task(b.light())
    await asyncio.sleep(0.02)
    assert "knob_pushed" in flags(b)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not flags(b) & {"knob_pushed", "valve_open"}


async def test_snapshot_is_json(burner: BurnerFactory, stove: StoveModel) -> None:
    b = burner()
    b.push_knob()
    data = json.loads(json.dumps(stove.snapshot()))
    burner_state = data["burners"][0]
    assert burner_state["flame"] is True and burner_state["knob_pushed"] is True
    assert burner_state["relay_channel_on"] is False and burner_state["loop_closed"] is True
    assert data["relays"][0]["channels"][0]["on"] is False


async def test_add_burner_validation(stove: StoveModel) -> None:
    relay = EmulatedRelay("127.0.0.9", channels=2)
    stove.add_burner("a", relay, 1)
    with pytest.raises(ValueError):
        stove.add_burner("b", relay, 1)
    with pytest.raises(ValueError):
        stove.add_burner("a", relay, 2)
    with pytest.raises(ValueError):
        stove.add_burner("c", relay, 2, dropout_delay=0.6)
    with pytest.raises(ValueError):
        BurnerParams(hold_time=0)
    assert stove.burner("a") is stove.burner(1)


async def test_relay_reboot_ends_a_child_lock(rig: Rig) -> None:
    rig.relay.set_channel(1, True)  # series_nc: energised = loop open
    assert not await rig.left.light()
    rig.relay.reboot()  # power-on state is off = rest
    assert await rig.left.light()


async def test_fired_home_assistant_timers_advance_the_model(
    hass: HomeAssistant, stove: StoveModel
) -> None:
    """async_fire_time_changed runs due handles early: the model must follow."""
    relay = EmulatedRelay("127.0.0.9")
    b = stove.add_burner("b", relay, 1)  # default, slow physics
    b.push_knob()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=8))
    b.release_knob()
    assert flags(b) >= {"valve_open", "thermocouple_hot"}
    assert b.thermocouple_mv_clean() == pytest.approx(b.params.loaded_mv)
    b.blow_out()
    # The valve closes after 15 s; the tip reads cold 5 cool_tau (36 s) after the flame.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=40))
    assert "valve_open" not in flags(b)
    assert b.thermocouple_mv_clean() == 0.0


async def test_the_snapshot_keeps_the_latest_events_for_the_page(burner: BurnerFactory) -> None:
    b = burner()
    assert await b.light()
    b.blow_out()
    recent = b.snapshot()["recent_events"]
    assert [event["event"] for event in recent][-2:] == ["flame blown out", "flame off"]
    assert len(recent) <= 8
    assert all(isinstance(event["time"], float) for event in recent)
