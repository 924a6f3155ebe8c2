"""What a stove remembers across restarts: holds, pulses, timers, verifications.

One file per stove, with a typed and versioned schema:

    {"burners": {<burner id>: {"safety": ..., "timer": ..., "verification": ...,
                               "commissioning": ...}},
     "kitchen": {...}}

Each part has its own frozen dataclass below; `_migrate` brings older files
forward. Safety state is written now (not with a delay) and through fsync: a
hold that was set must still be there if the power fails a second later. A
write that fails (a full or read-only SD card) is not only logged by Home
Assistant: `write_failed` turns on and the stove shows a Problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import logging
from typing import Any, NotRequired, Self, TypedDict, cast, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, ShutOffReason

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 2


class _BurnerFile(TypedDict):
    safety: NotRequired[dict[str, Any]]
    timer: NotRequired[dict[str, Any]]
    verification: NotRequired[dict[str, Any] | None]
    commissioning: NotRequired[dict[str, Any]]
    gas: NotRequired[dict[str, Any]]


class _StoveFile(TypedDict):
    burners: dict[str, _BurnerFile]
    kitchen: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SavedBurner:
    """A burner's safety state: what the relay must be doing after a restart."""

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
        """JSON-able form."""
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
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """Read back what `as_dict` wrote; a missing or broken field takes its default."""
        return cls(
            hold=raw.get("hold") is True,
            pulse_until=_parse(raw.get("pulse_until")),
            escalated=raw.get("escalated") is True,
            pending=_reason(raw.get("pending")),
            failed=_reason(raw.get("failed")),
            last_reason=_reason(raw.get("last_reason")),
            last_at=_parse(raw.get("last_at")),
            external=raw.get("external") is True,
        )


@dataclass(frozen=True, slots=True)
class SavedTimer:
    """The shut-off timer and the start of the current burning session."""

    deadline: datetime | None = None
    # How long the timer was set for: after a restart with a clock that is
    # behind (no RTC, NTP not yet synced) the deadline is never further
    # away than this.
    duration: float | None = None
    runtime_since: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "deadline": _iso(self.deadline),
            "duration": self.duration,
            "runtime_since": _iso(self.runtime_since),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """Read back what `as_dict` wrote."""
        duration = _number(raw.get("duration"))
        return cls(
            deadline=_parse(raw.get("deadline")),
            duration=duration if duration is not None and duration > 0 else None,
            runtime_since=_parse(raw.get("runtime_since")),
        )


@dataclass(frozen=True, slots=True)
class SavedVerification:
    """A shut-off whose flame-out was being verified."""

    reason: ShutOffReason
    requested_at: datetime
    until: datetime
    failed: bool = False
    # Whether the flame was seen lit since the request.
    saw_flame: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "reason": self.reason,
            "requested_at": self.requested_at.isoformat(),
            "until": self.until.isoformat(),
            "failed": self.failed,
            "saw_flame": self.saw_flame,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> Self | None:
        """Read back what `as_dict` wrote; None when there is none (or it is unreadable)."""
        if not isinstance(raw, Mapping):
            return None
        reason = _reason(raw.get("reason"))
        requested_at = _parse(raw.get("requested_at"))
        until = _parse(raw.get("until"))
        if reason is None or requested_at is None or until is None:
            return None
        return cls(
            reason,
            requested_at,
            until,
            raw.get("failed") is True,
            # Unknown for a record from before 0.2.0: assume it was lit.
            raw.get("saw_flame", True) is True,
        )


@dataclass(frozen=True, slots=True)
class SavedCommissioning:
    """The last commissioning test of a burner."""

    result: str | None = None
    at: datetime | None = None
    # From the cut to the flame source reading "out".
    seconds: float | None = None
    # The stove's own protection, timed by the person's presses.
    blow_out: float | None = None
    opening: float | None = None
    blow_out_other_lit: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "result": self.result,
            "at": _iso(self.at),
            "seconds": self.seconds,
            "blow_out": self.blow_out,
            "opening": self.opening,
            "blow_out_other_lit": self.blow_out_other_lit,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """Read back what `as_dict` wrote."""
        result = raw.get("result")
        return cls(
            result=result if isinstance(result, str) else None,
            at=_parse(raw.get("at")),
            seconds=_number(raw.get("seconds")),
            blow_out=_number(raw.get("blow_out")),
            opening=_number(raw.get("opening")),
            blow_out_other_lit=_number(raw.get("blow_out_other_lit")),
        )


@dataclass(frozen=True, slots=True)
class SavedGas:
    """The gas a burner has burnt (in its gas's unit) and how far it is counted."""

    total: float = 0.0
    # Set while a session runs: counted up to this moment.
    counted_to: datetime | None = None
    gas_type: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "total": self.total,
            "counted_to": _iso(self.counted_to),
            "gas_type": self.gas_type,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """A broken or negative total reads as nothing counted yet."""
        total = _number(raw.get("total"))
        gas_type = raw.get("gas_type")
        return cls(
            total=total if total is not None and total >= 0 else 0.0,
            counted_to=_parse(raw.get("counted_to")),
            gas_type=gas_type if isinstance(gas_type, str) else None,
        )


@dataclass(frozen=True, slots=True)
class SavedKitchen:
    """What the stove's kitchen guards keep."""

    hood_linkage: bool = True
    # When someone was last seen at the stove: a restart does not give an
    # unattended burner a new absence time.
    last_presence: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"hood_linkage": self.hood_linkage, "last_presence": _iso(self.last_presence)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Self:
        """Read back what `as_dict` wrote."""
        return cls(
            hood_linkage=raw.get("hood_linkage") is not False,
            last_presence=_parse(raw.get("last_presence")),
        )


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _reason(value: Any) -> ShutOffReason | None:
    try:
        return ShutOffReason(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _parse(text: Any) -> datetime | None:
    return dt_util.parse_datetime(text) if isinstance(text, str) else None


# Version 1 (0.1.x-0.2.x) kept one flat dict per burner, the kitchen under
# the pseudo burner "_kitchen".
_V1_KITCHEN = "_kitchen"
_V1_SAFETY = ("hold", "pulse_until", "escalated", "pending", "failed", "last_reason")
_V1_SAFETY_MORE = ("last_at", "external")


def _migrate_v1(old: Mapping[str, Any]) -> _StoveFile:
    burners: dict[str, _BurnerFile] = {}
    kitchen: dict[str, Any] = {}
    for burner_id, record in old.items():
        if not isinstance(record, Mapping):
            continue
        if burner_id == _V1_KITCHEN:
            kitchen = {"hood_linkage": record.get("hood_linkage", True)}
            continue
        burners[burner_id] = {
            "safety": {k: record[k] for k in (*_V1_SAFETY, *_V1_SAFETY_MORE) if k in record},
            "timer": {
                "deadline": record.get("timer_deadline"),
                "runtime_since": record.get("runtime_since"),
            },
            "verification": record.get("verification"),
            "commissioning": {
                "result": record.get("commissioning_result"),
                "at": record.get("commissioning_at"),
                "seconds": record.get("commissioning_seconds"),
            },
        }
    return {"burners": burners, "kitchen": kitchen}


def _well_formed(data: Any) -> _StoveFile:
    """The file as this version expects it; parts that are not dicts are dropped."""
    raw = data if isinstance(data, Mapping) else {}
    burners = raw.get("burners")
    kitchen = raw.get("kitchen")
    return {
        "burners": {
            str(burner_id): cast(_BurnerFile, record)
            for burner_id, record in (burners.items() if isinstance(burners, Mapping) else ())
            if isinstance(record, dict)
        },
        "kitchen": kitchen if isinstance(kitchen, dict) else {},
    }


class _StoveStore(Store[_StoveFile]):
    """Home Assistant's Store, with our migration and a record of failed writes."""

    def __init__(self, hass: HomeAssistant, key: str, on_write: Callable[[bool], None]) -> None:
        # Atomic writes go through fsync: without it a power cut within the
        # file system's commit interval can bring back the old file, or an
        # empty one, and a child lock set seconds before would be gone.
        super().__init__(hass, STORAGE_VERSION, key, atomic_writes=True)
        self._on_write = on_write

    @override
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Any
    ) -> _StoveFile:
        if old_major_version == 1 and isinstance(old_data, Mapping):
            return _migrate_v1(old_data)
        return _well_formed(old_data)

    @override
    async def _async_write_data(self, *args: Any) -> None:
        # Home Assistant logs a failed write and carries on; a stove whose
        # holds cannot be saved must say so where a person looks. (Home
        # Assistant 2026 dropped the path argument: passed on as given.)
        try:
            await super()._async_write_data(*args)
        except Exception:
            self._on_write(False)
            raise
        self._on_write(True)


class BurnerMemory:
    """One stove's saved state, written through on every change."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Nothing is read until `async_load`."""
        self._store = _StoveStore(hass, f"{DOMAIN}.{entry_id}", self._written)
        self._data: _StoveFile = {"burners": {}, "kitchen": {}}
        self.write_failed = False
        self._listeners: list[Callable[[], None]] = []

    async def async_load(self) -> None:
        """Read the stored state once at setup."""
        self._data = _well_formed(await self._store.async_load())

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when writing starts or stops failing."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _written(self, ok: bool) -> None:
        if self.write_failed is not ok:
            return
        self.write_failed = not ok
        if ok:
            _LOGGER.warning("Saving the stove's safety state works again")
        else:
            _LOGGER.error(
                "The stove's safety state could not be saved: holds and timers set now "
                "would not survive a restart"
            )
        for listener in list(self._listeners):
            listener()

    # --- reading ---------------------------------------------------------

    def _burner(self, burner_id: str) -> _BurnerFile:
        return self._data["burners"].get(burner_id, {})

    def get(self, burner_id: str) -> SavedBurner:
        """A burner's safety state (defaults when none is saved)."""
        return SavedBurner.from_dict(self._burner(burner_id).get("safety") or {})

    def timer(self, burner_id: str) -> SavedTimer:
        """A burner's timer and burning session."""
        return SavedTimer.from_dict(self._burner(burner_id).get("timer") or {})

    def verification(self, burner_id: str) -> SavedVerification | None:
        """The verification under way for a burner, if any."""
        return SavedVerification.from_dict(self._burner(burner_id).get("verification"))

    def commissioning(self, burner_id: str) -> SavedCommissioning:
        """A burner's last commissioning test."""
        return SavedCommissioning.from_dict(self._burner(burner_id).get("commissioning") or {})

    def gas(self, burner_id: str) -> SavedGas:
        """The gas a burner has burnt."""
        return SavedGas.from_dict(self._burner(burner_id).get("gas") or {})

    def kitchen(self) -> SavedKitchen:
        """The kitchen guards' state."""
        return SavedKitchen.from_dict(self._data["kitchen"])

    # --- writing (now, not delayed) ---------------------------------------

    async def async_put(self, burner_id: str, saved: SavedBurner) -> None:
        """Replace a burner's safety state."""
        self._data["burners"].setdefault(burner_id, {})["safety"] = saved.as_dict()
        await self._async_write()

    async def async_put_timer(self, burner_id: str, saved: SavedTimer) -> None:
        """Replace a burner's timer state."""
        self._data["burners"].setdefault(burner_id, {})["timer"] = saved.as_dict()
        await self._async_write()

    async def async_put_verification(self, burner_id: str, saved: SavedVerification | None) -> None:
        """Replace (or clear) a burner's verification."""
        record = self._data["burners"].setdefault(burner_id, {})
        record["verification"] = saved.as_dict() if saved else None
        await self._async_write()

    async def async_put_commissioning(self, burner_id: str, saved: SavedCommissioning) -> None:
        """Replace a burner's commissioning result."""
        self._data["burners"].setdefault(burner_id, {})["commissioning"] = saved.as_dict()
        await self._async_write()

    async def async_put_gas(self, burner_id: str, saved: SavedGas) -> None:
        """Replace a burner's gas count."""
        self._data["burners"].setdefault(burner_id, {})["gas"] = saved.as_dict()
        await self._async_write()

    async def async_put_kitchen(self, saved: SavedKitchen) -> None:
        """Replace the kitchen guards' state."""
        self._data["kitchen"] = saved.as_dict()
        await self._async_write()

    async def _async_write(self) -> None:
        await self._store.async_save(self._data)

    async def async_remove(self) -> None:
        """Forget everything (the config entry is being removed)."""
        await self._store.async_remove()
