"""Emulated miIO relay, gas stove with flame-failure device, and flame sensor.

Runs on the caller's asyncio loop and binds loopback addresses only, so the
integration's tests can drive real python-miio against it.
"""

from .burner import BurnerEvent, BurnerParams, EmulatedBurner, Wiring
from .demo import BurnerSpec, Demo, DemoConfig, parse_burners, run_demo
from .device import MiioDevice, MiioError
from .faults import Faults
from .flame_sensor import EmulatedFlameSensor, burner_siid
from .miot import (
    CODE_BAD_VALUE,
    CODE_NOT_FOUND,
    CODE_NOT_WRITABLE,
    CODE_OK,
    MiotProperties,
    MiotProperty,
)
from .net import MIIO_PORT, require_loopback
from .relay import EmulatedRelay, RelayProtocol, channel_siid
from .stats import AppliedCommand, Stats
from .stove import StoveModel

__all__ = [
    "CODE_BAD_VALUE",
    "CODE_NOT_FOUND",
    "CODE_NOT_WRITABLE",
    "CODE_OK",
    "MIIO_PORT",
    "AppliedCommand",
    "BurnerEvent",
    "BurnerParams",
    "BurnerSpec",
    "Demo",
    "DemoConfig",
    "EmulatedBurner",
    "EmulatedFlameSensor",
    "EmulatedRelay",
    "Faults",
    "MiioDevice",
    "MiioError",
    "MiotProperties",
    "MiotProperty",
    "RelayProtocol",
    "Stats",
    "StoveModel",
    "Wiring",
    "burner_siid",
    "channel_siid",
    "parse_burners",
    "require_loopback",
    "run_demo",
]
