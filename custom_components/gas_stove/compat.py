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
    "name_aliases",
    "referenced_entity_ids",
    "vol",
]

from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er

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


def referenced_entity_ids(hass: HomeAssistant, call: ServiceCall) -> set[str]:
    """Entity ids a call targets, directly or through a device, area, floor or label."""
    if TargetSelection is not None:
        selected = _extract_from_target(hass, TargetSelection(call.data))  # lane-current
    else:  # lane-minimum
        selected = _extract_from_call(hass, call)
    return set(selected.referenced | selected.indirectly_referenced)


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
