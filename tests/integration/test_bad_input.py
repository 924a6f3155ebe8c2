"""Bad input to the flows and the actions: a translated error, never a trace.

Hypothesis feeds the config flow and the actions wrong types, huge and
non-finite numbers, unicode and control characters, empty strings and
addresses that are neither IPv4 nor host names. Each answer must be a form
error whose key is translated (English and Simplified Chinese), a schema
rejection (Home Assistant shows it on the field), or a translated
`ServiceValidationError`; no other exception, and nothing half-created.

Only addresses that cannot reach the network are drawn: invalid ones (the
flow refuses them before sending anything) and loopback ones.
"""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
)
from homeassistant.util import dt as dt_util
from hypothesis import HealthCheck, event, given, settings, strategies as st
import pytest
import voluptuous as vol

from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.validation import valid_host
from tests.compat import all_devices, burner_entity_id, serialize_schema
from tests.conftest import TOKEN, Kitchen
from tests.integration.common import LEFT_GAS, setup_stove, stove_entry

TRANSLATIONS = Path(__file__).parents[2] / "custom_components" / DOMAIN / "translations"
LANGUAGES = ("en", "zh-Hans")


def _translated(section: str, kind: str) -> set[str]:
    """Keys of `section.kind` (e.g. config.error) present in every language."""
    keys: set[str] | None = None
    for language in LANGUAGES:
        data = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))
        found = set(data[section][kind]) if kind else set(data[section])
        keys = found if keys is None else keys & found
    assert keys
    return keys


FLOW_ERRORS = _translated("config", "error")
FLOW_ABORTS = _translated("config", "abort")
OPTION_ERRORS = _translated("options", "error")
EXCEPTIONS = _translated("exceptions", "")

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=200),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)
names = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["", "   ", "左灶", "🔥" * 70, "a\nb", "\x00", "Left burner"]),
    anything,
)


def _offline_host(host: Any) -> bool:
    """Never drawn: a host the flow would really send packets to, off loopback."""
    return not (isinstance(host, str) and valid_host(host.strip()))


hosts = st.one_of(
    anything.filter(_offline_host),
    st.sampled_from(["", "256.1.1.1", "1.2.3", "-relay", "relay_1", "a..b", "::1", "灶.local"]),
    st.just("127.99.0.1"),  # loopback, nobody there
)
tokens = st.one_of(
    anything,
    st.sampled_from([TOKEN, TOKEN.upper(), f" {TOKEN} ", TOKEN[:-1], "g" * 32, ""]),
)
numbers = st.one_of(
    anything,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, 1, 2, 99, 100, 10**9, -1, 1.5, "7"]),
)


async def _step(
    hass: HomeAssistant, flow_id: str, data: dict[str, Any], *, options: bool = False
) -> dict[str, Any] | None:
    """One answer to a flow; None when the schema refused it."""
    manager = hass.config_entries.options if options else hass.config_entries.flow
    try:
        result: dict[str, Any] = await manager.async_configure(flow_id, data)
    except InvalidData as err:
        # The frontend shows the schema's message on the field.
        assert err.schema_errors, err
        return None
    if result["type"] is FlowResultType.FORM:
        errors = OPTION_ERRORS if options else FLOW_ERRORS
        for error in (result.get("errors") or {}).values():
            assert error in errors, f"untranslated error {error!r}"
        # The form the frontend gets must serialise (a plain function in a
        # schema would break the page).
        serialize_schema(result["data_schema"], custom_serializer=cv.custom_serializer)
    elif result["type"] is FlowResultType.ABORT:
        assert result["reason"] in FLOW_ABORTS, f"untranslated abort {result['reason']!r}"
    return result


def _nothing_created(hass: HomeAssistant) -> None:
    assert hass.config_entries.async_entries(DOMAIN) == []
    entities = er.async_get(hass).entities.values()
    assert [e.entity_id for e in entities if e.platform == DOMAIN] == []
    devices = all_devices(hass)
    assert [d.id for d in devices if any(i[0] == DOMAIN for i in d.identifiers)] == []


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)


def _one_bad(
    data: Any, valid: dict[str, Any], bad: dict[str, st.SearchStrategy[Any]], label: str
) -> dict[str, Any]:
    """The valid answer, or (half the time) with one field replaced by a bad value.

    One bad field at a time gets past the earlier steps often enough for the
    later ones to be fuzzed too.
    """
    key = data.draw(st.sampled_from([None] * len(bad) + list(bad)), label=f"{label} field")
    if key is None:
        return dict(valid)
    return {**valid, key: data.draw(bad[key], label=f"{label} {key}")}


@FUZZ
@given(data=st.data())
async def test_config_flow_bad_input(hass: HomeAssistant, kitchen: Kitchen, data: Any) -> None:
    stove = _one_bad(data, {"name": "Kitchen"}, {"name": names}, "stove")
    burner = _one_bad(
        data,
        {"name": "Left burner", "backend": "miio", "wiring": "series_nc", "pulse": 2.0},
        {"name": names, "backend": anything, "wiring": anything, "pulse": numbers},
        "burner",
    )
    relay = _one_bad(
        data,
        {"host": kitchen.relay.host, "token": TOKEN, "siid": 2, "piid": 1},
        {"host": hosts, "token": tokens, "siid": numbers, "piid": numbers},
        "relay",
    )
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    flow_id = result["flow_id"]
    try:
        answer = await _step(hass, flow_id, stove)
        if answer is None or answer["step_id"] != "burner":
            return
        answer = await _step(hass, flow_id, burner)
        if answer is None or answer["step_id"] != "miio":
            return
        answer = await _step(hass, flow_id, relay)
        event(f"relay step answered with {answer and answer.get('step_id')}")
    finally:
        if hass.config_entries.flow.async_get(flow_id) is not None:
            hass.config_entries.flow.async_abort(flow_id)
        await hass.async_block_till_done()
        # Abandoned half-way: no entry, no device, no entity.
        _nothing_created(hass)


@FUZZ
@given(data=st.data())
async def test_options_flow_bad_input(hass: HomeAssistant, kitchen: Kitchen, data: Any) -> None:
    if not hass.config_entries.async_entries(DOMAIN):
        await setup_stove(hass, stove_entry(kitchen))
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    before = dict(entry.options)
    answer = _one_bad(
        data,
        {"name": "Wok", "wiring": "series_nc", "pulse": 3},
        {
            "name": names,
            "wiring": anything,
            "pulse": numbers,
            "default_timer": numbers,
            "max_runtime": numbers,
            "timer_warning": numbers,
            "countdown_siid": numbers,
            "countdown_piid": numbers,
        },
        "burner",
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    flow_id = result["flow_id"]
    try:
        await _step(hass, flow_id, {"next_step_id": "burner_select"}, options=True)
        await _step(hass, flow_id, {"burner_id": "right"}, options=True)
        result = await _step(hass, flow_id, answer, options=True)
        event(f"burner step answered with {result and result.get('step_id')}")
    finally:
        if hass.config_entries.options.async_get(flow_id) is not None:
            hass.config_entries.options.async_abort(flow_id)
        await hass.async_block_till_done()
    # Abandoned before the end: the options are as they were.
    assert dict(entry.options) == before


@FUZZ
@given(
    service=st.sampled_from(["set_timer", "cancel_timer", "shut_off"]),
    target=st.one_of(
        st.fixed_dictionaries({"entity_id": st.one_of(anything, st.just(LEFT_GAS))}),
        st.fixed_dictionaries({"device_id": anything}),
        st.fixed_dictionaries({"area_id": anything}),
        st.just({}),
    ),
    duration=st.one_of(
        anything,
        st.fixed_dictionaries({"minutes": numbers}),
        st.fixed_dictionaries({"hours": numbers, "seconds": numbers}),
        st.sampled_from(["00:10:00", "99999:00:00", "-00:05:00", "1e308", "PT5M"]),
    ),
)
async def test_actions_bad_input(
    hass: HomeAssistant,
    kitchen: Kitchen,
    service: str,
    target: dict[str, Any],
    duration: Any,
) -> None:
    if not hass.config_entries.async_entries(DOMAIN):
        await setup_stove(hass, stove_entry(kitchen))
    stove = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    timer = stove.timers["left"]
    before = timer.deadline
    data = {**target, **({"duration": duration} if service == "set_timer" else {})}
    try:
        await hass.services.async_call(DOMAIN, service, data, blocking=True)
    except ServiceValidationError as err:
        assert err.translation_domain == DOMAIN, err
        assert err.translation_key in EXCEPTIONS, err
        # Refused: nothing changed.
        assert timer.deadline == before
    except vol.Invalid:
        # Schema rejection: Home Assistant reports the field.
        assert timer.deadline == before
    except HomeAssistantError as err:
        # A relay fault is the only other answer, and it is translated.
        assert err.translation_key in EXCEPTIONS, err
    else:
        if service == "set_timer" and timer.deadline != before:
            # Accepted: a countdown within the allowed 1-480 minutes.
            assert timer.deadline is not None
            left = timer.deadline - dt_util.utcnow()
            assert timedelta(0) < left <= timedelta(minutes=480)
    await hass.async_block_till_done()


@pytest.mark.parametrize("value", [-5, 481, 10**12, float("inf"), float("nan"), "ten"])
async def test_timer_number_out_of_range(hass: HomeAssistant, kitchen: Kitchen, value: Any) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    number = burner_entity_id("number", "test_stove", "left_burner_shut_off_timer")
    with pytest.raises((ServiceValidationError, vol.Invalid)):
        await hass.services.async_call(
            "number", "set_value", {"entity_id": number, "value": value}, blocking=True
        )
    assert hass.states.get(number).state == "0"
    assert hass.config_entries.async_entries(DOMAIN)[0].runtime_data.timers["left"].deadline is None
