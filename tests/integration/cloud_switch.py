"""A cloud-backed relay switch, as Xiaomi Home or xiaomi-miot give one.

A thin Home Assistant view onto `emulator.cloud.CloudLink`: the entity shows
the cloud's last report (late, sometimes never), goes unavailable with the
cloud, and with ``optimistic`` shows whatever it was told (`assumed_state`).
The relay behind it is the emulated one, so a cut really cuts the emulated
stove.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import setup_test_component_platform

from emulator.cloud import CloudLink, CloudUnreachable


class CloudSwitch(SwitchEntity):
    """The switch entity another integration makes of a cloud-reached relay."""

    _attr_should_poll = False

    def __init__(self, name: str, link: CloudLink, *, assumed_state: bool = False) -> None:
        self._attr_name = name
        self._attr_unique_id = f"cloud_{name}"
        self._attr_assumed_state = assumed_state
        self.link = link

    async def async_added_to_hass(self) -> None:
        self.async_on_remove(self.link.add_listener(self.async_write_ha_state))

    @property
    def available(self) -> bool:
        return self.link.online

    @property
    def is_on(self) -> bool | None:
        return self.link.reported

    async def async_turn_on(self, **kwargs: Any) -> None:
        await self._command(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        await self._command(False)

    async def _command(self, on: bool) -> None:
        try:
            await self.link.async_command(on)
        except CloudUnreachable as err:
            raise HomeAssistantError("the cloud cannot be reached") from err


async def setup_cloud_switches(
    hass: HomeAssistant, switches: dict[str, CloudLink], *, assumed: set[str] | None = None
) -> None:
    """Add one switch per link (entity id switch.<name>), as the switch platform "test".

    The names in `assumed` declare `assumed_state` (give their links `optimistic`).
    """
    assumed = assumed or set()
    setup_test_component_platform(
        hass,
        "switch",
        [CloudSwitch(name, link, assumed_state=name in assumed) for name, link in switches.items()],
    )
    assert await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
    await hass.async_block_till_done()
    for name in switches:
        assert hass.states.get(f"switch.{name}") is not None, name
