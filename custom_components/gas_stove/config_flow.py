"""Config, options, reconfigure and reauth flows for a gas stove."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
import uuid

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import (
    ATTR_ASSUMED_STATE,
    CONF_ENTITY_ID,
    CONF_HOST,
    CONF_NAME,
    CONF_TOKEN,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo

from .compat import vol
from .const import (
    CONF_ABSENCE_MINUTES,
    CONF_BACKEND,
    CONF_BURNER_ID,
    CONF_BURNERS,
    CONF_CONFIRM_WINDOW,
    CONF_COUNTDOWN_PIID,
    CONF_COUNTDOWN_SIID,
    CONF_DEFAULT_TIMER,
    CONF_DEVICE_ID,
    CONF_DRY_POT_ENTITY,
    CONF_DRY_POT_GRACE,
    CONF_DRY_POT_RATE,
    CONF_DRY_POT_THRESHOLD,
    CONF_EMERGENCY_HOOD,
    CONF_EMERGENCY_HOOD_GAS,
    CONF_EMERGENCY_SENSORS,
    CONF_FLAME_KIND,
    CONF_FLAME_SOURCE,
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
    CONF_PIID,
    CONF_PRESENCE_ENTITIES,
    CONF_PROTOCOL,
    CONF_PULSE,
    CONF_RATED_KW,
    CONF_RELAY,
    CONF_SIID,
    CONF_TIMER_WARNING,
    CONF_WIRING,
    DEFAULT_BURNER_NAMES,
    DEFAULT_CONFIRM_WINDOW,
    DEFAULT_MAX_RUNTIME,
    DEFAULT_NTH_BURNER_NAMES,
    DEFAULT_PIID,
    DEFAULT_PULSE,
    DEFAULT_SIID,
    DEFAULT_STOVE_NAMES,
    DEFAULT_TIMER_WARNING,
    DOCS_URL,
    DOMAIN,
    MAX_BURNERS,
    MAX_PULSE,
    MAX_TIMER_MINUTES,
    MIN_PULSE,
    BurnerWiring,
    FlameSourceType,
    MiioProtocol,
    RelayBackend,
)
from .flow_flame import FLAME_KEYS, TUNING_KEYS, FlameSteps, tuning_error, tuning_schema
from .gas_use import DEFAULT_HEATING_VALUE, DEFAULT_RATED_KW, GasType
from .migration import MINOR_VERSION
from .models import KNOWN_RELAYS
from .relay import MiioChannelAddress, MiioRelay, RelayRejected, RelayUnreachable
from .stove import (
    burner_config,
    burner_settings,
    channel_key,
    dry_pot_settings,
    gas_settings,
    kitchen_settings,
    timer_settings,
)
from .validation import TOKEN_RE, FiniteNumber, miot_id, name_error, valid_host

PULSE_SELECTOR = FiniteNumber(
    NumberSelectorConfig(
        min=MIN_PULSE,
        max=MAX_PULSE,
        step=0.5,
        unit_of_measurement="s",
        mode=NumberSelectorMode.BOX,
    )
)
WIRING_SELECTOR = SelectSelector(
    SelectSelectorConfig(options=[w.value for w in BurnerWiring], translation_key=CONF_WIRING)
)
TOKEN_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


# Errors that belong to one field of the relay form, shown on it.
_ERROR_FIELD = {
    "invalid_host": CONF_HOST,
    "invalid_token": CONF_TOKEN,
    "wrong_token": CONF_TOKEN,
    "channel_not_found": CONF_SIID,
    "channel_in_use": CONF_SIID,
    "channel_duplicate": CONF_SIID,
    "channel_not_switch": CONF_PIID,
    "channel_not_in_model": CONF_SIID,
    "different_device": CONF_HOST,
}


@dataclass(frozen=True, slots=True)
class RelayIdentity:
    """What a relay says it is: its model (miIO.info) and device id (handshake)."""

    model: str | None = None
    device_id: str | None = None


@dataclass(frozen=True, slots=True)
class DiscoveredRelay:
    """A Mi relay found on the network (zeroconf), set up from the next form on."""

    host: str
    model: str
    device_id: str


def _box(maximum: float, step: float, unit: str) -> FiniteNumber:
    return FiniteNumber(
        NumberSelectorConfig(
            min=0, max=maximum, step=step, unit_of_measurement=unit, mode=NumberSelectorMode.BOX
        )
    )


# Built once, here: every range a form can show is then known to the
# translation test (FiniteNumber.ranges).
DEFAULT_TIMER_SELECTOR = _box(MAX_TIMER_MINUTES, 1, "min")
MAX_RUNTIME_SELECTOR = _box(24 * 60, 1, "min")
TIMER_WARNING_SELECTOR = _box(600, 5, "s")
HOOD_PERCENTAGE_SELECTOR = FiniteNumber(
    NumberSelectorConfig(min=0, max=100, step=1, unit_of_measurement="%")
)
HOOD_DELAY_SELECTOR = _box(300, 1, "s")
HOOD_RUN_ON_SELECTOR = _box(30, 0.5, "min")
ABSENCE_SELECTOR = _box(120, 1, "min")
GRACE_SELECTOR = _box(60, 1, "min")
RATED_KW_SELECTOR = FiniteNumber(
    NumberSelectorConfig(
        min=0.5, max=15, step=0.1, unit_of_measurement="kW", mode=NumberSelectorMode.BOX
    )
)
DRY_POT_THRESHOLD_SELECTOR = FiniteNumber(
    NumberSelectorConfig(
        min=60, max=400, step=1, unit_of_measurement="°C", mode=NumberSelectorMode.BOX
    )
)
DRY_POT_RATE_SELECTOR = FiniteNumber(
    NumberSelectorConfig(
        min=1, max=100, step=1, unit_of_measurement="°C/min", mode=NumberSelectorMode.BOX
    )
)
DRY_POT_GRACE_SELECTOR = _box(600, 5, "s")
HEATING_VALUE_SELECTOR = FiniteNumber(
    NumberSelectorConfig(
        min=1, max=200, step=0.1, unit_of_measurement="MJ", mode=NumberSelectorMode.BOX
    )
)
GAS_FACTOR_SELECTOR = FiniteNumber(
    NumberSelectorConfig(min=0.1, max=5, step=0.01, mode=NumberSelectorMode.BOX)
)
GAS_TYPE_SELECTOR = SelectSelector(
    SelectSelectorConfig(options=[g.value for g in GasType], translation_key=CONF_GAS_TYPE)
)
DRY_POT_ENTITY_SELECTOR = EntitySelector(
    EntitySelectorConfig(domain="sensor", device_class="temperature")
)
CONFIRM_WINDOW_SELECTOR = FiniteNumber(
    NumberSelectorConfig(
        min=2, max=60, step=0.5, unit_of_measurement="s", mode=NumberSelectorMode.BOX
    )
)
MIOT_ID_SELECTOR = miot_id()
OPTIONAL_MIOT_ID_SELECTOR = miot_id(0)


async def async_check_relay(
    hass: HomeAssistant,
    host: str,
    token: str,
    protocol: MiioProtocol,
    address: MiioChannelAddress | None,
) -> tuple[str | None, RelayIdentity]:
    """Connect before creating anything: (error key, what the relay is)."""
    if not valid_host(host):
        return "invalid_host", RelayIdentity()
    if not TOKEN_RE.match(token):
        return "invalid_token", RelayIdentity()
    relay = MiioRelay(hass, host, token, model=None, protocol=protocol)
    try:
        return await _ask_relay(relay, address)
    finally:
        # A probe: its socket goes with it.
        await relay.async_close()


async def _ask_relay(
    relay: MiioRelay, address: MiioChannelAddress | None
) -> tuple[str | None, RelayIdentity]:
    unknown = RelayIdentity()
    if not await relay.async_answers_hello():
        return "cannot_connect", unknown
    try:
        info = await relay.async_info()
    except RelayUnreachable:
        # It answers the unencrypted hello but no encrypted request: real
        # firmware stays silent when the checksum (the token) is wrong.
        return "wrong_token", unknown
    except RelayRejected:
        return "cannot_connect", unknown
    model = info.get("model")
    identity = RelayIdentity(
        model if isinstance(model, str) else None,
        None if relay.device_id is None else str(relay.device_id),
    )
    if address is not None:
        try:
            values = await relay.async_get_values([address])
        except RelayRejected:
            return "channel_not_found", identity
        except RelayUnreachable:
            return "cannot_connect", identity
        if not isinstance(values.get(address), bool):
            # A property that exists but is not an on/off switch: a flame
            # sensor's millivolts, the relay's countdown, a mode. Writing
            # true/false there would not open the loop.
            return "channel_not_switch", identity
        known = KNOWN_RELAYS.get(identity.model or "")
        if known is not None and address not in known.channels:
            # A switch, but not a relay channel of this model (a strip's
            # master switch, a USB port).
            return "channel_not_in_model", identity
    return None, identity


def _model_channels(model: str | None) -> dict[str, str]:
    known = KNOWN_RELAYS[model or ""]
    return {
        "model": str(model),
        "channels": ", ".join(f"{a.siid}/{a.piid}" for a in known.channels),
    }


def _miio_hosts_in_use(hass: HomeAssistant) -> set[str]:
    """Every address a Mi relay of any stove is configured at."""
    return {
        str(burner[CONF_HOST])
        for entry in hass.config_entries.async_entries(DOMAIN)
        for burner in entry.data.get(CONF_BURNERS, [])
        if burner.get(CONF_BACKEND) == RelayBackend.MIIO
    }


def _configured_channels(
    hass: HomeAssistant, skip: str | None = None
) -> dict[str, tuple[str, str]]:
    """Every relay channel of the other stoves, with the stove and burner it cuts."""
    return {
        channel_key(burner): (
            entry.data.get(CONF_NAME, entry.title),
            burner_settings(entry, burner).name,
        )
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.entry_id != skip
        for burner in entry.data.get(CONF_BURNERS, [])
    }


class GasStoveConfigFlow(ConfigFlow, FlameSteps, domain=DOMAIN):
    """Add a stove: its name, then one burner after another."""

    VERSION = 1
    MINOR_VERSION = MINOR_VERSION

    def __init__(self) -> None:
        """Start with no burners."""
        self._name = ""
        self._burners: list[dict[str, Any]] = []
        self._settings: dict[str, dict[str, Any]] = {}
        self._assumed_relay: dict[str, Any] | None = None
        self._discovered: DiscoveredRelay | None = None
        self._pending: dict[str, Any] = {}
        self._relay: dict[str, Any] = {}
        # Reconfigure: the current address of the relay being changed.
        self._relay_host = ""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> GasStoveOptionsFlow:
        """Names, wiring and pulse are options."""
        return GasStoveOptionsFlow()

    def _language(self) -> str:
        return "zh" if self.hass.config.language.lower().startswith("zh") else "en"

    def _default_stove_name(self) -> str:
        return DEFAULT_STOVE_NAMES[self._language()]

    def _default_burner_name(self, index: int) -> str:
        names = DEFAULT_BURNER_NAMES[self._language()]
        if index < len(names):
            return names[index]
        return DEFAULT_NTH_BURNER_NAMES[self._language()].format(number=index + 1)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Name the stove."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME].strip() or self._default_stove_name()
            if (error := name_error(name)) is None:
                self._name = name
                return await self.async_step_burner()
            errors[CONF_NAME] = error
        return self.async_show_form(
            step_id="user",
            data_schema=vol.Schema(
                {vol.Required(CONF_NAME, default=self._default_stove_name()): str}
            ),
            errors=errors,
            description_placeholders={"docs": DOCS_URL},
        )

    async def async_step_burner(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Name one burner, pick how its relay is reached and how it is wired."""
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME].strip()
            taken = {s[CONF_NAME] for s in self._settings.values()}
            if error := name_error(name, taken):
                errors[CONF_NAME] = error
            else:
                self._pending = {**user_input, CONF_NAME: name}
                if user_input[CONF_BACKEND] == RelayBackend.ENTITY:
                    return await self.async_step_entity()
                return await self.async_step_miio()
        index = len(self._burners)
        default_name = self._default_burner_name(index)
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=default_name): str,
                vol.Required(CONF_BACKEND, default=RelayBackend.MIIO.value): SelectSelector(
                    SelectSelectorConfig(
                        options=[b.value for b in RelayBackend],
                        translation_key=CONF_BACKEND,
                        mode=SelectSelectorMode.LIST,
                    )
                ),
                vol.Required(CONF_WIRING, default=BurnerWiring.SERIES_NC.value): WIRING_SELECTOR,
                vol.Required(CONF_PULSE, default=DEFAULT_PULSE): PULSE_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="burner",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders={"number": str(index + 1)},
        )

    def _channel_error(self, key: str) -> str | None:
        if key in {channel_key(b) for b in self._burners}:
            return "channel_duplicate"
        return None

    async def async_step_miio(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Host, token and channel of a miIO relay; connect before going on."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            raw = {
                CONF_BACKEND: RelayBackend.MIIO.value,
                CONF_HOST: user_input[CONF_HOST].strip(),
                CONF_TOKEN: user_input[CONF_TOKEN].strip().lower(),
                # New relays speak MIoT only. The old `set_power` protocol
                # of Mi plugs switched mains to a socket, never a dry contact
                # (hardware review W3); entries that use it keep working.
                CONF_PROTOCOL: MiioProtocol.MIOT.value,
                CONF_SIID: int(user_input[CONF_SIID]),
                CONF_PIID: int(user_input[CONF_PIID]),
            }
            key = channel_key(raw)
            # What the person typed is checked before whose channel it is.
            if not valid_host(raw[CONF_HOST]):
                error: str | None = "invalid_host"
            elif not TOKEN_RE.match(raw[CONF_TOKEN]):
                error = "invalid_token"
            else:
                error = self._channel_error(key)
            if error is None:
                # Said on the field, with who owns it: the person picks
                # another channel instead of losing the whole flow.
                error, placeholders = self._channel_owner(key)
            if error is None:
                error, identity = await async_check_relay(
                    self.hass,
                    raw[CONF_HOST],
                    raw[CONF_TOKEN],
                    MiioProtocol.MIOT,
                    MiioChannelAddress(raw[CONF_SIID], raw[CONF_PIID]),
                )
                raw[CONF_MODEL] = identity.model
                if identity.device_id is not None:
                    raw[CONF_DEVICE_ID] = identity.device_id
                if error is None:
                    # Now by its device id: the same relay under another
                    # address or a host name is the same channel.
                    error, placeholders = self._channel_owner(channel_key(raw))
                if error == "channel_not_in_model":
                    placeholders = _model_channels(identity.model)
            if error is None:
                return await self._async_burner_done(raw)
            errors[_ERROR_FIELD.get(error, "base")] = error
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST): str,
                vol.Required(CONF_TOKEN): TOKEN_SELECTOR,
                vol.Required(CONF_SIID, default=DEFAULT_SIID): MIOT_ID_SELECTOR,
                vol.Required(CONF_PIID, default=DEFAULT_PIID): MIOT_ID_SELECTOR,
            }
        )
        suggested = user_input or self._suggest_next_channel()
        return self.async_show_form(
            step_id="miio",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={
                "burner": self._pending[CONF_NAME],
                "docs": DOCS_URL,
                **placeholders,
            },
        )

    def _channel_owner(self, key: str) -> tuple[str | None, dict[str, str]]:
        """Whether this flow or another stove already uses the channel, and who."""
        if (error := self._channel_error(key)) is not None:
            return error, {}
        if owner := _configured_channels(self.hass).get(key):
            return "channel_in_use", {"stove": owner[0], "owner": owner[1]}
        return None, {}

    def _suggest_next_channel(self) -> dict[str, Any]:
        """The discovered relay, or the next channel of the last one (by its model if known)."""
        previous = [b for b in self._burners if b[CONF_BACKEND] == RelayBackend.MIIO]
        if not previous:
            if self._discovered is None:
                return {}
            first = KNOWN_RELAYS[self._discovered.model].channels[0]
            return {CONF_HOST: self._discovered.host, CONF_SIID: first.siid, CONF_PIID: first.piid}
        last = previous[-1]
        suggestion = {
            CONF_HOST: last[CONF_HOST],
            CONF_TOKEN: last[CONF_TOKEN],
            CONF_SIID: last[CONF_SIID] + 1,
            CONF_PIID: last[CONF_PIID],
        }
        if known := KNOWN_RELAYS.get(last.get(CONF_MODEL) or ""):
            used = {
                MiioChannelAddress(b[CONF_SIID], b[CONF_PIID])
                for b in previous
                if b[CONF_HOST] == last[CONF_HOST]
            }
            free = [a for a in known.channels if a not in used]
            if free:
                suggestion.update({CONF_SIID: free[0].siid, CONF_PIID: free[0].piid})
        return suggestion

    async def async_step_zeroconf(self, discovery_info: ZeroconfServiceInfo) -> ConfigFlowResult:
        """A Mi relay of a known model announced itself (`_miio._udp.local.`).

        Its name is "<model with dashes>_miio<device id>". A relay some stove
        already uses is not offered again; one that came back on a new address
        gets that address (the stove reloads with it).
        """
        label, _, device_id = discovery_info.name.split(".", 1)[0].rpartition("_miio")
        model = label.replace("-", ".")
        if not device_id.isdigit() or model not in KNOWN_RELAYS:
            return self.async_abort(reason="not_a_relay")
        host = str(discovery_info.ip_address)
        for entry in self.hass.config_entries.async_entries(DOMAIN, include_ignore=False):
            burners = entry.data.get(CONF_BURNERS, [])
            if any(b.get(CONF_DEVICE_ID) == device_id for b in burners):
                moved = [
                    {**b, CONF_HOST: host}
                    if b.get(CONF_DEVICE_ID) == device_id and b.get(CONF_HOST) != host
                    else b
                    for b in burners
                ]
                if moved != burners:
                    self.hass.config_entries.async_update_entry(
                        entry, data={**entry.data, CONF_BURNERS: moved}
                    )
                    if entry.state is not ConfigEntryState.LOADED:
                        # A loaded entry reloads through its update listener.
                        self.hass.config_entries.async_schedule_reload(entry.entry_id)
                return self.async_abort(reason="already_configured")
            if any(b.get(CONF_HOST) == host for b in burners):
                return self.async_abort(reason="already_configured")
        await self.async_set_unique_id(f"discovered:{device_id}")
        self._abort_if_unique_id_configured()
        self._discovered = DiscoveredRelay(host, model, device_id)
        self.context["title_placeholders"] = {"name": f"{KNOWN_RELAYS[model].name} ({host})"}
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Say what was found; the stove's setup follows, with its address filled in."""
        assert self._discovered is not None
        if user_input is not None:
            return await self.async_step_user()
        known = KNOWN_RELAYS[self._discovered.model]
        return self.async_show_form(
            step_id="zeroconf_confirm",
            data_schema=vol.Schema({}),
            description_placeholders={
                "name": known.name,
                "model": self._discovered.model,
                "host": self._discovered.host,
                "docs": DOCS_URL,
            },
        )

    async def async_step_entity(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Any switch entity Home Assistant already controls."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            entity_id: str = user_input[CONF_ENTITY_ID]
            raw = {CONF_BACKEND: RelayBackend.ENTITY.value, CONF_ENTITY_ID: entity_id}
            key = channel_key(raw)
            registry_entry = er.async_get(self.hass).async_get(entity_id)
            if owner := _configured_channels(self.hass).get(key):
                errors[CONF_ENTITY_ID] = "channel_in_use"
                placeholders = {"stove": owner[0], "owner": owner[1]}
            elif registry_entry is not None and registry_entry.platform == DOMAIN:
                errors[CONF_ENTITY_ID] = "entity_is_ours"
            elif (error := self._channel_error(key)) is not None:
                errors[CONF_ENTITY_ID] = error
            elif (state := self.hass.states.get(entity_id)) is None:
                errors[CONF_ENTITY_ID] = "entity_not_found"
            elif state.attributes.get(ATTR_ASSUMED_STATE):
                self._assumed_relay = raw
                return await self.async_step_entity_assumed()
            else:
                return await self._async_burner_done(raw)
        # The picker does not offer switches of this integration: they are
        # refused anyway (a Gas switch cannot be the relay of a burner).
        ours = [
            entry.entity_id
            for entry in er.async_get(self.hass).entities.values()
            if entry.platform == DOMAIN and entry.domain == "switch"
        ]
        return self.async_show_form(
            step_id="entity",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ENTITY_ID): EntitySelector(
                        EntitySelectorConfig(domain="switch", exclude_entities=ours)
                    )
                }
            ),
            errors=errors,
            description_placeholders={"burner": self._pending[CONF_NAME], **placeholders},
        )

    async def async_step_entity_assumed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Warn: an assumed_state switch shows what it was told, it confirms nothing."""
        assert self._assumed_relay is not None
        if user_input is not None:
            raw, self._assumed_relay = self._assumed_relay, None
            return await self._async_burner_done(raw)
        return self.async_show_form(
            step_id="entity_assumed",
            data_schema=vol.Schema({}),
            description_placeholders={
                "burner": self._pending[CONF_NAME],
                "entity": self._assumed_relay[CONF_ENTITY_ID],
            },
        )

    async def _async_burner_done(self, raw: dict[str, Any]) -> ConfigFlowResult:
        if not self._burners:
            await self.async_set_unique_id(channel_key(raw))
            self._abort_if_unique_id_configured()
        self._relay = raw
        return await self.async_step_flame()

    def _flame_burner_name(self) -> str:
        return str(self._pending[CONF_NAME])

    def _flame_current(self) -> dict[str, Any]:
        return {}

    async def _async_flame_done(self, flame: dict[str, Any]) -> ConfigFlowResult:
        burner_id = uuid.uuid4().hex[:8]
        self._burners.append({CONF_BURNER_ID: burner_id, **self._relay})
        self._settings[burner_id] = {
            CONF_NAME: self._pending[CONF_NAME],
            CONF_WIRING: self._pending[CONF_WIRING],
            CONF_PULSE: float(self._pending[CONF_PULSE]),
            **flame,
        }
        if len(self._burners) >= MAX_BURNERS:
            return await self.async_step_finish()
        return await self.async_step_more()

    async def async_step_more(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer another burner or finish."""
        return self.async_show_menu(step_id="more", menu_options=["burner", "finish"])

    async def async_step_finish(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Create the stove."""
        return self.async_create_entry(
            title=self._name,
            data={CONF_NAME: self._name, CONF_BURNERS: self._burners},
            options={CONF_BURNERS: self._settings},
        )

    # --- reconfigure and reauth: a relay's host and token ------------------

    def _miio_hosts(self, entry: ConfigEntry) -> list[str]:
        hosts: list[str] = []
        for burner in entry.data[CONF_BURNERS]:
            if burner[CONF_BACKEND] == RelayBackend.MIIO and burner[CONF_HOST] not in hosts:
                hosts.append(burner[CONF_HOST])
        return hosts

    async def _async_update_relay(
        self, entry: ConfigEntry, old_host: str, host: str, token: str
    ) -> tuple[str | None, ConfigFlowResult | None]:
        burners = [dict(b) for b in entry.data[CONF_BURNERS]]
        used = [b for b in burners if b.get(CONF_HOST) == old_host]
        protocol = MiioProtocol(used[0].get(CONF_PROTOCOL, MiioProtocol.MIOT))
        address = (
            None
            if protocol is MiioProtocol.LEGACY
            else MiioChannelAddress(
                int(used[0].get(CONF_SIID, DEFAULT_SIID)), int(used[0].get(CONF_PIID, DEFAULT_PIID))
            )
        )
        error, identity = await async_check_relay(self.hass, host, token, protocol, address)
        known = {b[CONF_DEVICE_ID] for b in used if CONF_DEVICE_ID in b}
        if error is None and identity.device_id is not None and known - {identity.device_id}:
            # Another Mi device answers there: moving the burners to it
            # would have them cut something else.
            error = "different_device"
        if error is not None:
            return error, None
        for burner in used:
            burner.update({CONF_HOST: host, CONF_TOKEN: token, CONF_MODEL: identity.model})
            if identity.device_id is not None:
                burner[CONF_DEVICE_ID] = identity.device_id
        if entry.state is ConfigEntryState.LOADED:
            # A loaded entry has the update listener, which reloads it; a
            # second reload from here is what Home Assistant refuses from 2026.12.
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_BURNERS: burners}
            )
            reason = (
                "reauth_successful" if self.source == SOURCE_REAUTH else "reconfigure_successful"
            )
            return None, self.async_abort(reason=reason)
        return None, self.async_update_reload_and_abort(entry, data_updates={CONF_BURNERS: burners})

    def _relay_field(self, hosts: list[str], default: str | None) -> dict[Any, Any]:
        if len(hosts) < 2:
            return {}
        return {
            vol.Required(CONF_RELAY, default=default or hosts[0]): SelectSelector(
                SelectSelectorConfig(options=[SelectOptionDict(value=h, label=h) for h in hosts])
            )
        }

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change a relay's address or token (e.g. after a router change).

        With several relays the person picks one first, so that the next form
        shows that relay's own address, not the first one's.
        """
        entry = self._get_reconfigure_entry()
        hosts = self._miio_hosts(entry)
        if not hosts:
            return self.async_abort(reason="no_miio_relay")
        if len(hosts) == 1:
            self._relay_host = hosts[0]
            return await self.async_step_reconfigure_relay()
        if user_input is not None:
            self._relay_host = user_input[CONF_RELAY]
            return await self.async_step_reconfigure_relay()
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=vol.Schema(self._relay_field(hosts, None)),
        )

    async def async_step_reconfigure_relay(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The chosen relay's new address and token."""
        entry = self._get_reconfigure_entry()
        old_host = self._relay_host
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            if host != old_host and host in _miio_hosts_in_use(self.hass):
                # Another relay (of this stove or another) is at that address:
                # two burners would end up driving one relay.
                errors[CONF_HOST] = "host_in_use"
            else:
                error, result = await self._async_update_relay(
                    entry, old_host, host, user_input[CONF_TOKEN].strip().lower()
                )
                if result is not None:
                    return result
                errors[_ERROR_FIELD.get(error or "", "base")] = error or "unknown"
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST, default=old_host): str,
                vol.Required(CONF_TOKEN): TOKEN_SELECTOR,
            }
        )
        return self.async_show_form(
            step_id="reconfigure_relay",
            data_schema=self.add_suggested_values_to_schema(schema, user_input),
            errors=errors,
            description_placeholders={"relay": old_host},
        )

    async def async_step_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """Start reauth: the relay stopped accepting the token (re-paired)."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the relay's new token."""
        entry = self._get_reauth_entry()
        hosts = self._miio_hosts(entry)
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input.get(CONF_RELAY, hosts[0])
            error, result = await self._async_update_relay(
                entry, host, host, user_input[CONF_TOKEN].strip().lower()
            )
            if result is not None:
                return result
            errors["base"] = error or "unknown"
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(
                {**self._relay_field(hosts, None), vol.Required(CONF_TOKEN): TOKEN_SELECTOR}
            ),
            errors=errors,
            description_placeholders={"hosts": ", ".join(hosts)},
        )


class GasStoveOptionsFlow(OptionsFlow, FlameSteps):
    """Rename a burner, change its wiring or its pulse."""

    def __init__(self) -> None:
        """No burner chosen yet."""
        self._burner_id: str | None = None
        self._changes: dict[str, Any] = {}

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A burner's settings, or one of the stove-level guards."""
        return self.async_show_menu(
            step_id="init",
            menu_options=["burner_select", "hood", "emergency", "unattended", "gas_use"],
        )

    async def async_step_burner_select(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the burner (skipped when the stove has only one)."""
        burners = self.config_entry.data[CONF_BURNERS]
        if len(burners) == 1:
            self._burner_id = burners[0][CONF_BURNER_ID]
            return await self.async_step_burner()
        if user_input is not None:
            self._burner_id = user_input[CONF_BURNER_ID]
            return await self.async_step_burner()
        options = [
            SelectOptionDict(
                value=b[CONF_BURNER_ID], label=burner_settings(self.config_entry, b).name
            )
            for b in burners
        ]
        return self.async_show_form(
            step_id="burner_select",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_BURNER_ID, default=options[0]["value"]): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
        )

    async def async_step_burner(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Name, wiring and pulse of the chosen burner."""
        assert self._burner_id is not None
        raw = next(
            b for b in self.config_entry.data[CONF_BURNERS] if b[CONF_BURNER_ID] == self._burner_id
        )
        current = burner_settings(self.config_entry, raw)
        errors: dict[str, str] = {}
        if user_input is not None:
            name = user_input[CONF_NAME].strip()
            others = {
                burner_settings(self.config_entry, b).name
                for b in self.config_entry.data[CONF_BURNERS]
                if b[CONF_BURNER_ID] != self._burner_id
            }
            if error := name_error(name, others):
                errors[CONF_NAME] = error
            else:
                self._changes = {
                    CONF_NAME: name,
                    CONF_WIRING: user_input[CONF_WIRING],
                    CONF_PULSE: float(user_input[CONF_PULSE]),
                    CONF_DEFAULT_TIMER: int(user_input.get(CONF_DEFAULT_TIMER, 0)),
                    CONF_MAX_RUNTIME: int(user_input.get(CONF_MAX_RUNTIME, DEFAULT_MAX_RUNTIME)),
                    CONF_TIMER_WARNING: int(
                        user_input.get(CONF_TIMER_WARNING, DEFAULT_TIMER_WARNING)
                    ),
                    CONF_COUNTDOWN_SIID: int(user_input.get(CONF_COUNTDOWN_SIID, 0)),
                    CONF_COUNTDOWN_PIID: int(user_input.get(CONF_COUNTDOWN_PIID, 0)),
                }
                if CONF_CONFIRM_WINDOW in user_input:
                    self._changes[CONF_CONFIRM_WINDOW] = float(user_input[CONF_CONFIRM_WINDOW])
                self._changes.update(
                    {
                        CONF_RATED_KW: float(user_input.get(CONF_RATED_KW, DEFAULT_RATED_KW)),
                        # Cleared box, no guard: None drops the setting.
                        CONF_DRY_POT_ENTITY: user_input.get(CONF_DRY_POT_ENTITY) or None,
                        CONF_DRY_POT_THRESHOLD: float(user_input[CONF_DRY_POT_THRESHOLD]),
                        CONF_DRY_POT_RATE: float(user_input[CONF_DRY_POT_RATE]),
                        CONF_DRY_POT_GRACE: float(user_input[CONF_DRY_POT_GRACE]),
                    }
                )
                return await self.async_step_flame()
        timers = timer_settings(config := burner_config(self.config_entry, self._burner_id))
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME, default=current.name): str,
                vol.Required(CONF_WIRING, default=current.wiring.value): WIRING_SELECTOR,
                vol.Required(CONF_PULSE, default=current.pulse): PULSE_SELECTOR,
                vol.Required(
                    CONF_DEFAULT_TIMER, default=timers.default_minutes
                ): DEFAULT_TIMER_SELECTOR,
                vol.Required(
                    CONF_MAX_RUNTIME, default=timers.max_runtime_minutes
                ): MAX_RUNTIME_SELECTOR,
                vol.Required(
                    CONF_TIMER_WARNING, default=timers.warning_seconds
                ): TIMER_WARNING_SELECTOR,
                vol.Required(
                    CONF_COUNTDOWN_SIID, default=int(config.get(CONF_COUNTDOWN_SIID) or 0)
                ): OPTIONAL_MIOT_ID_SELECTOR,
                vol.Required(
                    CONF_COUNTDOWN_PIID, default=int(config.get(CONF_COUNTDOWN_PIID) or 0)
                ): OPTIONAL_MIOT_ID_SELECTOR,
            }
        )
        dry_pot = dry_pot_settings(config)
        schema = schema.extend(
            {
                vol.Required(
                    CONF_RATED_KW, default=float(config.get(CONF_RATED_KW, DEFAULT_RATED_KW))
                ): RATED_KW_SELECTOR,
                vol.Optional(CONF_DRY_POT_ENTITY): DRY_POT_ENTITY_SELECTOR,
                vol.Required(
                    CONF_DRY_POT_THRESHOLD, default=dry_pot.threshold
                ): DRY_POT_THRESHOLD_SELECTOR,
                vol.Required(CONF_DRY_POT_RATE, default=dry_pot.rate): DRY_POT_RATE_SELECTOR,
                vol.Required(CONF_DRY_POT_GRACE, default=dry_pot.grace): DRY_POT_GRACE_SELECTOR,
            }
        )
        if dry_pot.temperature_entity:
            schema = self.add_suggested_values_to_schema(
                schema, {CONF_DRY_POT_ENTITY: dry_pot.temperature_entity}
            )
        if raw[CONF_BACKEND] == RelayBackend.ENTITY:
            # Only a switch entity reports late (a cloud); miIO is read back.
            schema = schema.extend(
                {
                    vol.Required(
                        CONF_CONFIRM_WINDOW,
                        default=float(config.get(CONF_CONFIRM_WINDOW, DEFAULT_CONFIRM_WINDOW)),
                    ): CONFIRM_WINDOW_SELECTOR
                }
            )
        return self.async_show_form(
            step_id="burner",
            data_schema=schema,
            errors=errors,
            description_placeholders={"burner": current.name},
        )

    def _flame_burner_name(self) -> str:
        return str(self._changes.get(CONF_NAME, ""))

    def _flame_current(self) -> dict[str, Any]:
        assert self._burner_id is not None
        config = burner_config(self.config_entry, self._burner_id)
        return {key: config[key] for key in FLAME_KEYS if key in config}

    async def _async_flame_done(self, flame: dict[str, Any]) -> ConfigFlowResult:
        # A new source replaces the old one whole: no stale keys survive.
        self._changes.update({key: None for key in FLAME_KEYS} | flame)
        if flame.get(CONF_FLAME_KIND) != self._flame_current().get(CONF_FLAME_KIND):
            # 15 s suits a UV sensor, not a thermocouple: another kind of
            # reading starts from the defaults measured for it.
            self._changes.update(dict.fromkeys(TUNING_KEYS))
        if flame[CONF_FLAME_SOURCE] == FlameSourceType.NONE:
            return self._save()
        return await self.async_step_tuning()

    async def async_step_tuning(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Thresholds, debounce and the verification window."""
        assert self._burner_id is not None
        errors: dict[str, str] = {}
        if user_input is not None:
            error = tuning_error(user_input)
            if error is None:
                self._changes.update(user_input)
                return self._save()
            errors["base"] = error
        merged = {**burner_config(self.config_entry, self._burner_id), **self._changes}
        # A None in the changes is a setting about to be dropped: show its default.
        config = {key: value for key, value in merged.items() if value is not None}
        return self.async_show_form(
            step_id="tuning",
            data_schema=tuning_schema(config),
            errors=errors,
            description_placeholders={"burner": self._flame_burner_name(), "docs": DOCS_URL},
        )

    def _save(self) -> ConfigFlowResult:
        assert self._burner_id is not None
        settings = dict(self.config_entry.options.get(CONF_BURNERS, {}))
        merged = {**settings.get(self._burner_id, {}), **self._changes}
        settings[self._burner_id] = {k: v for k, v in merged.items() if v is not None}
        return self.async_create_entry(data={**self.config_entry.options, CONF_BURNERS: settings})

    # --- stove-level guards ----------------------------------------------------

    def _kitchen(self) -> dict[str, Any]:
        return dict(self.config_entry.options.get(CONF_KITCHEN, {}))

    def _save_kitchen(self, changes: dict[str, Any]) -> ConfigFlowResult:
        kitchen = {k: v for k, v in {**self._kitchen(), **changes}.items() if v not in (None, "")}
        return self.async_create_entry(data={**self.config_entry.options, CONF_KITCHEN: kitchen})

    async def async_step_gas_use(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The stove's gas, its heating value and the calibration against the meter."""
        current = gas_settings(self.config_entry)
        if user_input is not None:
            gas_type = GasType(user_input[CONF_GAS_TYPE])
            heating_value = float(user_input[CONF_HEATING_VALUE])
            if gas_type is not current.gas_type and heating_value == current.heating_value:
                # Another gas with the old gas's value left in the box: its own.
                heating_value = DEFAULT_HEATING_VALUE[gas_type]
            return self._save_kitchen(
                {
                    CONF_GAS_TYPE: gas_type.value,
                    CONF_HEATING_VALUE: heating_value,
                    CONF_GAS_FACTOR: float(user_input[CONF_GAS_FACTOR]),
                }
            )
        return self.async_show_form(
            step_id="gas_use",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_GAS_TYPE, default=current.gas_type.value): GAS_TYPE_SELECTOR,
                    vol.Required(
                        CONF_HEATING_VALUE, default=current.heating_value
                    ): HEATING_VALUE_SELECTOR,
                    vol.Required(CONF_GAS_FACTOR, default=current.factor): GAS_FACTOR_SELECTOR,
                }
            ),
            description_placeholders={"docs": DOCS_URL},
        )

    async def async_step_hood(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Range-hood linkage: the hood, its speed, delay and run-on."""
        if user_input is not None:
            return self._save_kitchen(
                {
                    CONF_HOOD_ENTITY: user_input.get(CONF_HOOD_ENTITY),
                    CONF_HOOD_PERCENTAGE: int(user_input.get(CONF_HOOD_PERCENTAGE, 0)),
                    CONF_HOOD_PRESET: (user_input.get(CONF_HOOD_PRESET) or "").strip(),
                    CONF_HOOD_DELAY: float(user_input[CONF_HOOD_DELAY]),
                    CONF_HOOD_RUN_ON: float(user_input[CONF_HOOD_RUN_ON]),
                }
            )
        current = kitchen_settings(self.config_entry)
        schema = vol.Schema(
            {
                vol.Optional(CONF_HOOD_ENTITY): EntitySelector(
                    EntitySelectorConfig(domain=["fan", "switch", "light"])
                ),
                vol.Required(
                    CONF_HOOD_PERCENTAGE, default=current.hood_percentage
                ): HOOD_PERCENTAGE_SELECTOR,
                vol.Optional(CONF_HOOD_PRESET): str,
                vol.Required(CONF_HOOD_DELAY, default=current.hood_delay): HOOD_DELAY_SELECTOR,
                vol.Required(
                    CONF_HOOD_RUN_ON, default=current.hood_run_on_minutes
                ): HOOD_RUN_ON_SELECTOR,
            }
        )
        suggested = {
            CONF_HOOD_ENTITY: current.hood_entity,
            CONF_HOOD_PRESET: current.hood_preset,
        }
        return self.async_show_form(
            step_id="hood",
            data_schema=self.add_suggested_values_to_schema(
                schema, {k: v for k, v in suggested.items() if v}
            ),
            description_placeholders={
                "flame": "yes" if self._any_flame_source() else "no",
            },
        )

    def _any_flame_source(self) -> bool:
        return any(
            burner_config(self.config_entry, b[CONF_BURNER_ID]).get(CONF_FLAME_SOURCE, "none")
            != FlameSourceType.NONE
            for b in self.config_entry.data[CONF_BURNERS]
        )

    async def async_step_emergency(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sensors that cut and hold every burner."""
        if user_input is not None:
            return self._save_kitchen(
                {
                    CONF_EMERGENCY_SENSORS: list(user_input.get(CONF_EMERGENCY_SENSORS, [])),
                    CONF_EMERGENCY_HOOD: bool(user_input[CONF_EMERGENCY_HOOD]),
                    CONF_EMERGENCY_HOOD_GAS: bool(user_input[CONF_EMERGENCY_HOOD_GAS]),
                }
            )
        current = kitchen_settings(self.config_entry)
        return self.async_show_form(
            step_id="emergency",
            data_schema=vol.Schema(
                {
                    vol.Optional(
                        CONF_EMERGENCY_SENSORS, default=list(current.emergency_sensors)
                    ): EntitySelector(EntitySelectorConfig(domain="binary_sensor", multiple=True)),
                    vol.Required(CONF_EMERGENCY_HOOD, default=current.emergency_hood): bool,
                    vol.Required(CONF_EMERGENCY_HOOD_GAS, default=current.emergency_hood_gas): bool,
                }
            ),
        )

    async def async_step_unattended(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Presence in the kitchen, absence and grace times."""
        if user_input is not None:
            return self._save_kitchen(
                {
                    CONF_PRESENCE_ENTITIES: list(user_input.get(CONF_PRESENCE_ENTITIES, [])),
                    CONF_ABSENCE_MINUTES: float(user_input[CONF_ABSENCE_MINUTES]),
                    CONF_GRACE_MINUTES: float(user_input[CONF_GRACE_MINUTES]),
                }
            )
        current = kitchen_settings(self.config_entry)
        return self.async_show_form(
            step_id="unattended",
            data_schema=vol.Schema(
                {
                    vol.Optional(
                        CONF_PRESENCE_ENTITIES, default=list(current.presence_entities)
                    ): EntitySelector(
                        EntitySelectorConfig(
                            domain=["binary_sensor", "person", "device_tracker"], multiple=True
                        )
                    ),
                    vol.Required(
                        CONF_ABSENCE_MINUTES, default=current.absence_minutes
                    ): ABSENCE_SELECTOR,
                    vol.Required(CONF_GRACE_MINUTES, default=current.grace_minutes): GRACE_SELECTOR,
                }
            ),
            description_placeholders={"flame": "yes" if self._any_flame_source() else "no"},
        )
