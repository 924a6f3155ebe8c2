"""The relay transport on its own, against the emulated relay: the edge cases."""

from __future__ import annotations

import time

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest

from custom_components.gas_stove.relay import (
    EntityRelayChannel,
    MiioChannelAddress,
    MiioProtocol,
    MiioRelay,
    RelayBusy,
    RelayUnreachable,
)
from tests.conftest import TOKEN, Kitchen
from tests.integration.common import setup_template_relay

LEFT = MiioChannelAddress(2, 1)


def _relay(hass: HomeAssistant, kitchen: Kitchen) -> MiioRelay:
    return MiioRelay(
        hass, kitchen.relay.host, TOKEN, model=kitchen.relay.model, protocol=MiioProtocol.MIOT
    )


async def test_a_busy_device_is_busy_not_gone(hass: HomeAssistant, kitchen: Kitchen) -> None:
    """miIO's "user ack timeout" (-9999) means: try again, the device is there."""
    relay = _relay(hass, kitchen)
    assert await relay.async_read([LEFT]) == {LEFT: False}
    kitchen.relay.faults.request_error = -9999
    with pytest.raises(RelayBusy):
        await relay.async_read([LEFT], attempts=1)


async def test_a_value_write_gives_up_at_its_deadline(
    hass: HomeAssistant, kitchen: Kitchen, short_relay_timing: None
) -> None:
    relay = _relay(hass, kitchen)
    await relay.async_set_value(MiioChannelAddress(2, 2), 0, deadline=2.0)
    kitchen.relay.faults.offline = True
    started = time.monotonic()
    with pytest.raises(RelayUnreachable):
        await relay.async_set_value(MiioChannelAddress(2, 2), 0, deadline=1.0)
    assert time.monotonic() - started < 3.0


async def test_an_entity_relay_that_confirms_late_is_waited_for(hass: HomeAssistant) -> None:
    """The other integration's action returns before its state changes (a radio, a cloud)."""
    await setup_template_relay(hass, "late_relay", boolean="late", works=False)
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "late_on": {
                    "sequence": [
                        {"delay": {"milliseconds": 300}},
                        {
                            "action": "input_boolean.turn_on",
                            "target": {"entity_id": "input_boolean.late"},
                        },
                    ]
                }
            }
        },
    )
    channel = EntityRelayChannel(hass, "switch.late_relay")
    assert channel.key == "entity:switch.late_relay"
    channel.async_start()
    # Switching the template switch does nothing; the state turns on later.
    await hass.services.async_call("script", "turn_on", {"entity_id": "script.late_on"})
    started = time.monotonic()
    await channel.async_set(True)
    assert channel.energised is True
    assert time.monotonic() - started >= 0.2
    channel.async_stop()
