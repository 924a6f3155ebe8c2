"""Assembling a stove from its config entry: relays, coordinators, burners."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ENTITY_ID, CONF_HOST, CONF_NAME, CONF_TOKEN
from homeassistant.core import HomeAssistant

from .burner import Burner, BurnerSettings
from .const import (
    CONF_BACKEND,
    CONF_BURNER_ID,
    CONF_BURNERS,
    CONF_MODEL,
    CONF_PIID,
    CONF_PROTOCOL,
    CONF_PULSE,
    CONF_SIID,
    CONF_WIRING,
    DEFAULT_PIID,
    DEFAULT_PULSE,
    DEFAULT_SIID,
    BurnerWiring,
    MiioProtocol,
    RelayBackend,
)
from .coordinator import MiioRelayChannel, MiioRelayCoordinator
from .memory import BurnerMemory
from .relay import EntityRelayChannel, MiioChannelAddress, MiioRelay, RelayChannel


@dataclass
class GasStoveData:
    """Everything a loaded stove entry owns."""

    name: str
    memory: BurnerMemory
    burners: dict[str, Burner] = field(default_factory=dict)
    coordinators: dict[str, MiioRelayCoordinator] = field(default_factory=dict)
    entity_channels: list[EntityRelayChannel] = field(default_factory=list)


type GasStoveConfigEntry = ConfigEntry[GasStoveData]


def burner_settings(entry: ConfigEntry, burner: dict[str, Any]) -> BurnerSettings:
    """Name, wiring and pulse of a burner: options first, then entry data."""
    burner_id: str = burner[CONF_BURNER_ID]
    options: dict[str, Any] = entry.options.get(CONF_BURNERS, {}).get(burner_id, {})
    merged = {**burner, **options}
    return BurnerSettings(
        burner_id=burner_id,
        name=str(merged.get(CONF_NAME, burner_id)),
        wiring=BurnerWiring(merged.get(CONF_WIRING, BurnerWiring.SERIES_NC)),
        pulse=float(merged.get(CONF_PULSE, DEFAULT_PULSE)),
    )


def channel_key(burner: dict[str, Any]) -> str:
    """Identity of the physical relay channel a burner config points at."""
    if burner[CONF_BACKEND] == RelayBackend.ENTITY:
        return f"entity:{burner[CONF_ENTITY_ID]}"
    if burner.get(CONF_PROTOCOL) == MiioProtocol.LEGACY:
        return f"miio:{burner[CONF_HOST]}:legacy"
    siid = burner.get(CONF_SIID, DEFAULT_SIID)
    piid = burner.get(CONF_PIID, DEFAULT_PIID)
    return f"miio:{burner[CONF_HOST]}:{siid}:{piid}"


def build_stove(hass: HomeAssistant, entry: ConfigEntry) -> GasStoveData:
    """Create (but do not start) the objects behind a stove entry."""
    stove = GasStoveData(name=entry.data[CONF_NAME], memory=BurnerMemory(hass, entry.entry_id))
    for raw in entry.data[CONF_BURNERS]:
        relay: RelayChannel
        if raw[CONF_BACKEND] == RelayBackend.ENTITY:
            entity_channel = EntityRelayChannel(hass, raw[CONF_ENTITY_ID])
            stove.entity_channels.append(entity_channel)
            relay = entity_channel
        else:
            host: str = raw[CONF_HOST]
            coordinator = stove.coordinators.get(host)
            if coordinator is None:
                # One connection per relay host, shared by its burners.
                coordinator = MiioRelayCoordinator(
                    hass,
                    entry,
                    MiioRelay(
                        hass,
                        host,
                        raw[CONF_TOKEN],
                        model=raw.get(CONF_MODEL),
                        protocol=MiioProtocol(raw.get(CONF_PROTOCOL, MiioProtocol.MIOT)),
                    ),
                )
                stove.coordinators[host] = coordinator
            relay = MiioRelayChannel(
                coordinator,
                MiioChannelAddress(
                    int(raw.get(CONF_SIID, DEFAULT_SIID)),
                    int(raw.get(CONF_PIID, DEFAULT_PIID)),
                ),
            )
        settings = burner_settings(entry, raw)
        stove.burners[settings.burner_id] = Burner(hass, settings, relay, stove.memory)
    return stove
