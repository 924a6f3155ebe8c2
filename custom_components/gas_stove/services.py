"""The integration's own actions, registered once in async_setup."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)

from .burner import Burner
from .compat import referenced_ids, vol
from .const import DOMAIN, MAX_TIMER_MINUTES, ShutOffReason
from .relay import RelayError
from .stove import GasStoveConfigEntry
from .timer import BurnerNotLit, BurnerTimer

SERVICE_SHUT_OFF = "shut_off"
SERVICE_SET_TIMER = "set_timer"
SERVICE_CANCEL_TIMER = "cancel_timer"
ATTR_DURATION = "duration"

TARGET_FIELDS: dict[Any, Any] = {
    # Home Assistant's own target fields, so that every target its picker
    # offers (floors and labels too, and what later releases add) is taken.
    **cv.TARGET_SERVICE_FIELDS,
    # Strings first: Home Assistant's entity-id validator raises TypeError
    # (not a schema error) on e.g. `entity_id: true`.
    vol.Optional("entity_id"): vol.All(
        vol.Any(cv.string, [cv.string]), cv.comp_entity_ids_or_uuids
    ),
}
TARGET_SCHEMA = vol.Schema(TARGET_FIELDS)
# Any duration form is accepted here; its range is checked below so that a
# person gets a translated message, not a schema error.
SET_TIMER_SCHEMA = vol.Schema({**TARGET_FIELDS, vol.Required(ATTR_DURATION): object})


def _duration(value: Any) -> timedelta:
    try:
        duration: timedelta = cv.time_period(value)
    except (vol.Invalid, OverflowError) as err:  # e.g. {"days": 10**9}
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="timer_duration_invalid",
            translation_placeholders={"value": str(value)[:40]},
        ) from err
    minutes = duration.total_seconds() / 60
    if minutes <= 0 or minutes > MAX_TIMER_MINUTES:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="timer_out_of_range",
            translation_placeholders={"minutes": f"{minutes:g}", "max": str(MAX_TIMER_MINUTES)},
        )
    return duration


def _loaded_stove(hass: HomeAssistant, entry_id: str | None) -> GasStoveConfigEntry | None:
    entry: GasStoveConfigEntry | None = (
        hass.config_entries.async_get_entry(entry_id) if entry_id else None
    )
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        return None
    return entry


def burners_of_call(hass: HomeAssistant, call: ServiceCall) -> list[Burner]:
    """Return the burners a call targets: any of their entities, or a stove."""
    entity_ids, device_ids = referenced_ids(hass, call)
    registry = er.async_get(hass)
    found: dict[int, Burner] = {}
    # The stove's device (directly, or in a targeted area): every burner.
    # The burners' devices are only linked via it, so targeting it does not
    # reach their entities by itself.
    devices = dr.async_get(hass)
    for device_id in device_ids:
        device = devices.async_get(device_id)
        for domain, identifier in device.identifiers if device else ():
            stove = _loaded_stove(hass, identifier) if domain == DOMAIN else None
            if stove is not None:
                found.update((id(burner), burner) for burner in stove.runtime_data.burners.values())
    for entity_id in entity_ids:
        entity = registry.async_get(entity_id)
        if entity is None or entity.platform != DOMAIN:
            continue
        entry = _loaded_stove(hass, entity.config_entry_id)
        if entry is None:
            continue
        for burner_id, burner in entry.runtime_data.burners.items():
            if (entity.unique_id or "").startswith(f"{entry.entry_id}_{burner_id}_"):
                found[id(burner)] = burner
    if not found:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_burner_targeted"
        )
    return list(found.values())


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register gas_stove.shut_off."""

    async def shut_off(call: ServiceCall) -> None:
        burners = burners_of_call(hass, call)
        # All at once: one dead relay must not delay the others.
        results = await asyncio.gather(
            *(burner.async_shut_off(ShutOffReason.SERVICE) for burner in burners),
            return_exceptions=True,
        )
        failed = [
            burner.settings.name
            for burner, result in zip(burners, results, strict=True)
            if isinstance(result, RelayError)
        ]
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, RelayError):
                raise result
        if failed:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="relay_unreachable_action",
                translation_placeholders={"burner": ", ".join(failed)},
            )

    hass.services.async_register(DOMAIN, SERVICE_SHUT_OFF, shut_off, schema=TARGET_SCHEMA)

    async def set_timer(call: ServiceCall) -> None:
        # A stove (or an area) means its lit burners, as "the stove" does by
        # voice; fails only when every burner it names is known to be out.
        duration = _duration(call.data[ATTR_DURATION])
        unlit: list[str] = []
        burners = burners_of_call(hass, call)
        for burner in burners:
            try:
                await _timer_of(hass, burner).async_set(duration)
            except BurnerNotLit as err:
                unlit.append(err.burner)
        if unlit and len(unlit) == len(burners):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="burner_not_lit",
                translation_placeholders={"burner": ", ".join(unlit)},
            )

    async def cancel_timer(call: ServiceCall) -> None:
        for burner in burners_of_call(hass, call):
            await _timer_of(hass, burner).async_cancel()

    hass.services.async_register(DOMAIN, SERVICE_SET_TIMER, set_timer, schema=SET_TIMER_SCHEMA)
    hass.services.async_register(DOMAIN, SERVICE_CANCEL_TIMER, cancel_timer, schema=TARGET_SCHEMA)


def _timer_of(hass: HomeAssistant, burner: Burner) -> BurnerTimer:
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        stove = entry.runtime_data
        if stove.burners.get(burner.burner_id) is burner:
            timer: BurnerTimer = stove.timers[burner.burner_id]
            return timer
    raise ServiceValidationError(  # pragma: no cover - burners come from loaded entries
        translation_domain=DOMAIN, translation_key="no_burner_targeted"
    )
