"""What differs between the oldest Home Assistant we support and the newest.

Every version shim lives here, so that dropping an old release is one file's
change. Each says which release it bridges. A line that only one test lane
can run is marked ``# lane-current`` or ``# lane-minimum``; scripts/test
leaves the other lane's lines out of each lane's coverage (pyproject.toml),
and that lane's own run is what proves them.
"""

from __future__ import annotations

__all__ = [
    "BinarySensorDeviceClass",
    "SwitchDeviceClass",
    "default_aliases",
    "linked_device_info",
    "linked_devices",
    "name_aliases",
    "referenced_ids",
    "same_aliases",
    "share_parent_area",
    "vol",
]

from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr, entity_registry as er

# 2026.x validates with probatio and installs it in voluptuous' place; the
# types Home Assistant's own signatures use are probatio's. Before, voluptuous.
try:
    import probatio as vol
except ImportError:  # lane-minimum
    import voluptuous as vol  # type: ignore[no-redef]

# 2026.x moved the device classes into const modules (the package still
# re-exports them at run time, but not for the type checker).
try:
    from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
    from homeassistant.components.switch.const import SwitchDeviceClass  # lane-current
except ImportError:  # lane-minimum
    from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        BinarySensorDeviceClass,
    )
    from homeassistant.components.switch import (  # type: ignore[attr-defined,no-redef,unused-ignore]
        SwitchDeviceClass,
    )

try:  # Home Assistant 2025.8+; the old name in helpers.service was removed in 2026.8
    from homeassistant.helpers.target import (
        TargetSelection,
        async_extract_referenced_entity_ids as _extract_from_target,
    )
except ImportError:  # lane-minimum
    TargetSelection = None  # type: ignore[assignment,misc]
    from homeassistant.helpers.service import (  # type: ignore[attr-defined]
        async_extract_referenced_entity_ids as _extract_from_call,
    )


def referenced_ids(hass: HomeAssistant, call: ServiceCall) -> tuple[set[str], set[str]]:
    """Entity ids and device ids a call targets, directly or through an area, floor or label."""
    if TargetSelection is not None:
        selected = _extract_from_target(hass, TargetSelection(call.data))  # lane-current
    else:  # lane-minimum
        selected = _extract_from_call(hass, call)
    return (
        set(selected.referenced | selected.indirectly_referenced),
        set(selected.referenced_devices),
    )


def name_aliases(entry: er.RegistryEntry, name: str) -> Any:
    """Aliases that add ``name`` and keep the entity's own names matched.

    2026.x keeps an ordered list in which a sentinel stands for the computed
    full name (Assist matches it only while it is in the list; Alexa shows the
    first entry). Before that, aliases were an unordered set of strings.
    """
    names = [name]
    if entry.original_name and entry.original_name != name:
        names.append(entry.original_name)
    computed = getattr(er, "COMPUTED_NAME", None)
    if computed is None:  # lane-minimum
        return set(names)
    return [*names, computed]  # lane-current


def default_aliases() -> Any:
    """The aliases of an entity nobody gave one: its own name only."""
    computed = getattr(er, "COMPUTED_NAME", None)
    if computed is None:  # lane-minimum
        return set()
    return [computed]  # lane-current


def same_aliases(left: Any, right: Any) -> bool:
    """Compare aliases as either release keeps them (a set, or an ordered list)."""
    if isinstance(left, set | frozenset) or isinstance(right, set | frozenset):
        return set(left) == set(right)
    return list(left) == list(right)


def linked_device_info(
    identifiers: set[tuple[str, str]],
    name: str,
    parent: dr.DeviceInfo,
    parent_device_id: str,
) -> Any:
    """A device that is part of another (a burner of its stove), linked *via* it.

    Not a 2026.x child device: a child's entities are named after its parent
    too ("Kitchen stove Left burner"), so "turn off the left burner" would
    find nothing. 2026.x names the parent by its device id; before, by its
    identifiers in `via_device`.
    """
    info: dict[str, Any] = {
        "identifiers": identifiers,
        "name": name,
        "manufacturer": parent.get("manufacturer"),
        "model": "Burner",
    }
    if "via_device_id" in dr.DeviceInfo.__annotations__:  # lane-current
        info["via_device_id"] = parent_device_id
    else:  # lane-minimum
        (info["via_device"],) = parent.get("identifiers", set())
    return info


def linked_devices(hass: HomeAssistant, entry_id: str) -> list[dr.DeviceEntry]:
    """The devices of a config entry that are linked via another."""
    registry = dr.async_get(hass)
    return [
        device
        for device in dr.async_entries_for_config_entry(registry, entry_id)
        if device.via_device_id is not None
    ]


def share_parent_area(hass: HomeAssistant, entry_id: str, parent_device_id: str) -> None:
    """Put the parts of a device in its area, so that an area's actions reach them.

    A device linked via another has an area of its own only: a part without
    one gets the parent's (one the person chose stays).
    """
    registry = dr.async_get(hass)
    parent = registry.async_get(parent_device_id)
    if parent is None or parent.area_id is None:
        return
    for device in linked_devices(hass, entry_id):
        if device.area_id is None:
            registry.async_update_device(device.id, area_id=parent.area_id)
