"""MIoT property table: get_properties / set_properties with per-item codes.

A MIoT reply never fails as a whole because one property failed: each item
carries its own ``code``. python-miio does not raise on a non-zero item code,
which is exactly the behaviour a client must be tested against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from .device import ERROR_INVALID_PARAMS, MiioDevice, MiioError

CODE_OK = 0
CODE_NOT_READABLE = -4001
CODE_NOT_WRITABLE = -4002
# Real firmware answers -4004 ("other internal error") for an unknown siid/piid.
CODE_NOT_FOUND = -4004
CODE_BAD_VALUE = -4005

Getter = Callable[[], Any]
Setter = Callable[[Any], None]


class MiotValueError(ValueError):
    """A setter refuses the value (wrong type or range): item code -4005."""


def is_bool(value: Any) -> TypeGuard[bool]:
    """JSON true/false only: 0/1 are refused, like strict firmware."""
    return isinstance(value, bool)


def is_int(value: Any) -> TypeGuard[int]:
    """JSON integer (Python bool is an int subclass, so exclude it)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class MiotProperty:
    """One (siid, piid) with its accessors; no setter means read-only."""

    siid: int
    piid: int
    name: str
    getter: Getter
    setter: Setter | None = None
    accepts: Callable[[Any], bool] = lambda _value: True

    def describe(self) -> dict[str, Any]:
        """JSON-able description (for banners and the web page)."""
        access = "read/write" if self.setter is not None else "read"
        return {"siid": self.siid, "piid": self.piid, "name": self.name, "access": access}


class MiotProperties:
    """The properties of one device, keyed by (siid, piid)."""

    def __init__(self) -> None:
        self._props: dict[tuple[int, int], MiotProperty] = {}

    def add(self, prop: MiotProperty) -> None:
        """Register a property; (siid, piid) must be unique."""
        key = (prop.siid, prop.piid)
        if key in self._props:
            raise ValueError(f"siid {prop.siid} piid {prop.piid} already defined")
        self._props[key] = prop

    def add_device_information(self, device: MiioDevice) -> None:
        """Service 1 of every MIoT device: manufacturer, model, serial, firmware."""
        for piid, name, getter in (
            (1, "manufacturer", lambda: "emulator"),
            (2, "model", lambda: device.model),
            (3, "serial-number", lambda: str(device.did)),
            (4, "firmware-revision", lambda: device.fw_ver),
        ):
            self.add(MiotProperty(1, piid, name, getter))

    def describe(self) -> list[dict[str, Any]]:
        """All properties, sorted by siid/piid."""
        return [self._props[key].describe() for key in sorted(self._props)]

    def get_properties(self, params: Any) -> list[dict[str, Any]]:
        """Handler for ``get_properties``."""
        return [self._get_one(item) for item in _items(params)]

    def set_properties(self, params: Any) -> list[dict[str, Any]]:
        """Handler for ``set_properties``; items are applied in order."""
        return [self._set_one(item) for item in _items(params)]

    def _lookup(self, item: Any) -> tuple[dict[str, Any], MiotProperty | None]:
        if not isinstance(item, dict):
            return {"code": CODE_NOT_FOUND}, None
        siid, piid = item.get("siid"), item.get("piid")
        # Firmware echoes the caller's "did" (python-miio puts a label there).
        echo = {"did": item.get("did"), "siid": siid, "piid": piid}
        if not is_int(siid) or not is_int(piid):
            return echo, None
        return echo, self._props.get((siid, piid))

    def _get_one(self, item: Any) -> dict[str, Any]:
        echo, prop = self._lookup(item)
        if prop is None:
            return {**echo, "code": CODE_NOT_FOUND}
        return {**echo, "code": CODE_OK, "value": prop.getter()}

    def _set_one(self, item: Any) -> dict[str, Any]:
        echo, prop = self._lookup(item)
        if prop is None:
            return {**echo, "code": CODE_NOT_FOUND}
        if prop.setter is None:
            return {**echo, "code": CODE_NOT_WRITABLE}
        value = item.get("value")
        if "value" not in item or not prop.accepts(value):
            return {**echo, "code": CODE_BAD_VALUE}
        try:
            prop.setter(value)
        except MiotValueError:
            return {**echo, "code": CODE_BAD_VALUE}
        return {**echo, "code": CODE_OK}


def _items(params: Any) -> list[Any]:
    if not isinstance(params, list):
        raise MiioError(ERROR_INVALID_PARAMS, "params must be a list")
    return params
