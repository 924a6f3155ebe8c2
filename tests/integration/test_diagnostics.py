"""Diagnostics show what helps, and the token never leaves its redacted form."""

from __future__ import annotations

import hashlib
import logging

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gas_stove.const import DOMAIN
from tests.conftest import OTHER_TOKEN, TOKEN, Kitchen, wait_for
from tests.integration.common import LEFT_GAS, LEFT_LOCK, setup_stove, stove_entry


async def test_diagnostics_redact_the_token(
    hass: HomeAssistant, kitchen: Kitchen, hass_client: ClientSessionGenerator
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_LOCK}, blocking=True)
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
    miio = {"host": kitchen.relay.host, "protocol": "miot", "siid": 2, "piid": 1}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**miio, "token": OTHER_TOKEN}
    )
    assert result["errors"] == {"base": "wrong_token"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**miio, "token": TOKEN}
    )
    await hass.config_entries.flow.async_configure(result["flow_id"], {"flame_source": "none"})
    await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "finish"})
    await hass.async_block_till_done()
    # Actions, a failing relay, and recovery.
    gas = "switch.k_left_burner_gas"
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
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_LOCK}, blocking=True)
    await hass.services.async_call("switch", "turn_on", {"entity_id": LEFT_GAS}, blocking=True)
    assert "gas_stove" in caplog.text  # the capture really saw our logs
    for secret in _secrets(TOKEN) + _secrets(OTHER_TOKEN):
        assert secret not in caplog.text
