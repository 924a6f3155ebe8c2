"""Bringing config entries written by older versions up to date."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_NAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .compat import default_aliases, name_aliases, same_aliases
from .const import (
    CONF_BACKEND,
    CONF_BURNERS,
    CONF_DEVICE_ID,
    CONF_FLAME_KIND,
    CONF_VERIFY_WINDOW,
    DEFAULT_VERIFY_WINDOW,
    DEFAULT_VERIFY_WINDOW_MILLIVOLTS,
    DOMAIN,
    FlameKind,
    RelayBackend,
)
from .relay import MiioRelay
from .stove import channel_key

_LOGGER = logging.getLogger(__name__)

# Minor versions: 2 widened the verification window of millivolt sources;
# 3 moved each burner to a device of its own.
MINOR_VERSION = 3


def _widen_millivolt_windows(options: dict[str, Any]) -> dict[str, Any]:
    """A thermocouple left at the old 15 s default gets the measured 50 s.

    15 s is shorter than a thermocouple takes to cool, so it raised false
    "shut-off not confirmed" problems (hardware review M11). A window a
    person chose is kept.
    """
    burners: dict[str, dict[str, Any]] = {}
    for burner_id, config in options.get(CONF_BURNERS, {}).items():
        old_default = (
            config.get(CONF_FLAME_KIND) == FlameKind.MILLIVOLTS
            and config.get(CONF_VERIFY_WINDOW) == DEFAULT_VERIFY_WINDOW
        )
        burners[burner_id] = (
            {**config, CONF_VERIFY_WINDOW: DEFAULT_VERIFY_WINDOW_MILLIVOLTS}
            if old_default
            else config
        )
    return {**options, CONF_BURNERS: burners}


def migrate_child_lock_switches(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The Child lock was a switch before 0.2.0; it is a lock entity now.

    The lock takes the switch's object id, its name, area and labels (so
    "lock.kitchen_stove_left_burner_child_lock" follows a renamed switch),
    and the switch goes.
    """
    registry = er.async_get(hass)
    for old in er.async_entries_for_config_entry(registry, entry.entry_id):
        if old.domain != Platform.SWITCH or not old.unique_id.endswith("_child_lock"):
            continue
        object_id = old.entity_id.split(".", 1)[1]
        registry.async_remove(old.entity_id)
        if registry.async_get_entity_id(Platform.LOCK, DOMAIN, old.unique_id) is None:
            new = registry.async_get_or_create(
                Platform.LOCK,
                DOMAIN,
                old.unique_id,
                config_entry=entry,
                suggested_object_id=object_id,
            )
            registry.async_update_entity(
                new.entity_id, name=old.name, area_id=old.area_id, labels=set(old.labels)
            )


def _forget_written_aliases(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Take back the burner-name alias older versions wrote onto each Gas switch.

    Before each burner was a device of its own, the Gas switch's name began
    with the stove's, so the burner's name was added as an alias for voice.
    Now the switch is named as its burner device; an alias a person changed
    is theirs and stays.
    """
    registry = er.async_get(hass)
    names = {
        f"{entry.entry_id}_{burner_id}_gas": config.get(CONF_NAME)
        for burner_id, config in entry.options.get(CONF_BURNERS, {}).items()
    }
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        name = names.get(entity.unique_id)
        if entity.domain != Platform.SWITCH or not name:
            continue
        if same_aliases(entity.aliases, name_aliases(entity, name)):
            registry.async_update_entity(entity.entity_id, aliases=default_aliases())


async def async_migrate(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry step by step; refuse one from a newer version."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        hass.config_entries.async_update_entry(
            entry, options=_widen_millivolt_windows(dict(entry.options)), minor_version=2
        )
        _LOGGER.info("%s: millivolt verification windows widened to 50 s", entry.title)
    if entry.minor_version < 3:
        _forget_written_aliases(hass, entry)
        hass.config_entries.async_update_entry(entry, minor_version=3)
    return True


@callback
def learn_relay_identities(
    hass: HomeAssistant, entry: ConfigEntry, connections: dict[str, MiioRelay]
) -> None:
    """Give Mi relays set up by address their device id, once they answered.

    Entries before 0.5.0 know a relay by its address: the same relay under a
    new address or a host name looked like another one. The id comes from the
    relay's handshake, so this happens at the first start that reaches it
    (a relay offline now is learnt at a later start). The entry's unique id
    follows when it was the first burner's address-based one.
    """
    old = entry.data[CONF_BURNERS]
    burners = [dict(burner) for burner in old]
    for burner in burners:
        connection = connections.get(str(burner.get(CONF_HOST)))
        if (
            burner.get(CONF_BACKEND) == RelayBackend.MIIO
            and CONF_DEVICE_ID not in burner
            and connection is not None
            and connection.device_id is not None
        ):
            burner[CONF_DEVICE_ID] = str(connection.device_id)
    if burners == old:
        return
    unique_id = entry.unique_id
    if unique_id == channel_key(old[0]):
        taken = {e.unique_id for e in hass.config_entries.async_entries(DOMAIN) if e is not entry}
        if (new := channel_key(burners[0])) not in taken:
            unique_id = new
    _LOGGER.info("%s: relays known by their device id from now on", entry.title)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_BURNERS: burners}, unique_id=unique_id
    )
