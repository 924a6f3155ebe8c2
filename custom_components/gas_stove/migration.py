"""Bringing config entries written by older versions up to date."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .const import (
    CONF_BURNERS,
    CONF_FLAME_KIND,
    CONF_VERIFY_WINDOW,
    DEFAULT_VERIFY_WINDOW,
    DEFAULT_VERIFY_WINDOW_MILLIVOLTS,
    FlameKind,
)

_LOGGER = logging.getLogger(__name__)

# Minor versions: 2 widened the verification window of millivolt sources.
MINOR_VERSION = 2


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


async def async_migrate(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Migrate an entry step by step; refuse one from a newer version."""
    if entry.version > 1:
        return False
    if entry.minor_version < 2:
        hass.config_entries.async_update_entry(
            entry, options=_widen_millivolt_windows(dict(entry.options)), minor_version=2
        )
        _LOGGER.info("%s: millivolt verification windows widened to 50 s", entry.title)
    return True
