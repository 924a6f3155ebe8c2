"""Mi relays found on the network (zeroconf) and known by their device id.

The relays are emulated on loopback with a model from the known-model table
and a fixed device id; zeroconf announcements are what a relay sends
(`<model with dashes>_miio<did>._miio._udp.local.`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from ipaddress import ip_address
from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_ZEROCONF, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.migration import MINOR_VERSION
from emulator.relay import EmulatedRelay
from tests.conftest import OTHER_TOKEN, TOKEN, Kitchen, next_address
from tests.integration.common import LEFT_GAS, setup_stove, state_of, stove_entry

DID = 4242
MODEL = "yeelink.switch.sw1"
BURNER = {"name": "Left", "backend": "miio", "wiring": "series_nc", "pulse": 2.0}

type RelayFactory = Callable[..., Awaitable[EmulatedRelay]]


@pytest.fixture
async def mi_relay(socket_enabled: None) -> AsyncIterator[RelayFactory]:
    """Emulated Mi relays of a known model; stopped after the test."""
    started: list[EmulatedRelay] = []

    async def start(
        *, did: int = DID, model: str = MODEL, channels: int = 2, token: str = TOKEN
    ) -> EmulatedRelay:
        relay = EmulatedRelay(
            next_address(), channels=channels, model=model, did=did, token=token, seed=3
        )
        await relay.start()
        started.append(relay)
        return relay

    yield start
    for relay in started:
        await relay.stop()


def _announcement(host: str, model: str = MODEL, did: int = DID) -> ZeroconfServiceInfo:
    label = f"{model.replace('.', '-')}_miio{did}"
    return ZeroconfServiceInfo(
        ip_address=ip_address(host),
        ip_addresses=[ip_address(host)],
        port=54321,
        hostname=f"{label}.local.",
        type="_miio._udp.local.",
        name=f"{label}._miio._udp.local.",
        properties={"epoch": "1", "mac": "0200000010a2"},
    )


async def _discover(hass: HomeAssistant, host: str, **kwargs: Any) -> dict[str, Any]:
    result: dict[str, Any] = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_ZEROCONF}, data=_announcement(host, **kwargs)
    )
    return result


def _suggested(result: dict[str, Any]) -> dict[str, Any]:
    return {
        str(key): (key.description or {}).get("suggested_value")
        for key in result["data_schema"].schema
    }


async def _to_the_relay_form(hass: HomeAssistant, stove: str, burner: str = "Left") -> str:
    """A stove set up by hand, up to its first burner's Mi relay form; the flow id."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    flow_id: str = result["flow_id"]
    await hass.config_entries.flow.async_configure(flow_id, {"name": stove})
    result = await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": burner})
    assert result["step_id"] == "miio"
    return flow_id


async def _set_up_through_discovery(hass: HomeAssistant, relay: EmulatedRelay) -> Any:
    result = await _discover(hass, relay.host)
    assert result["step_id"] == "zeroconf_confirm"
    assert result["description_placeholders"]["model"] == MODEL
    assert result["description_placeholders"]["host"] == relay.host
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(flow_id, {"name": "Kitchen"})
    result = await hass.config_entries.flow.async_configure(flow_id, BURNER)
    assert result["step_id"] == "miio"
    # Only the token is left to type.
    assert _suggested(result) == {"host": relay.host, "token": None, "siid": 2, "piid": 1}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": relay.host, "token": TOKEN, "siid": 2, "piid": 1}
    )
    assert result["step_id"] == "flame"
    result = await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    result = await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "finish"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return result["result"]


async def test_a_discovered_relay_is_set_up_with_only_its_token_typed(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay()
    entry = await _set_up_through_discovery(hass, relay)
    burner = entry.data["burners"][0]
    assert burner["device_id"] == str(DID)
    assert burner["model"] == MODEL
    assert entry.unique_id == f"miio:did:{DID}:2:1"
    # The same relay announcing itself again is not offered again.
    result = await _discover(hass, relay.host)
    assert result["reason"] == "already_configured"


async def test_a_relay_back_on_a_new_address_is_followed(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay()
    entry = await _set_up_through_discovery(hass, relay)
    gas = "switch.left"
    await relay.stop()
    moved = await mi_relay()  # same device id, new address (DHCP)
    result = await _discover(hass, moved.host)
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data["burners"][0]["host"] == moved.host
    await hass.services.async_call("switch", "turn_off", {"entity_id": gas}, blocking=True)
    assert moved.channel_state(1) is True


async def test_other_mi_devices_are_not_offered(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay()
    result = await _discover(hass, relay.host, model="lumi.gateway.v3")
    assert result["reason"] == "not_a_relay"


async def test_the_same_relay_at_another_address_is_the_same_channel(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay()
    await _set_up_through_discovery(hass, relay)
    await relay.stop()
    moved = await mi_relay()
    flow_id = await _to_the_relay_form(hass, "Second", "Wok")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": moved.host, "token": TOKEN, "siid": 2, "piid": 1}
    )
    assert result["errors"] == {"siid": "channel_in_use"}
    assert result["description_placeholders"]["stove"] == "Kitchen"


async def test_a_strips_master_switch_is_not_a_relay_channel(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay(model="cuco.plug.sp5", channels=4)
    flow_id = await _to_the_relay_form(hass, "Strip")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": relay.host, "token": TOKEN, "siid": 2, "piid": 1}
    )
    assert result["errors"] == {"siid": "channel_not_in_model"}
    assert result["description_placeholders"]["channels"] == "3/1, 4/1, 5/1, 6/1"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": relay.host, "token": TOKEN, "siid": 3, "piid": 1}
    )
    assert result["step_id"] == "flame"


async def test_an_entry_set_up_by_address_learns_the_device_id(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = stove_entry(kitchen)
    assert entry.unique_id == f"miio:{kitchen.relay.host}:2:1"
    await setup_stove(hass, entry)
    did = str(kitchen.relay.did)
    assert [b["device_id"] for b in entry.data["burners"]] == [did, did]
    assert entry.unique_id == f"miio:did:{did}:2:1"
    assert state_of(hass, LEFT_GAS) == "on"


async def test_reconfigure_refuses_another_device_at_the_new_address(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay()
    entry = await _set_up_through_discovery(hass, relay)
    other = await mi_relay(did=999, token=OTHER_TOKEN)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "reconfigure_relay"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": other.host, "token": OTHER_TOKEN}
    )
    assert result["errors"] == {"host": "different_device"}
    assert entry.data["burners"][0]["host"] == relay.host


async def test_the_next_burner_gets_the_models_next_channel(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    relay = await mi_relay(model="cuco.plug.sp5", channels=4)
    flow_id = await _to_the_relay_form(hass, "Strip")
    await hass.config_entries.flow.async_configure(
        flow_id, {"host": relay.host, "token": TOKEN, "siid": 4, "piid": 1}
    )
    await hass.config_entries.flow.async_configure(flow_id, {"flame_source": "none"})
    await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": "burner"})
    result = await hass.config_entries.flow.async_configure(flow_id, {**BURNER, "name": "Wok"})
    # The strip's outlets are siid 3-6: the first one not taken yet.
    assert _suggested(result) == {"host": relay.host, "token": TOKEN, "siid": 3, "piid": 1}


async def test_a_stove_not_loaded_is_loaded_on_the_new_address(
    hass: HomeAssistant, mi_relay: RelayFactory
) -> None:
    """A stove whose relay vanished (not loaded, say after a failed start) is
    set up again once the relay is found at its new address."""
    relay = await mi_relay()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Kitchen",
        unique_id=f"miio:did:{DID}:2:1",
        data={
            "name": "Kitchen",
            "burners": [
                {
                    "burner_id": "left",
                    "backend": "miio",
                    "host": "127.99.0.9",  # its old address: nobody there now
                    "token": TOKEN,
                    "protocol": "miot",
                    "siid": 2,
                    "piid": 1,
                    "model": MODEL,
                    "device_id": str(DID),
                }
            ],
        },
        options={"burners": {"left": {"name": "Left", "wiring": "series_nc", "pulse": 2.0}}},
        minor_version=MINOR_VERSION,
    )
    entry.add_to_hass(hass)
    assert entry.state is ConfigEntryState.NOT_LOADED
    result = await _discover(hass, relay.host)
    assert result["reason"] == "already_configured"
    await hass.async_block_till_done()
    assert entry.data["burners"][0]["host"] == relay.host
    assert entry.state is ConfigEntryState.LOADED
