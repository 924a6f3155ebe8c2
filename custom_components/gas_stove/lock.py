"""The Child lock of each burner: a lock entity, lifted only by unlocking it.

A lock rather than a switch: Home Assistant does not expose locks to voice
assistants by default, asks for a confirmation before unlocking from its
cards, and keeps them out of the Overview's "turn all on/off" toggles. The
same hold carries an emergency shut-off (smoke, gas) and the second cut that
keeps a burner cut while its knob is held in; unlocking lifts any of them.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import LockEntity, LockEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import ShutOffEntity, relay_errors
from .stove import GasStoveConfigEntry

PARALLEL_UPDATES = 0

CHILD_LOCK = LockEntityDescription(key="child_lock", translation_key="child_lock")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One Child lock per burner."""
    async_add_entities(
        BurnerChildLock(entry, burner, CHILD_LOCK) for burner in entry.runtime_data.burners.values()
    )


class BurnerChildLock(ShutOffEntity, LockEntity):
    """Locked while the burner's cut is held."""

    @property
    def is_locked(self) -> bool:
        """Whether a hold is in force (child lock, emergency or second cut)."""
        return self.burner.hold or self.burner.escalated

    @relay_errors
    async def async_lock(self, /, **kwargs: Any) -> None:
        """Hold the cut: the burner cannot stay lit."""
        await self.burner.async_hold()

    @relay_errors
    async def async_unlock(self, /, **kwargs: Any) -> None:
        """Lift the hold; the burner is at rest again, ready to be lit by hand."""
        await self.burner.async_release_hold()
