"""Constants of the Gas Stove integration."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DOMAIN: Final = "gas_stove"

CONF_BURNERS: Final = "burners"
CONF_BURNER_ID: Final = "burner_id"
CONF_BACKEND: Final = "backend"
CONF_PROTOCOL: Final = "protocol"
CONF_SIID: Final = "siid"
CONF_PIID: Final = "piid"
CONF_MODEL: Final = "model"
CONF_WIRING: Final = "wiring"
CONF_PULSE: Final = "pulse"
CONF_RELAY: Final = "relay"

DEFAULT_SIID: Final = 2
DEFAULT_PIID: Final = 1
DEFAULT_PULSE: Final = 2.0
MIN_PULSE: Final = 0.5
MAX_PULSE: Final = 10.0
MAX_BURNERS: Final = 6
DEFAULT_BURNER_NAMES: Final = ("Left burner", "Right burner")


class RelayBackend(StrEnum):
    """How a burner's relay is reached."""

    MIIO = "miio"
    ENTITY = "entity"


class MiioProtocol(StrEnum):
    """Which miIO dialect a relay speaks."""

    MIOT = "miot"
    LEGACY = "legacy"


class BurnerWiring(StrEnum):
    """Where the relay contact sits in the thermocouple loop."""

    # Relay de-energised = NC contact closed = cooking allowed; a dead relay
    # leaves the stove working normally.
    SERIES_NC = "series_nc"
    # Relay energised = NO contact closed = cooking allowed; a dead relay
    # means the stove cannot stay lit (fail-closed).
    SERIES_NO = "series_no"


class ShutOffReason(StrEnum):
    """Why a burner was shut off."""

    MANUAL = "manual"
    BUTTON = "button"
    SERVICE = "service"
    VOICE = "voice"
    TIMER = "timer"
    MAX_RUNTIME = "max_runtime"
    UNATTENDED = "unattended"
    EMERGENCY = "emergency"
    EXTERNAL = "external"
