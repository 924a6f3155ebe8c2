"""Constants of the Gas Stove integration."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DOMAIN: Final = "gas_stove"
# Where the flow texts link to (the hardware guide, getting the token): the
# repository's files as GitHub shows them. A placeholder, since translations
# carry no URLs.
DOCS_URL: Final = "https://github.com/gas-stove-ha/gas_stove/blob/main"

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
# Default names in the language of Home Assistant: with the names a person
# accepts, voice commands must work (关闭左灶 needs a burner named 左灶).
DEFAULT_STOVE_NAMES: Final = {"en": "Gas stove", "zh": "燃气灶"}
DEFAULT_BURNER_NAMES: Final = {"en": ("Left burner", "Right burner"), "zh": ("左灶", "右灶")}
DEFAULT_NTH_BURNER_NAMES: Final = {"en": "Burner {number}", "zh": "灶眼 {number}"}


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
    DRY_POT = "dry_pot"


CONF_FLAME_SOURCE: Final = "flame_source"
CONF_FLAME_KIND: Final = "flame_kind"
CONF_FLAME_ENTITY: Final = "flame_entity"
CONF_FLAME_HOST: Final = "flame_host"
CONF_FLAME_TOKEN: Final = "flame_token"
CONF_FLAME_SIID: Final = "flame_siid"
CONF_FLAME_PIID: Final = "flame_piid"
CONF_ON_MV: Final = "on_mv"
CONF_OFF_MV: Final = "off_mv"
CONF_ON_TEMP: Final = "on_temp"
CONF_OFF_TEMP: Final = "off_temp"
CONF_RISE_RATE: Final = "rise_rate"
CONF_DEBOUNCE: Final = "debounce"
CONF_VERIFY_WINDOW: Final = "verify_window"

DEFAULT_ON_MV: Final = 6.0
DEFAULT_OFF_MV: Final = 3.0
# A probe a few centimetres from the burner ring; measure yours (hardware/).
DEFAULT_ON_TEMP: Final = 80.0
DEFAULT_OFF_TEMP: Final = 50.0
DEFAULT_RISE_RATE: Final = 10.0  # °C per minute
DEFAULT_DEBOUNCE: Final = 2.0
# An on/off flame sensor (UV, ionisation) follows the flame within seconds.
DEFAULT_VERIFY_WINDOW: Final = 15.0
# A thermocouple tap reads "out" only once the tip has cooled, as slowly as
# the valve closes after a blow-out: measured by `scripts/measure-verify-window`.
DEFAULT_VERIFY_WINDOW_MILLIVOLTS: Final = 50.0
# A temperature probe needs minutes to cool.
DEFAULT_VERIFY_WINDOW_TEMPERATURE: Final = 180.0


class FlameSourceType(StrEnum):
    """Where a burner's flame state comes from."""

    NONE = "none"
    ENTITY = "entity"
    MIOT = "miot"


class FlameKind(StrEnum):
    """What a flame reading means."""

    BINARY = "binary"
    MILLIVOLTS = "millivolts"
    TEMPERATURE = "temperature"


class Problem(StrEnum):
    """Why a burner needs a person's attention, most urgent first."""

    SHUTOFF_UNCONFIRMED = "shutoff_unconfirmed"
    RELAY_UNREACHABLE_WHILE_LIT = "relay_unreachable_while_lit"
    FLAME_WHILE_LOCKED = "flame_while_locked"
    HOLD_NOT_KEPT = "hold_not_kept"
    STATE_NOT_SAVED = "state_not_saved"
    FLAME_SOURCE_UNAVAILABLE = "flame_source_unavailable"


class StoveEvent(StrEnum):
    """Event types of a burner's event entity."""

    FLAME_ON = "flame_on"
    FLAME_OFF = "flame_off"
    SHUT_OFF = "shut_off"
    SHUTOFF_FAILED = "shutoff_failed"
    TIMER_WARNING = "timer_warning"
    TIMER_EXPIRED = "timer_expired"
    UNATTENDED_WARNING = "unattended_warning"
    DRY_POT_WARNING = "dry_pot_warning"
    DRY_POT_SILENCED = "dry_pot_silenced"


CONF_DEFAULT_TIMER: Final = "default_timer"
CONF_MAX_RUNTIME: Final = "max_runtime"
CONF_TIMER_WARNING: Final = "timer_warning"
# How long a switch-entity relay gets to show a write (a cloud reports late).
CONF_CONFIRM_WINDOW: Final = "confirm_window"
# Gas use: the burner's rated heat input; the stove's gas, heating value and
# calibration factor (kitchen options).
CONF_RATED_KW: Final = "rated_kw"
CONF_GAS_TYPE: Final = "gas_type"
CONF_HEATING_VALUE: Final = "heating_value"
CONF_GAS_FACTOR: Final = "gas_factor"
# Dry-pot guard of a burner.
CONF_DRY_POT_ENTITY: Final = "dry_pot_entity"
CONF_DRY_POT_THRESHOLD: Final = "dry_pot_threshold"
CONF_DRY_POT_RATE: Final = "dry_pot_rate"
CONF_DRY_POT_GRACE: Final = "dry_pot_grace"
# The Mi device id (did) of a burner's relay: its identity, whatever its address.
CONF_DEVICE_ID: Final = "device_id"
DEFAULT_CONFIRM_WINDOW: Final = 6.0
CONF_COUNTDOWN_SIID: Final = "countdown_siid"
CONF_COUNTDOWN_PIID: Final = "countdown_piid"

MAX_TIMER_MINUTES: Final = 480
DEFAULT_MAX_RUNTIME: Final = 120  # minutes of continuous flame; 0 = off
DEFAULT_TIMER_WARNING: Final = 60  # seconds before the deadline

CONF_KITCHEN: Final = "kitchen"
CONF_HOOD_ENTITY: Final = "hood_entity"
CONF_HOOD_PERCENTAGE: Final = "hood_percentage"
CONF_HOOD_PRESET: Final = "hood_preset"
CONF_HOOD_DELAY: Final = "hood_delay"
CONF_HOOD_RUN_ON: Final = "hood_run_on"
CONF_EMERGENCY_SENSORS: Final = "emergency_sensors"
CONF_EMERGENCY_HOOD: Final = "emergency_hood"
CONF_EMERGENCY_HOOD_GAS: Final = "emergency_hood_gas"
CONF_PRESENCE_ENTITIES: Final = "presence_entities"
CONF_ABSENCE_MINUTES: Final = "absence_minutes"
CONF_GRACE_MINUTES: Final = "grace_minutes"
