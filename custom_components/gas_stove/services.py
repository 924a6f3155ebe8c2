"""The integration's own actions, registered once in async_setup."""

from __future__ import annotations

import asyncio

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.helpers.service import async_extract_referenced_entity_ids
import voluptuous as vol

from .burner import Burner
from .const import DOMAIN, ShutOffReason
from .relay import RelayError
from .stove import GasStoveConfigEntry

SERVICE_SHUT_OFF = "shut_off"

TARGET_SCHEMA = vol.Schema(
    {
        vol.Optional("entity_id"): cv.comp_entity_ids,
        vol.Optional("device_id"): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional("area_id"): vol.All(cv.ensure_list, [cv.string]),
    }
)


def burners_of_call(hass: HomeAssistant, call: ServiceCall) -> list[Burner]:
    """Return the burners a call targets: any of their entities, or a stove."""
    referenced = async_extract_referenced_entity_ids(hass, call)
    entity_ids = referenced.referenced | referenced.indirectly_referenced
    registry = er.async_get(hass)
    found: dict[int, Burner] = {}
    for entity_id in entity_ids:
        entity = registry.async_get(entity_id)
        if entity is None or entity.platform != DOMAIN or entity.config_entry_id is None:
            continue
        entry: GasStoveConfigEntry | None = hass.config_entries.async_get_entry(
            entity.config_entry_id
        )
        if entry is None or entry.state is not ConfigEntryState.LOADED:
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
