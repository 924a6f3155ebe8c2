"""What a stove remembers across restarts: holds, unfinished pulses, failed shut-offs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, ShutOffReason

STORAGE_VERSION = 1


@dataclass(frozen=True, slots=True)
class SavedBurner:
    """The persisted part of a burner's state."""

    hold: bool = False
    pulse_until: datetime | None = None
    escalated: bool = False
    pending: ShutOffReason | None = None
    failed: ShutOffReason | None = None
    last_reason: ShutOffReason | None = None
    last_at: datetime | None = None
    # A cut someone made outside Home Assistant (Mi Home app, the relay's
    # button): reported and left alone, across restarts and dropouts.
    external: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form for the Store."""
        return {
            "hold": self.hold,
            "pulse_until": _iso(self.pulse_until),
            "escalated": self.escalated,
            "pending": self.pending,
            "failed": self.failed,
            "last_reason": self.last_reason,
            "last_at": _iso(self.last_at),
            "external": self.external,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SavedBurner:
        """Read back what `as_dict` wrote; tolerate missing keys."""
        return cls(
            hold=bool(raw.get("hold", False)),
            pulse_until=_parse(raw.get("pulse_until")),
            escalated=bool(raw.get("escalated", False)),
            pending=_reason(raw.get("pending")),
            failed=_reason(raw.get("failed")),
            last_reason=_reason(raw.get("last_reason")),
            last_at=_parse(raw.get("last_at")),
            external=bool(raw.get("external", False)),
        )


def _reason(value: Any) -> ShutOffReason | None:
    try:
        return ShutOffReason(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse(text: Any) -> datetime | None:
    return dt_util.parse_datetime(text) if isinstance(text, str) else None


class BurnerMemory:
    """One Store per stove, written through on every change.

    Safety state is saved immediately (not with a delay): a hold that was set
    must still be there if the power fails a second later.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is read until `async_load`."""
        # Atomic writes go through fsync: without it a power cut within the
        # file system's commit interval can bring back the old file, or an
        # empty one, and a child lock set seconds before would be gone.
        self._store: Store[dict[str, dict[str, Any]]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}", atomic_writes=True
        )
        self._data: dict[str, dict[str, Any]] = {}

    async def async_load(self) -> None:
        """Read the stored state once at setup."""
        self._data = await self._store.async_load() or {}

    def get(self, burner_id: str) -> SavedBurner:
        """Return the saved state of one burner (defaults when none)."""
        return SavedBurner.from_dict(self._data.get(burner_id, {}))

    async def async_put(self, burner_id: str, saved: SavedBurner) -> None:
        """Replace one burner's saved safety state and write it now."""
        await self.async_update(burner_id, saved.as_dict())

    def get_record(self, burner_id: str) -> dict[str, Any]:
        """Return everything stored for one burner (read-only use)."""
        return dict(self._data.get(burner_id, {}))

    def get_extra(self, burner_id: str, key: str) -> datetime | None:
        """Return a timestamp kept for another part of the burner (timers)."""
        return _parse(self._data.get(burner_id, {}).get(key))

    async def async_put_extra(self, burner_id: str, key: str, value: datetime | None) -> None:
        """Keep such a timestamp; written now."""
        await self.async_update(burner_id, {key: _iso(value)})

    async def async_update(self, burner_id: str, changes: dict[str, Any]) -> None:
        """Merge keys into one burner's record and write it now."""
        self._data.setdefault(burner_id, {}).update(changes)
        await self._store.async_save(self._data)

    async def async_remove(self) -> None:
        """Forget everything (the config entry is being removed)."""
        await self._store.async_remove()
