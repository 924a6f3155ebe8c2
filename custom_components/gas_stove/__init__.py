"""Gas Stove: cut a gas burner's flame through its own flame-failure loop."""

from __future__ import annotations

import asyncio

from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.typing import ConfigType

from .compat import linked_devices, share_parent_area
from .const import CONF_BURNER_ID, CONF_BURNERS, DOMAIN
from .entity import burner_device_identifier, stove_device_info
from .memory import BurnerMemory
from .migration import async_migrate, learn_relay_identities, migrate_child_lock_switches
from .services import async_setup_services
from .stove import GasStoveConfigEntry, GasStoveData, build_stove, release_connections

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.LOCK,
    Platform.NUMBER,
    Platform.SENSOR,
    Platform.SWITCH,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions."""
    async_setup_services(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: GasStoveConfigEntry) -> bool:
    """Bring an entry written by an older version up to date (migration.py)."""
    return await async_migrate(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: GasStoveConfigEntry) -> bool:
    """Connect to the relays, restore holds and pulses, add the entities."""
    stove = build_stove(hass, entry)
    try:
        await _async_start(hass, entry, stove)
    except BaseException:
        release_connections(hass, stove)
        raise
    return True


async def _async_start(
    hass: HomeAssistant, entry: GasStoveConfigEntry, stove: GasStoveData
) -> None:
    await stove.memory.async_load()
    # A relay that does not answer now (a router still booting after a power
    # cut) must not keep the whole stove down: while the entry is not loaded,
    # Home Assistant shows its switches unavailable and silently skips a
    # shut-off sent to them. The stove starts with what it reaches; a burner
    # whose relay is missing shows unknown, keeps polling, and fails loudly
    # (error, Problem, repair issue) if a shut-off is asked for meanwhile. A
    # rejected token starts the reauth flow from the coordinator.
    for coordinator in stove.coordinators.values():
        await coordinator.async_refresh()
    # Before the update listener exists: this is no options change to reload for.
    learn_relay_identities(hass, entry, stove.connections)
    # A flame sensor that does not answer must not keep the shut-off from
    # working: its burners show a problem instead.
    for flame_coordinator in stove.flame_coordinators.values():
        await flame_coordinator.async_refresh()
        # Its readings go to the flame detectors, not to entities; this
        # listener keeps the coordinator polling.
        entry.async_on_unload(flame_coordinator.async_add_listener(_keep_polling))
        entry.async_on_unload(flame_coordinator.async_stop)
    for channel in stove.entity_channels:
        channel.async_start()
        entry.async_on_unload(channel.async_stop)
    for source in stove.flame_sources:
        source.async_start()
        entry.async_on_unload(source.async_stop)
    for burner in stove.burners.values():
        burner.restore()
    # Watches before the burners start: a shut-off the burner completes at
    # start is reported.
    for watch in stove.watches.values():
        watch.async_start()
        entry.async_on_unload(watch.async_stop)
    entry.runtime_data = stove

    async def finish_pulses(_event: Event) -> None:
        # Home Assistant stops without unloading entries: end running
        # pulses at rest now rather than at the next start.
        await asyncio.gather(*(b.async_stop() for b in stove.burners.values()))
        # The gas burnt up to now is counted before Home Assistant goes.
        await asyncio.gather(*(m.async_stop() for m in stove.gas_meters.values()))

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, finish_pulses))
    migrate_child_lock_switches(hass, entry)
    # The burners' devices are parts of the stove's: it must exist first.
    stove.device_id = (
        dr.async_get(hass)
        .async_get_or_create(config_entry_id=entry.entry_id, **stove_device_info(entry))
        .id
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    _remove_stale_entities(hass, entry)
    _remove_stale_devices(hass, entry)
    share_parent_area(hass, entry.entry_id, stove.device_id)
    for watch in stove.watches.values():
        watch.async_entities_ready()
    # After the entities exist, so that what happens at start (a hold
    # asserted again, a shut-off completed, a timer that expired while Home
    # Assistant was down) is seen by automations and the logbook.
    for burner in stove.burners.values():
        await burner.async_start()
    for timer in stove.timers.values():
        await timer.async_start()
    for meter in stove.gas_meters.values():
        await meter.async_start()
        entry.async_on_unload(meter.async_stop)
    for guard in stove.dry_pot.values():
        guard.async_start()
        entry.async_on_unload(guard.async_stop)
    if stove.kitchen is not None:
        stove.kitchen.async_start()
        entry.async_on_unload(stove.kitchen.async_stop)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))


def _remove_stale_entities(hass: HomeAssistant, entry: GasStoveConfigEntry) -> None:
    """Drop entities the options no longer call for (e.g. Flame without a source)."""
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.unique_id not in entry.runtime_data.unique_ids:
            registry.async_remove(entity.entity_id)


def _remove_stale_devices(hass: HomeAssistant, entry: GasStoveConfigEntry) -> None:
    """Drop the device of a burner the options removed."""
    registry = dr.async_get(hass)
    wanted = {
        burner_device_identifier(entry.entry_id, burner_id)
        for burner_id in entry.runtime_data.burners
    }
    for device in linked_devices(hass, entry.entry_id):
        if not device.identifiers & wanted:
            registry.async_remove_device(device.id)


def _keep_polling() -> None:
    """Nothing to do: the coordinator feeds the detectors itself."""


async def _async_options_updated(hass: HomeAssistant, entry: GasStoveConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: GasStoveConfigEntry) -> bool:
    """Remove the entities; a pulse under way still ends at rest."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        stove = entry.runtime_data
        await asyncio.gather(*(t.async_stop() for t in stove.timers.values()))
        await asyncio.gather(*(b.async_stop() for b in stove.burners.values()))
        for burner in stove.burners.values():
            burner.relay.async_stop()
        release_connections(hass, stove)
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: GasStoveConfigEntry) -> None:
    """Forget a removed stove: its saved state, repair issues and notifications."""
    await BurnerMemory(hass, entry.entry_id).async_remove()
    # Issue ids of a stove all contain its entry id (per burner or per stove).
    issues = ir.async_get(hass)
    for domain, issue_id in list(issues.issues):
        if domain == DOMAIN and entry.entry_id in issue_id:
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    persistent_notification.async_dismiss(hass, f"emergency_{entry.entry_id}")
    for burner in entry.data.get(CONF_BURNERS, []):
        persistent_notification.async_dismiss(
            hass, f"gas_stove_commissioning_{entry.entry_id}_{burner[CONF_BURNER_ID]}"
        )
