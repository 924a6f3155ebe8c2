"""Diagnostics: what a helper needs to see, never the token."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .stove import GasStoveConfigEntry


def token_keys(data: Any) -> set[str]:
    """Every key, at any depth, whose name says it holds a token.

    Found by name rather than listed, so that a token kind added later (a
    flame sensor's, a hood's) cannot reach a diagnostics file by omission.
    """
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and "token" in key.lower():
                found.add(key)
            found |= token_keys(value)
    elif isinstance(data, list | tuple):
        for value in data:
            found |= token_keys(value)
    return found


def redact_tokens[_T](data: _T) -> _T:
    """The data with the value of every token key replaced."""
    return async_redact_data(data, token_keys(data))


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: GasStoveConfigEntry
) -> dict[str, Any]:
    """Entry data (token redacted), relay health and each burner's state."""
    stove = entry.runtime_data
    return {
        # The whole entry, options included: a flame sensor's token lives there.
        "entry": redact_tokens(entry.as_dict()),
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
