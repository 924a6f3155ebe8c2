"""Choosing and tuning a burner's flame source in the config and options flows."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.gas_stove.const import DOMAIN
from tests.compat import burner_entity_id
from tests.conftest import OTHER_TOKEN, TOKEN, KitchenFactory
from tests.integration.common import LEFT_FLAME, setup_stove, stove_entry

BURNER = {"backend": "miio", "wiring": "series_nc", "pulse": 2.0, "name": "Left burner"}


def _default(result: ConfigFlowResult, field: str) -> object:
    """The value a form field is pre-filled with."""
    for key in result["data_schema"].schema:
        if str(key) == field:
            return key.default()
    raise AssertionError(f"no field {field}")


async def _options_flame_source(
    hass: HomeAssistant, entry: Any, burner_id: str, source: str, *, pulse: float = 1
) -> Any:
    """Options → a burner (its name kept, series_nc) → the flame source chosen."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    for step in ({"next_step_id": "burner_select"}, {"burner_id": burner_id}):
        result = await hass.config_entries.options.async_configure(result["flow_id"], step)
    name = entry.options["burners"][burner_id]["name"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"name": name, "wiring": "series_nc", "pulse": pulse}
    )
    assert result["step_id"] == "flame"
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"flame_source": source}
    )


async def _to_flame_step(hass: HomeAssistant, kitchen: Any) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    flow_id = result["flow_id"]
    await hass.config_entries.flow.async_configure(flow_id, {"name": "Kitchen"})
    await hass.config_entries.flow.async_configure(flow_id, BURNER)
    result = await hass.config_entries.flow.async_configure(
        flow_id,
        {"host": kitchen.relay.host, "token": TOKEN, "siid": 2, "piid": 1},
    )
    assert result["step_id"] == "flame"
    return str(flow_id)


async def test_miot_flame_sensor_in_the_config_flow(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True, burners=1)
    assert kitchen.sensor is not None
    flow_id = await _to_flame_step(hass, kitchen)
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "miot"})
    assert result["step_id"] == "flame_miot"
    sensor = {
        "host": kitchen.sensor.host,
        "token": TOKEN,
        "flame_siid": 2,
        "flame_piid": 1,
        "flame_kind": "millivolts",
    }
    # Each error on the field it is about.
    for changes, field, error in [
        ({"token": "short"}, "token", "invalid_token"),
        ({"host": "bad host"}, "host", "invalid_host"),
        ({"host": "127.99.99.98"}, "base", "cannot_connect"),
        ({"token": OTHER_TOKEN}, "token", "wrong_token"),
        ({"flame_siid": 9}, "flame_siid", "property_not_found"),
    ]:
        result = await hass.config_entries.flow.async_configure(flow_id, sensor | changes)
        assert result["errors"] == {field: error}
    result = await hass.config_entries.flow.async_configure(flow_id, sensor)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "finish"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (settings,) = result["options"]["burners"].values()
    assert settings["flame_source"] == "miot"
    assert settings["flame_host"] == kitchen.sensor.host
    await hass.async_block_till_done()
    assert (
        hass.states.get(burner_entity_id("binary_sensor", "kitchen", "left_burner_flame")).state
        == "off"
    )


async def test_entity_flame_source_in_the_config_flow(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(burners=1)
    hass.states.async_set("binary_sensor.uv", "off")
    hass.states.async_set("sensor.tc_mv", "0.3")
    flow_id = await _to_flame_step(hass, kitchen)
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "entity"})
    assert result["step_id"] == "flame_entity"
    for user_input, error in [
        ({"flame_entity": "sensor.missing", "flame_kind": "binary"}, "entity_not_found"),
        ({"flame_entity": "sensor.tc_mv", "flame_kind": "binary"}, "kind_mismatch"),
        ({"flame_entity": "binary_sensor.uv", "flame_kind": "millivolts"}, "kind_mismatch"),
    ]:
        result = await hass.config_entries.flow.async_configure(flow_id, user_input)
        assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"flame_entity": "sensor.tc_mv", "flame_kind": "millivolts"}
    )
    assert result["type"] is FlowResultType.MENU


async def test_options_flow_sets_and_tunes_the_flame_source(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen()
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    hass.states.async_set("sensor.tc_mv", "0.3")
    result = await _options_flame_source(hass, entry, "left", "entity")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"flame_entity": "sensor.tc_mv", "flame_kind": "millivolts"}
    )
    assert result["step_id"] == "tuning"
    fields = {str(key) for key in result["data_schema"].schema}
    assert fields == {"verify_window", "debounce", "on_mv", "off_mv"}
    # A thermocouple cools for tens of seconds: its measured window (bench/verify_window.py).
    assert _default(result, "verify_window") == 50
    tuning = {"verify_window": 20, "debounce": 1, "on_mv": 5, "off_mv": 6}
    result = await hass.config_entries.options.async_configure(result["flow_id"], tuning)
    assert result["errors"] == {"base": "thresholds_inverted"}
    tuning["off_mv"] = 2.5
    result = await hass.config_entries.options.async_configure(result["flow_id"], tuning)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    left = entry.options["burners"]["left"]
    assert left["flame_entity"] == "sensor.tc_mv"
    assert (left["on_mv"], left["off_mv"], left["verify_window"]) == (5, 2.5, 20)
    assert hass.states.get(LEFT_FLAME).state == "off"

    # A temperature source gets its own thresholds and a longer window.
    hass.states.async_set("sensor.hob_temperature", "24")
    result = await _options_flame_source(hass, entry, "left", "entity")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"flame_entity": "sensor.hob_temperature", "flame_kind": "temperature"}
    )
    fields = {str(key) for key in result["data_schema"].schema}
    assert fields == {"verify_window", "debounce", "on_temp", "off_temp", "rise_rate"}
    # Another kind of reading starts from its own defaults, not the 20 s chosen above.
    assert _default(result, "verify_window") == 180
    assert _default(result, "debounce") == 2
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"verify_window": 240, "debounce": 5, "on_temp": 50, "off_temp": 60, "rise_rate": 8},
    )
    assert result["errors"] == {"base": "thresholds_inverted"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"verify_window": 240, "debounce": 5, "on_temp": 90, "off_temp": 60, "rise_rate": 8},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    left = entry.options["burners"]["left"]
    # Source keys are replaced whole; thresholds of another kind are dropped.
    assert left["flame_kind"] == "temperature"
    assert left["on_temp"] == 90
    assert "on_mv" not in left

    # And removed again.
    result = await _options_flame_source(hass, entry, "left", "none")
    await hass.async_block_till_done()
    assert "flame_entity" not in entry.options["burners"]["left"]
    # Without a source there is no Flame entity any more.
    assert hass.states.get(LEFT_FLAME) is None


async def test_options_flow_miot_source(hass: HomeAssistant, make_kitchen: KitchenFactory) -> None:
    kitchen = await make_kitchen(sensor=True)
    assert kitchen.sensor is not None
    entry = stove_entry(kitchen, flame={})
    await setup_stove(hass, entry)
    result = await _options_flame_source(hass, entry, "right", "miot")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "host": kitchen.sensor.host,
            "token": TOKEN,
            "flame_siid": 3,
            "flame_piid": 2,
            "flame_kind": "binary",
        },
    )
    assert result["step_id"] == "tuning"
    assert {str(key) for key in result["data_schema"].schema} == {"verify_window", "debounce"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"verify_window": 10, "debounce": 0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert (
        hass.states.get(burner_entity_id("binary_sensor", "test_stove", "right_burner_flame")).state
        == "off"
    )


async def test_a_stored_flame_token_is_not_asked_for_again(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    assert kitchen.sensor is not None
    entry = stove_entry(kitchen)  # both burners read the emulated sensor
    await setup_stove(hass, entry)
    result = await _options_flame_source(hass, entry, "left", "miot", pulse=1.5)
    assert result["step_id"] == "flame_miot"
    # The token field is optional and never filled in with the secret.
    token = next(key for key in result["data_schema"].schema if str(key) == "token")
    assert type(token).__name__ == "Optional"
    assert "suggested_value" not in (token.description or {})
    address = {"host": kitchen.sensor.host, "flame_siid": 2, "flame_piid": 1}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**address, "flame_kind": "millivolts"}
    )
    assert result["step_id"] == "tuning"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"verify_window": 50, "debounce": 0.2, "on_mv": 6, "off_mv": 3}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    left = entry.options["burners"]["left"]
    assert (left["flame_token"], left["pulse"]) == (TOKEN, 1.5)
    # A new device without a token is refused on the token field.
    result = await _options_flame_source(hass, entry, "right", "miot")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**address, "host": kitchen.relay.host, "flame_kind": "binary"}
    )
    assert result["errors"] == {"token": "invalid_token"}
