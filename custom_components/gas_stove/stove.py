"""Assembling a stove from its config entry: relays, flame sources, burners."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ENTITY_ID, CONF_HOST, CONF_NAME, CONF_TOKEN
from homeassistant.core import HomeAssistant

from .burner import Burner, BurnerSettings
from .commissioning import CommissioningTest
from .const import (
    CONF_ABSENCE_MINUTES,
    CONF_BACKEND,
    CONF_BURNER_ID,
    CONF_BURNERS,
    CONF_CONFIRM_WINDOW,
    CONF_COUNTDOWN_PIID,
    CONF_COUNTDOWN_SIID,
    CONF_DEBOUNCE,
    CONF_DEFAULT_TIMER,
    CONF_DEVICE_ID,
    CONF_DRY_POT_ENTITY,
    CONF_DRY_POT_GRACE,
    CONF_DRY_POT_RATE,
    CONF_DRY_POT_THRESHOLD,
    CONF_EMERGENCY_HOOD,
    CONF_EMERGENCY_HOOD_GAS,
    CONF_EMERGENCY_SENSORS,
    CONF_FLAME_ENTITY,
    CONF_FLAME_HOST,
    CONF_FLAME_KIND,
    CONF_FLAME_PIID,
    CONF_FLAME_SIID,
    CONF_FLAME_SOURCE,
    CONF_FLAME_TOKEN,
    CONF_GAS_FACTOR,
    CONF_GAS_TYPE,
    CONF_GRACE_MINUTES,
    CONF_HEATING_VALUE,
    CONF_HOOD_DELAY,
    CONF_HOOD_ENTITY,
    CONF_HOOD_PERCENTAGE,
    CONF_HOOD_PRESET,
    CONF_HOOD_RUN_ON,
    CONF_KITCHEN,
    CONF_MAX_RUNTIME,
    CONF_MODEL,
    CONF_OFF_MV,
    CONF_OFF_TEMP,
    CONF_ON_MV,
    CONF_ON_TEMP,
    CONF_PIID,
    CONF_PRESENCE_ENTITIES,
    CONF_PROTOCOL,
    CONF_PULSE,
    CONF_RATED_KW,
    CONF_RISE_RATE,
    CONF_SIID,
    CONF_TIMER_WARNING,
    CONF_VERIFY_WINDOW,
    CONF_WIRING,
    DEFAULT_CONFIRM_WINDOW,
    DEFAULT_DEBOUNCE,
    DEFAULT_MAX_RUNTIME,
    DEFAULT_OFF_MV,
    DEFAULT_OFF_TEMP,
    DEFAULT_ON_MV,
    DEFAULT_ON_TEMP,
    DEFAULT_PIID,
    DEFAULT_PULSE,
    DEFAULT_RISE_RATE,
    DEFAULT_SIID,
    DEFAULT_TIMER_WARNING,
    DEFAULT_VERIFY_WINDOW,
    DEFAULT_VERIFY_WINDOW_MILLIVOLTS,
    DEFAULT_VERIFY_WINDOW_TEMPERATURE,
    BurnerWiring,
    FlameKind,
    FlameSourceType,
    MiioProtocol,
    RelayBackend,
)
from .coordinator import MiioRelayChannel, MiioRelayCoordinator, MiotFlameCoordinator
from .drypot import DryPotGuard, DryPotSettings
from .flame import EntityFlameSource, FlameDetector, FlameThresholds
from .gas_use import DEFAULT_HEATING_VALUE, DEFAULT_RATED_KW, GasMeter, GasSettings, GasType
from .kitchen import KitchenGuards, KitchenSettings
from .memory import BurnerMemory
from .relay import (
    EntityRelayChannel,
    MiioChannelAddress,
    MiioRelay,
    RelayChannel,
    miio_pool,
)
from .timer import BurnerTimer, CountdownBackstop, TimerSettings
from .watch import BurnerWatch


@dataclass
class GasStoveData:
    """Everything a loaded stove entry owns."""

    name: str
    memory: BurnerMemory
    # The stove's device: the burners' devices are parts of it.
    device_id: str = ""
    burners: dict[str, Burner] = field(default_factory=dict)
    watches: dict[str, BurnerWatch] = field(default_factory=dict)
    timers: dict[str, BurnerTimer] = field(default_factory=dict)
    commissioning: dict[str, CommissioningTest] = field(default_factory=dict)
    kitchen: KitchenGuards | None = None
    gas_meters: dict[str, GasMeter] = field(default_factory=dict)
    dry_pot: dict[str, DryPotGuard] = field(default_factory=dict)
    connections: dict[str, MiioRelay] = field(default_factory=dict)
    coordinators: dict[str, MiioRelayCoordinator] = field(default_factory=dict)
    flame_coordinators: dict[str, MiotFlameCoordinator] = field(default_factory=dict)
    entity_channels: list[EntityRelayChannel] = field(default_factory=list)
    flame_sources: list[EntityFlameSource] = field(default_factory=list)
    # Unique ids of the entities created this time (stale ones are removed).
    unique_ids: set[str] = field(default_factory=set)


type GasStoveConfigEntry = ConfigEntry[GasStoveData]


def burner_config(entry: ConfigEntry, burner_id: str) -> dict[str, Any]:
    """Return a burner's connection data with its options laid over it."""
    raw = next(b for b in entry.data[CONF_BURNERS] if b[CONF_BURNER_ID] == burner_id)
    options: dict[str, Any] = entry.options.get(CONF_BURNERS, {}).get(burner_id, {})
    return {**raw, **options}


def burner_settings(entry: ConfigEntry, burner: dict[str, Any]) -> BurnerSettings:
    """Name, wiring and pulse of a burner: options first, then entry data."""
    burner_id: str = burner[CONF_BURNER_ID]
    merged = burner_config(entry, burner_id)
    return BurnerSettings(
        burner_id=burner_id,
        name=str(merged.get(CONF_NAME, burner_id)),
        wiring=BurnerWiring(merged.get(CONF_WIRING, BurnerWiring.SERIES_NC)),
        pulse=float(merged.get(CONF_PULSE, DEFAULT_PULSE)),
    )


def flame_thresholds(config: dict[str, Any]) -> FlameThresholds:
    """Classification settings of a burner's flame source."""
    return FlameThresholds(
        kind=FlameKind(config.get(CONF_FLAME_KIND, FlameKind.BINARY)),
        on_mv=float(config.get(CONF_ON_MV, DEFAULT_ON_MV)),
        off_mv=float(config.get(CONF_OFF_MV, DEFAULT_OFF_MV)),
        on_temp=float(config.get(CONF_ON_TEMP, DEFAULT_ON_TEMP)),
        off_temp=float(config.get(CONF_OFF_TEMP, DEFAULT_OFF_TEMP)),
        rise_rate=float(config.get(CONF_RISE_RATE, DEFAULT_RISE_RATE)),
        debounce=float(config.get(CONF_DEBOUNCE, DEFAULT_DEBOUNCE)),
    )


def verify_window(config: dict[str, Any]) -> float:
    """Seconds a shut-off may take to put the flame out."""
    defaults: dict[str, float] = {
        FlameKind.TEMPERATURE: DEFAULT_VERIFY_WINDOW_TEMPERATURE,
        FlameKind.MILLIVOLTS: DEFAULT_VERIFY_WINDOW_MILLIVOLTS,
    }
    default = defaults.get(str(config.get(CONF_FLAME_KIND)), DEFAULT_VERIFY_WINDOW)
    return float(config.get(CONF_VERIFY_WINDOW, default))


def channel_key(burner: dict[str, Any]) -> str:
    """Identity of the physical relay channel a burner config points at."""
    if burner[CONF_BACKEND] == RelayBackend.ENTITY:
        return f"entity:{burner[CONF_ENTITY_ID]}"
    # The device id once known (a relay's identity under any address or host
    # name); before that, the address it was set up with.
    device = f"did:{burner[CONF_DEVICE_ID]}" if CONF_DEVICE_ID in burner else burner[CONF_HOST]
    if burner.get(CONF_PROTOCOL) == MiioProtocol.LEGACY:
        return f"miio:{device}:legacy"
    siid = burner.get(CONF_SIID, DEFAULT_SIID)
    piid = burner.get(CONF_PIID, DEFAULT_PIID)
    return f"miio:{device}:{siid}:{piid}"


def _connection(
    hass: HomeAssistant,
    stove: GasStoveData,
    host: str,
    token: str,
    *,
    model: str | None = None,
    protocol: MiioProtocol = MiioProtocol.MIOT,
) -> MiioRelay:
    """One connection per Mi device host, shared by relay and flame polls."""
    connection = stove.connections.get(host)
    if connection is None:
        connection = miio_pool(hass).acquire(host, token, model=model, protocol=protocol)
        stove.connections[host] = connection
    return connection


def release_connections(hass: HomeAssistant, stove: GasStoveData) -> None:
    """Give the stove's connections back to the pool (unload)."""
    pool = miio_pool(hass)
    for host in stove.connections:
        pool.release(host)
    stove.connections.clear()


def _relay_channel(
    hass: HomeAssistant, entry: ConfigEntry, stove: GasStoveData, raw: dict[str, Any]
) -> RelayChannel:
    if raw[CONF_BACKEND] == RelayBackend.ENTITY:
        window = burner_config(entry, raw[CONF_BURNER_ID]).get(
            CONF_CONFIRM_WINDOW, DEFAULT_CONFIRM_WINDOW
        )
        entity_channel = EntityRelayChannel(hass, raw[CONF_ENTITY_ID], float(window))
        stove.entity_channels.append(entity_channel)
        return entity_channel
    host: str = raw[CONF_HOST]
    coordinator = stove.coordinators.get(host)
    if coordinator is None:
        connection = _connection(
            hass,
            stove,
            host,
            raw[CONF_TOKEN],
            model=raw.get(CONF_MODEL),
            protocol=MiioProtocol(raw.get(CONF_PROTOCOL, MiioProtocol.MIOT)),
        )
        coordinator = MiioRelayCoordinator(hass, entry, connection)
        stove.coordinators[host] = coordinator
    return MiioRelayChannel(
        coordinator,
        MiioChannelAddress(
            int(raw.get(CONF_SIID, DEFAULT_SIID)), int(raw.get(CONF_PIID, DEFAULT_PIID))
        ),
    )


def _flame(
    hass: HomeAssistant,
    entry: ConfigEntry,
    stove: GasStoveData,
    config: dict[str, Any],
) -> tuple[FlameDetector | None, MiotFlameCoordinator | None]:
    source = FlameSourceType(config.get(CONF_FLAME_SOURCE, FlameSourceType.NONE))
    if source is FlameSourceType.NONE:
        return None, None
    if source is FlameSourceType.ENTITY:
        detector = FlameDetector(hass, flame_thresholds(config), push=True)
        stove.flame_sources.append(EntityFlameSource(hass, config[CONF_FLAME_ENTITY], detector))
        return detector, None
    host: str = config[CONF_FLAME_HOST]
    coordinator = stove.flame_coordinators.get(host)
    if coordinator is None:
        coordinator = MiotFlameCoordinator(
            hass, entry, _connection(hass, stove, host, config[CONF_FLAME_TOKEN])
        )
        stove.flame_coordinators[host] = coordinator
    detector = FlameDetector(hass, flame_thresholds(config), read=coordinator.async_refresh)
    address = MiioChannelAddress(int(config[CONF_FLAME_SIID]), int(config[CONF_FLAME_PIID]))
    coordinator.add_detector(address, detector)
    return detector, coordinator


def build_stove(hass: HomeAssistant, entry: ConfigEntry) -> GasStoveData:
    """Create (but do not start) the objects behind a stove entry."""
    stove = GasStoveData(name=entry.data[CONF_NAME], memory=BurnerMemory(hass, entry.entry_id))
    for raw in entry.data[CONF_BURNERS]:
        settings = burner_settings(entry, raw)
        config = burner_config(entry, settings.burner_id)
        burner = Burner(hass, settings, _relay_channel(hass, entry, stove, raw), stove.memory)
        detector, flame_coordinator = _flame(hass, entry, stove, config)
        hook = None
        if flame_coordinator is not None:
            key = settings.burner_id
            coordinator = flame_coordinator

            def hook(watching: bool, key: str = key, c: MiotFlameCoordinator = coordinator) -> None:
                c.async_watch(key, watching)

        stove.burners[settings.burner_id] = burner
        watch = BurnerWatch(
            hass, entry.entry_id, burner, detector, verify_window(config), stove.memory, hook
        )
        stove.watches[settings.burner_id] = watch
        stove.commissioning[settings.burner_id] = CommissioningTest(
            hass,
            entry.entry_id,
            burner,
            watch,
            stove.memory,
            burners_on_stove=len(entry.data[CONF_BURNERS]),
        )
        if detector is not None:
            stove.gas_meters[settings.burner_id] = GasMeter(
                hass,
                settings.burner_id,
                detector,
                stove.memory,
                float(config.get(CONF_RATED_KW, DEFAULT_RATED_KW)),
                gas_settings(entry),
            )
        if (dry_pot := dry_pot_settings(config)).temperature_entity is not None:
            stove.dry_pot[settings.burner_id] = DryPotGuard(
                hass, entry.entry_id, burner, watch, dry_pot
            )
        stove.timers[settings.burner_id] = BurnerTimer(
            hass,
            burner,
            watch,
            stove.memory,
            timer_settings(config),
            _backstop(stove, raw, config, settings),
        )
    stove.kitchen = KitchenGuards(
        hass,
        entry.entry_id,
        stove.name,
        stove.burners,
        stove.watches,
        stove.memory,
        kitchen_settings(entry),
    )
    return stove


def gas_settings(entry: ConfigEntry) -> GasSettings:
    """The stove's gas (kitchen options), for the gas use estimate."""
    raw: dict[str, Any] = entry.options.get(CONF_KITCHEN, {})
    gas_type = GasType(raw.get(CONF_GAS_TYPE, GasType.NATURAL_GAS))
    return GasSettings(
        gas_type=gas_type,
        heating_value=float(raw.get(CONF_HEATING_VALUE) or DEFAULT_HEATING_VALUE[gas_type]),
        factor=float(raw.get(CONF_GAS_FACTOR, 1.0)),
    )


def dry_pot_settings(config: dict[str, Any]) -> DryPotSettings:
    """A burner's dry-pot guard; no temperature entity, no guard."""
    defaults = DryPotSettings()
    return DryPotSettings(
        temperature_entity=config.get(CONF_DRY_POT_ENTITY) or None,
        threshold=float(config.get(CONF_DRY_POT_THRESHOLD, defaults.threshold)),
        rate=float(config.get(CONF_DRY_POT_RATE, defaults.rate)),
        grace=float(config.get(CONF_DRY_POT_GRACE, defaults.grace)),
    )


def kitchen_settings(entry: ConfigEntry) -> KitchenSettings:
    """Stove-level options: hood, emergency sensors, presence."""
    raw: dict[str, Any] = entry.options.get(CONF_KITCHEN, {})
    return KitchenSettings(
        hood_entity=raw.get(CONF_HOOD_ENTITY) or None,
        hood_percentage=int(raw.get(CONF_HOOD_PERCENTAGE, 0)),
        hood_preset=raw.get(CONF_HOOD_PRESET) or None,
        hood_delay=float(raw.get(CONF_HOOD_DELAY, 0)),
        hood_run_on_minutes=float(raw.get(CONF_HOOD_RUN_ON, 3)),
        emergency_sensors=tuple(raw.get(CONF_EMERGENCY_SENSORS, ())),
        emergency_hood=bool(raw.get(CONF_EMERGENCY_HOOD, True)),
        emergency_hood_gas=bool(raw.get(CONF_EMERGENCY_HOOD_GAS, False)),
        presence_entities=tuple(raw.get(CONF_PRESENCE_ENTITIES, ())),
        absence_minutes=float(raw.get(CONF_ABSENCE_MINUTES, 10)),
        grace_minutes=float(raw.get(CONF_GRACE_MINUTES, 5)),
    )


def timer_settings(config: dict[str, Any]) -> TimerSettings:
    """Default timer, maximum burn time and warning lead of a burner."""
    return TimerSettings(
        default_minutes=int(config.get(CONF_DEFAULT_TIMER, 0)),
        max_runtime_minutes=int(config.get(CONF_MAX_RUNTIME, DEFAULT_MAX_RUNTIME)),
        warning_seconds=int(config.get(CONF_TIMER_WARNING, DEFAULT_TIMER_WARNING)),
        verify_window=verify_window(config),
    )


def _backstop(
    stove: GasStoveData,
    raw: dict[str, Any],
    config: dict[str, Any],
    settings: BurnerSettings,
) -> CountdownBackstop | None:
    """An on-device countdown, where the wiring makes "off" the cut."""
    siid = int(config.get(CONF_COUNTDOWN_SIID) or 0)
    piid = int(config.get(CONF_COUNTDOWN_PIID) or 0)
    if (
        not siid
        or not piid
        or settings.wiring is not BurnerWiring.SERIES_NO
        or raw[CONF_BACKEND] != RelayBackend.MIIO
        or raw.get(CONF_PROTOCOL, MiioProtocol.MIOT) != MiioProtocol.MIOT
    ):
        return None
    return CountdownBackstop(stove.connections[raw[CONF_HOST]], MiioChannelAddress(siid, piid))
