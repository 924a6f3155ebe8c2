"""Mi relays whose switch layout is known, so the setup can fill it in.

Only models a public MIoT spec or a device's published code describes, each
with its source. None of them is known to have a dry (potential-free)
contact: in-wall modules and plugs switch mains, and a mains output never goes
into a thermocouple loop (hardware/README.md#choosing-a-relay). They are
known so that the setup can say so, and fill in the channel.
An unknown model keeps the manual siid/piid fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from .relay import MiioChannelAddress


@dataclass(frozen=True, slots=True)
class RelayModel:
    """A Mi relay's switchable channels (the MIoT `on` property of each)."""

    name: str
    channels: tuple[MiioChannelAddress, ...]
    # True only where the device's documentation says so; None: not known.
    dry_contact: bool | None = None


def _channels(*siids: int) -> tuple[MiioChannelAddress, ...]:
    return tuple(MiioChannelAddress(siid, 1) for siid in siids)


KNOWN_RELAYS: dict[str, RelayModel] = {
    # python-miio miio/integrations/yeelight/dual_switch/yeelight_dual_switch.py
    # (_MAPPINGS; urn:miot-spec-v2:device:switch:0000A003:yeelink-sw1:1).
    "yeelink.switch.sw1": RelayModel("Yeelight dual control module", _channels(2, 3)),
    # homebridge-miot lib/modules/switch/devices/babai.switch.bb101s.js
    # (urn:miot-spec-v2:device:switch:0000A003:babai-bb101s:2).
    "babai.switch.bb101s": RelayModel("WiFi wall switch A1", _channels(2)),
    # homebridge-miot lib/modules/outlet/devices/chuangmi.plug.212a01.js; a plug.
    "chuangmi.plug.212a01": RelayModel("Mi smart power plug 2", _channels(2)),
    # homebridge-miot lib/modules/outlet/devices/cuco.plug.cp1.js and cp2.js; plugs.
    "cuco.plug.cp1": RelayModel("CUCO smart plug", _channels(2)),
    "cuco.plug.cp2": RelayModel("CUCO smart plug", _channels(2)),
    # homebridge-miot .../cuco.plug.cp5pro.js and sp5.js: siid 2 is the master
    # switch, the four outlets are siid 3-6 (strips).
    "cuco.plug.cp5pro": RelayModel("CUCO power strip", _channels(3, 4, 5, 6)),
    "cuco.plug.sp5": RelayModel("CUCO power strip", _channels(3, 4, 5, 6)),
}
