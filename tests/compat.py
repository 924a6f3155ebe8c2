"""Test-side differences between the two Home Assistant lanes, in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

try:  # Home Assistant 2026.x serialises flow forms with probatio
    from probatio import to_field_list as _to_field_list

    serialize_schema: Callable[..., Any] = _to_field_list
except ImportError:  # the minimum lane
    from voluptuous_serialize import convert as _convert

    serialize_schema = _convert


def device_by_identifier(
    hass: HomeAssistant, identifier: tuple[str, str], config_entry_id: str
) -> dr.DeviceEntry:
    """The entry's device with this identifier (2026.x deprecates async_get_device)."""
    registry = dr.async_get(hass)
    if hasattr(registry, "async_get_device_by_identifier"):
        device = registry.async_get_device_by_identifier(identifier, config_entry_id)
    else:
        device = registry.async_get_device(identifiers={identifier})
    assert device is not None, identifier
    return device


def all_devices(hass: HomeAssistant) -> list[dr.DeviceEntry]:
    """Every device in the registry (2026.x iterates entries; older, ids)."""
    devices = dr.async_get(hass).devices
    entries = list(devices)
    if entries and isinstance(entries[0], str):  # the minimum lane: a mapping
        return [devices[device_id] for device_id in entries]
    return entries  # type: ignore[return-value]


def burner_entity_id(domain: str, stove: str, object_id: str) -> str:
    """The entity id a burner's entity gets in a new install.

    A burner is a device of its own named as the burner, so its entities'
    ids begin with the burner's name, not the stove's (`stove` is kept to
    say which stove a test means).
    """
    del stove
    return f"{domain}.{object_id}"
