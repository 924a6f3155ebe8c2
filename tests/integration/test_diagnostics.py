"""Diagnostics show what helps, and the token never leaves its redacted form."""

from __future__ import annotations

import hashlib
import json
import logging

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.diagnostics import redact_tokens, token_keys
from tests.compat import burner_entity_id
from tests.conftest import OTHER_TOKEN, TOKEN, Kitchen, KitchenFactory, wait_for
from tests.integration.common import LEFT_GAS, LEFT_LOCK, setup_stove, stove_entry


async def test_diagnostics_redact_the_token(
    hass: HomeAssistant, kitchen: Kitchen, hass_client: ClientSessionGenerator
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    diag = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert TOKEN not in str(diag)
    burners = diag["entry"]["data"]["burners"]
    assert {b["token"] for b in burners} == {"**REDACTED**"}
    left = diag["burners"]["left"]
    assert left["hold"] is True
    assert left["relay_cut"] is True
    assert left["wiring"] == "series_nc"
    assert diag["relays"][kitchen.relay.host]["last_update_success"] is True


def _secrets(token: str) -> list[str]:
    raw = bytes.fromhex(token)
    key = hashlib.md5(raw).digest()
    iv = hashlib.md5(key + raw).digest()
    return [token, token.upper(), raw.hex(), key.hex(), iv.hex(), repr(raw), repr(key)]


async def test_token_never_logged(
    hass: HomeAssistant, kitchen: Kitchen, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # A flow with a wrong token, then the right one.
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": "K"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Left burner", "backend": "miio", "wiring": "series_nc", "pulse": 0.5},
    )
    miio = {"host": kitchen.relay.host, "siid": 2, "piid": 1}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**miio, "token": OTHER_TOKEN}
    )
    assert result["errors"] == {"token": "wrong_token"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**miio, "token": TOKEN}
    )
    await hass.config_entries.flow.async_configure(result["flow_id"], {"flame_source": "none"})
    await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "finish"})
    await hass.async_block_till_done()
    # Actions, a failing relay, and recovery.
    gas = burner_entity_id("switch", "k", "left_burner")
    await hass.services.async_call("switch", "turn_off", {"entity_id": gas}, blocking=True)
    await wait_for(lambda: hass.states.get(gas).state == "on", timeout=3)
    kitchen.relay.faults.drop_requests = 1.0
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call("switch", "turn_off", {"entity_id": gas}, blocking=True)
    kitchen.relay.faults.drop_requests = 0.0
    # The same for a configured stove.
    entry = stove_entry(kitchen)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_GAS}, blocking=True)
    assert "gas_stove" in caplog.text  # the capture really saw our logs
    for secret in _secrets(TOKEN) + _secrets(OTHER_TOKEN):
        assert secret not in caplog.text


async def test_diagnostics_snapshot_redacts_every_token(
    hass: HomeAssistant,
    make_kitchen: KitchenFactory,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """The whole download, with a relay token and a flame sensor's token configured.

    The flame sensor's token lives in the entry's options, which the download
    once carried unredacted.
    """
    kitchen = await make_kitchen(sensor=True)
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    assert entry.options["burners"]["left"]["flame_token"] == TOKEN
    diag = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diag)
    for secret in _secrets(TOKEN):
        assert secret not in text
    assert token_keys(diag) == {"token", "flame_token"}
    # Addresses and ids differ from run to run; the rest is the snapshot.
    text = text.replace(kitchen.relay.host, "<relay>")
    assert kitchen.sensor is not None
    text = text.replace(kitchen.sensor.host, "<sensor>")
    stable = json.loads(text)
    stable["entry"] = {
        key: stable["entry"][key] for key in ("domain", "title", "version", "data", "options")
    }
    assert stable == snapshot


def test_token_keys_are_found_at_any_depth() -> None:
    data = {"a": [{"hood_token": "x", "b": {"Token": 1}}], "tokens_used": 2, "other": "token"}
    assert token_keys(data) == {"hood_token", "Token", "tokens_used"}
    assert redact_tokens(data) == {
        "a": [{"hood_token": "**REDACTED**", "b": {"Token": "**REDACTED**"}}],
        "tokens_used": "**REDACTED**",
        "other": "token",
    }
