"""Diagnostics: what a helper needs to see, never the token."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_TOKEN
from homeassistant.core import HomeAssistant

from .stove import GasStoveConfigEntry

TO_REDACT = {CONF_TOKEN}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: GasStoveConfigEntry
) -> dict[str, Any]:
    """Entry data (token redacted), relay health and each burner's state."""
    stove = entry.runtime_data
    return {
        "entry": {
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        },
        "relays": {
            host: {
                "model": coordinator.relay.model,
                "protocol": coordinator.relay.protocol,
                "timeout": round(coordinator.relay.timeout, 3),
                "last_update_success": coordinator.last_update_success,
            }
            for host, coordinator in stove.coordinators.items()
        },
        "burners": {
            burner_id: {
                "name": burner.settings.name,
                "wiring": burner.settings.wiring,
                "pulse": burner.settings.pulse,
                "relay": burner.relay.key,
                "relay_available": burner.relay.available,
                "relay_energised": burner.relay.energised,
                "relay_cut": burner.relay_cut,
                "hold": burner.hold,
                "pulsing": burner.pulsing,
                "last_shut_off": (
                    {
                        "reason": burner.last_shut_off.reason,
                        "at": burner.last_shut_off.at.isoformat(),
                    }
                    if burner.last_shut_off
                    else None
                ),
                "last_error": repr(burner.last_error) if burner.last_error else None,
            }
            for burner_id, burner in stove.burners.items()
        },
    }
