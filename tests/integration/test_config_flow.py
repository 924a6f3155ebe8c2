"""The config, options, reconfigure and reauth flows, against the emulator."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gas_stove.const import DOMAIN
from tests.compat import burner_entity_id
from tests.conftest import OTHER_TOKEN, TOKEN, Kitchen, KitchenFactory, next_address
from tests.integration.common import (
    LEFT_GAS,
    LEFT_LOCK,
    RIGHT_GAS,
    setup_stove,
    setup_template_relay,
    stove_entry,
)


def _miio(kitchen: Kitchen, siid: int = 2, **changes: Any) -> dict[str, Any]:
    return {
        "host": kitchen.relay.host,
        "token": TOKEN,
        "siid": siid,
        "piid": 1,
        **changes,
    }


BURNER = {"backend": "miio", "wiring": "series_nc", "pulse": 2.0}


async def _start(hass: HomeAssistant, name: str = "Kitchen") -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": name})
    assert result["step_id"] == "burner"
    return result


async def test_two_burners_on_one_relay(hass: HomeAssistant, kitchen: Kitchen) -> None:
    result = await _start(hass)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "name": "Left burner"}
    )
    assert result["step_id"] == "miio"
    result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen))
    assert result["step_id"] == "flame"
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "burner"})
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "name": "Right burner", "wiring": "series_no", "pulse": 1.5}
    )
    assert result["step_id"] == "miio"
    # The next channel of the same relay is suggested.
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested["host"] == kitchen.relay.host
    assert suggested["siid"] == 3
    result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen, 3))
    assert result["step_id"] == "flame"
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "finish"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Kitchen"
    burners = result["data"]["burners"]
    assert [(b["host"], b["siid"], b["model"]) for b in burners] == [
        (kitchen.relay.host, 2, kitchen.relay.model),
        (kitchen.relay.host, 3, kitchen.relay.model),
    ]
    settings = result["options"]["burners"]
    assert sorted((s["name"], s["wiring"], s["pulse"]) for s in settings.values()) == [
        ("Left burner", "series_nc", 2.0),
        ("Right burner", "series_no", 1.5),
    ]
    await hass.async_block_till_done()
    assert hass.states.get(burner_entity_id("switch", "kitchen", "left_burner")) is not None
    assert (
        hass.states.get(burner_entity_id("lock", "kitchen", "right_burner_child_lock")) is not None
    )


def _defaults(result: Any) -> dict[str, Any]:
    return {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(getattr(key, "default", None))
    }


async def test_default_names_follow_the_language_and_case_is_not_a_new_name(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(burners=4)
    hass.config.language = "zh-Hans"
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert _defaults(result)["name"] == "燃气灶"
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {"name": ""})
    assert result["step_id"] == "burner"
    for index, expected in enumerate(("左灶", "右灶", "灶眼 3")):
        assert _defaults(result)["name"] == expected
        if index == 2:
            break
        result = await hass.config_entries.flow.async_configure(
            flow_id, {**BURNER, "name": expected}
        )
        # siid/piid are number boxes that show their value, not bare sliders.
        siid = next(key for key in result["data_schema"].schema if str(key) == "siid")
        assert result["data_schema"].schema[siid].config["mode"] == "box"
        result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen, 2 + index))
        result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
        result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "burner"})
    result = await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": "灶眼 3"})
    # A siid is a whole number.
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(flow_id, {**_miio(kitchen), "siid": 4.5})
    result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen, 4))
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "finish"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "燃气灶"


async def test_names_that_differ_only_in_case_are_refused(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    result = await _start(hass)
    flow_id = result["flow_id"]
    await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": "Left burner"})
    await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen))
    await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "burner"})
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "name": "left BURNER"}
    )
    assert result["errors"] == {"name": "name_duplicate"}


async def test_miio_errors(
    hass: HomeAssistant, make_kitchen: KitchenFactory, socket_enabled: None
) -> None:
    kitchen = await make_kitchen()
    result = await _start(hass)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": " "})
    assert result["errors"] == {"name": "name_required"}
    for name in ("x" * 65, "left\nburner", "\x00"):
        result = await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": name})
        assert result["errors"] == {"name": "name_invalid"}, name
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "name": "Left burner"}
    )
    # Each error on the field it belongs to.
    cases = [
        (_miio(kitchen, token="abc"), "token", "invalid_token"),
        (_miio(kitchen, host="not a host!"), "host", "invalid_host"),
        (_miio(kitchen, host="127.99.99.99"), "base", "cannot_connect"),
        (_miio(kitchen, token=OTHER_TOKEN), "token", "wrong_token"),
        (_miio(kitchen, siid=9), "siid", "channel_not_found"),
        # U1: the channel's countdown (an integer) is not its on/off switch.
        (_miio(kitchen, piid=2), "piid", "channel_not_switch"),
    ]
    for user_input, field, error in cases:
        result = await hass.config_entries.flow.async_configure(flow_id, user_input)
        assert result["type"] is FlowResultType.FORM, error
        assert result["errors"] == {field: error}
    result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen))
    assert result["step_id"] == "flame"
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    assert result["type"] is FlowResultType.MENU
    # The same channel twice in one stove is refused on the form.
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "burner"})
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "name": "Left burner"}
    )
    assert result["errors"] == {"name": "name_duplicate"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "name": "Right burner"}
    )
    result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen))
    assert result["errors"] == {"siid": "channel_duplicate"}


async def test_stove_name_must_be_one_short_line(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": "灶" * 65})
    assert result["step_id"] == "user"
    assert result["errors"] == {"name": "name_invalid"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": "厨房"})
    assert result["step_id"] == "burner"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("pulse", 20, "range_0p5_10"),
        ("pulse", "0.1", "range_0p5_10"),
        ("pulse", float("nan"), "not_a_number"),
        ("pulse", "two", "not_a_number"),
    ],
)
async def test_out_of_range_numbers_get_the_flows_own_translated_error(
    hass: HomeAssistant, field: str, value: Any, error: str
) -> None:
    """Not Home Assistant's English "Value 20.0 is too large" (review A14)."""
    result = await _start(hass)
    with pytest.raises(InvalidData) as raised:
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {"name": "Left", **BURNER, field: value}
        )
    assert raised.value.schema_errors == {field: error}


async def test_a_fractional_channel_number_is_refused_on_its_field(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"name": "Left", **BURNER}
    )
    assert result["step_id"] == "miio"
    with pytest.raises(InvalidData) as raised:
        await hass.config_entries.flow.async_configure(result["flow_id"], _miio(kitchen, siid=2.5))
    assert raised.value.schema_errors == {"siid": "not_whole_number"}
    with pytest.raises(InvalidData) as raised:
        await hass.config_entries.flow.async_configure(result["flow_id"], _miio(kitchen, siid=0))
    assert raised.value.schema_errors == {"siid": "range_1_99"}


async def test_no_plug_protocol_is_offered_and_old_plug_entries_keep_working(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    # Mi plugs switch mains to a socket: never a dry contact (hardware review W3).
    kitchen = await make_kitchen(protocol="legacy", burners=1)
    result = await _start(hass)
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": "Wok"})
    assert result["step_id"] == "miio"
    assert "protocol" not in {str(key) for key in result["data_schema"].schema}
    result = await hass.config_entries.flow.async_configure(flow_id, _miio(kitchen))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"siid": "channel_not_found"}
    # An entry made by an older version with the plug protocol still cuts.
    await setup_stove(hass, stove_entry(kitchen, protocol="legacy"))
    assert await kitchen.left.light()
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    assert kitchen.relay.channel_state(1) is True
    assert any(c.method == "set_power" for c in kitchen.relay.stats.applied)


async def test_a_channel_of_another_stove_is_named_on_the_field(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    result = await _start(hass)
    await hass.config_entries.flow.async_configure(result["flow_id"], {**BURNER, "name": "A"})
    # What was typed wrong is said first, whoever owns the channel.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _miio(kitchen, siid=3, token="xyz")
    )
    assert result["errors"] == {"token": "invalid_token"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _miio(kitchen, siid=3)
    )
    # The flow goes on: the person can pick another channel.
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"siid": "channel_in_use"}
    placeholders = result["description_placeholders"]
    assert (placeholders["stove"], placeholders["owner"]) == ("Test stove", "Right burner")


async def test_entity_backend_flow(hass: HomeAssistant, kitchen: Kitchen) -> None:
    await setup_template_relay(hass, "zigbee_relay", boolean="relay")
    await setup_stove(hass, stove_entry(kitchen))
    await hass.async_block_till_done()
    result = await _start(hass, "Second stove")
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "backend": "entity", "name": "Wok"}
    )
    assert result["step_id"] == "entity"
    # The picker leaves out the switches of the stove already set up (review
    # A14), and refuses one sent anyway.
    picker = result["data_schema"].schema["entity_id"].config
    assert sorted(picker["exclude_entities"]) == sorted(
        [LEFT_GAS, RIGHT_GAS, "switch.test_stove_hood_linkage"]
    )
    with pytest.raises(InvalidData):
        await hass.config_entries.flow.async_configure(flow_id, {"entity_id": LEFT_GAS})
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"entity_id": "switch.does_not_exist"}
    )
    assert result["errors"] == {"entity_id": "entity_not_found"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"entity_id": "switch.zigbee_relay"}
    )
    assert result["step_id"] == "flame"
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "burner"})
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "backend": "entity", "name": "Other"}
    )
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"entity_id": "switch.zigbee_relay"}
    )
    assert result["errors"] == {"entity_id": "channel_duplicate"}


async def test_a_gas_switch_that_appeared_after_the_form_was_shown_is_refused(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    """The picker's exclusion list is as old as the form: the check stays."""
    result = await _start(hass, "Second stove")
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**BURNER, "backend": "entity", "name": "Wok"}
    )
    assert result["data_schema"].schema["entity_id"].config["exclude_entities"] == []
    await setup_stove(hass, stove_entry(kitchen))
    result = await hass.config_entries.flow.async_configure(flow_id, {"entity_id": LEFT_GAS})
    assert result["errors"] == {"entity_id": "entity_is_ours"}


async def test_duplicate_stove_aborts(hass: HomeAssistant, kitchen: Kitchen) -> None:
    # Known by the relay's device id, as every entry is once it has started.
    MockConfigEntry(domain=DOMAIN, unique_id=f"miio:did:{kitchen.relay.did}:2:1").add_to_hass(hass)
    result = await _start(hass)
    await hass.config_entries.flow.async_configure(result["flow_id"], {**BURNER, "name": "A"})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _miio(kitchen))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] in {"already_configured", "channel_in_use"}


async def test_options_flow(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "burner_select"}
    )
    assert result["step_id"] == "burner_select"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"burner_id": "right"}
    )
    assert result["step_id"] == "burner"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"name": "Left burner", "wiring": "series_no", "pulse": 3}
    )
    assert result["errors"] == {"name": "name_duplicate"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"name": "", "wiring": "series_no", "pulse": 3}
    )
    assert result["errors"] == {"name": "name_required"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"name": "Wok", "wiring": "series_nc", "pulse": 3}
    )
    assert result["step_id"] == "flame"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"flame_source": "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["burners"]["right"] == {
        "name": "Wok",
        "wiring": "series_nc",
        "pulse": 3.0,
        "flame_source": "none",
        # The timer settings, at their defaults.
        "default_timer": 0,
        "max_runtime": 120,
        "timer_warning": 60,
        "countdown_siid": 0,
        "countdown_piid": 0,
        # Gas use and the dry-pot guard (no temperature entity: no guard).
        "rated_kw": 4.0,
        "dry_pot_threshold": 120.0,
        "dry_pot_rate": 10.0,
        "dry_pot_grace": 30.0,
    }
    # The entry reloaded with the new name; the entity keeps its unique id.
    state = hass.states.get(burner_entity_id("switch", "kitchen", "right_burner"))
    assert state is not None
    # The burner is a device named as the burner; its Gas switch carries that name.
    assert state.attributes["friendly_name"] == "Wok"


async def test_options_flow_single_burner(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(burners=1)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "burner_select"}
    )
    assert result["step_id"] == "burner"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"name": "Left burner", "wiring": "series_nc", "pulse": 0.5}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"flame_source": "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure_moves_the_relay(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    old = await make_kitchen()
    entry = stove_entry(old)
    await setup_stove(hass, entry)
    new = await make_kitchen(token=OTHER_TOKEN)
    result = await entry.start_reconfigure_flow(hass)
    # One relay: nothing to pick; its own address is the default.
    assert result["step_id"] == "reconfigure_relay"
    assert result["description_placeholders"] == {"relay": old.relay.host}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": new.relay.host, "token": TOKEN}
    )
    assert result["errors"] == {"token": "wrong_token"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": new.relay.host, "token": OTHER_TOKEN.upper()}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert {b["host"] for b in entry.data["burners"]} == {new.relay.host}
    assert {b["token"] for b in entry.data["burners"]} == {OTHER_TOKEN}
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    assert new.relay.channel_state(1) is True
    assert old.relay.channel_state(1) is False


async def test_reconfigure_without_miio_relay(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={
            "name": "S",
            "burners": [{"burner_id": "a", "backend": "entity", "entity_id": "switch.x"}],
        },
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_miio_relay"


async def test_reauth_after_repairing_the_relay(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    kitchen.relay.token = OTHER_TOKEN  # re-paired in the Mi Home app
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"token": "xyz"})
    assert result["errors"] == {"base": "invalid_token"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"token": OTHER_TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert all(b["token"] == OTHER_TOKEN for b in entry.data["burners"])


async def test_reauth_picks_the_relay_among_several(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    first = await make_kitchen(burners=1)
    second = await make_kitchen(burners=1)
    entry = stove_entry(first)
    data = dict(entry.data)
    other = dict(stove_entry(second).data["burners"][0], burner_id="right")
    data["burners"] = [*data["burners"], other]
    entry = MockConfigEntry(domain=DOMAIN, title="Test stove", data=data, options=entry.options)
    await setup_stove(hass, entry)
    second.relay.token = OTHER_TOKEN
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"relay": second.relay.host, "token": OTHER_TOKEN}
    )
    assert result["reason"] == "reauth_successful"
    tokens = {b["host"]: b["token"] for b in entry.data["burners"]}
    assert tokens == {first.relay.host: TOKEN, second.relay.host: OTHER_TOKEN}


async def test_address_helper_is_loopback() -> None:
    assert next_address().startswith("127.")


async def test_relay_that_rejects_miio_info(hass: HomeAssistant, kitchen: Kitchen) -> None:
    kitchen.relay.faults.request_error = -32601
    result = await _start(hass)
    await hass.config_entries.flow.async_configure(result["flow_id"], {**BURNER, "name": "A"})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _miio(kitchen))
    assert result["errors"] == {"base": "cannot_connect"}


async def test_entity_of_another_stove_aborts(hass: HomeAssistant) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        data={
            "name": "S",
            "burners": [{"burner_id": "a", "backend": "entity", "entity_id": "switch.relay"}],
        },
    ).add_to_hass(hass)
    hass.states.async_set("switch.relay", "off")
    result = await _start(hass)
    await hass.config_entries.flow.async_configure(
        result["flow_id"], {**BURNER, "backend": "entity", "name": "A"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"entity_id": "switch.relay"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"entity_id": "channel_in_use"}
    assert result["description_placeholders"]["stove"] == "S"


async def test_six_burners_finish_by_themselves(hass: HomeAssistant) -> None:
    result = await _start(hass)
    for index in range(6):
        hass.states.async_set(f"switch.relay_{index}", "off")
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {**BURNER, "backend": "entity", "name": f"B{index}"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"entity_id": f"switch.relay_{index}"}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"flame_source": "none"}
        )
        if index < 5:
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {"next_step_id": "burner"}
            )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(result["data"]["burners"]) == 6


async def test_u2_reconfigure_picks_the_relay_then_shows_its_own_address(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    first = await make_kitchen(burners=1)
    second = await make_kitchen(burners=1)
    third = await make_kitchen(burners=1)
    entry = stove_entry(first)
    burners = [
        dict(entry.data["burners"][0]),
        {**entry.data["burners"][0], "burner_id": "right", "host": second.relay.host},
    ]
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Test stove",
        unique_id=entry.unique_id,
        data={"name": "Test stove", "burners": burners},
        options={
            "burners": {
                "left": {"name": "Left burner", "wiring": "series_nc", "pulse": 0.5},
                "right": {"name": "Right burner", "wiring": "series_nc", "pulse": 0.5},
            }
        },
    )
    await setup_stove(hass, entry)
    other = stove_entry(third)
    other.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"relay": second.relay.host}
    )
    assert result["step_id"] == "reconfigure_relay"
    assert result["description_placeholders"] == {"relay": second.relay.host}
    # The address of another relay (this stove's, another stove's) is refused.
    for taken in (first.relay.host, third.relay.host):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"host": taken, "token": TOKEN}
        )
        assert result["errors"] == {"host": "host_in_use"}, taken
    # Its own address with the same token: nothing moves, nothing breaks.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": second.relay.host, "token": TOKEN}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert [b["host"] for b in entry.data["burners"]] == [first.relay.host, second.relay.host]


async def test_removing_the_stove_forgets_its_state(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert f"gas_stove.{entry.entry_id}" in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert f"gas_stove.{entry.entry_id}" not in hass_storage


async def _kitchen_step(hass: HomeAssistant, entry: MockConfigEntry, step: str) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    return dict(result)


async def test_options_kitchen_guards(hass: HomeAssistant, kitchen: Kitchen) -> None:
    """Hood, emergency and unattended guards, set and changed through the options menu."""
    hass.states.async_set("fan.hood", "off", {"percentage": 0})
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)

    result = await _kitchen_step(hass, entry, "hood")
    assert result["description_placeholders"] == {"flame": "no"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "hood_entity": "fan.hood",
            "hood_percentage": 66,
            "hood_preset": "  boost ",
            "hood_delay": 5,
            "hood_run_on": 2.5,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["kitchen"] == {
        "hood_entity": "fan.hood",
        "hood_percentage": 66,
        "hood_preset": "boost",
        "hood_delay": 5.0,
        "hood_run_on": 2.5,
    }
    # The form shows what is set; clearing the preset removes it.
    result = await _kitchen_step(hass, entry, "hood")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"hood_entity": "fan.hood", "hood_percentage": 0, "hood_delay": 0, "hood_run_on": 0},
    )
    await hass.async_block_till_done()
    assert "hood_preset" not in entry.options["kitchen"]
    assert entry.options["kitchen"]["hood_percentage"] == 0

    result = await _kitchen_step(hass, entry, "emergency")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "emergency_sensors": ["binary_sensor.smoke"],
            "emergency_hood": True,
            "emergency_hood_gas": False,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["kitchen"]["emergency_sensors"] == ["binary_sensor.smoke"]
    assert entry.options["kitchen"]["emergency_hood"] is True
    assert entry.options["kitchen"]["hood_entity"] == "fan.hood"  # other guards kept

    result = await _kitchen_step(hass, entry, "unattended")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "presence_entities": ["binary_sensor.kitchen_motion"],
            "absence_minutes": 20,
            "grace_minutes": 3,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options["kitchen"]["presence_entities"] == ["binary_sensor.kitchen_motion"]
    assert entry.options["kitchen"]["absence_minutes"] == 20.0
    assert entry.options["kitchen"]["grace_minutes"] == 3.0
    assert entry.state is ConfigEntryState.LOADED


async def test_options_hood_says_whether_a_flame_source_exists(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    result = await _kitchen_step(hass, entry, "hood")
    assert result["description_placeholders"] == {"flame": "yes"}
