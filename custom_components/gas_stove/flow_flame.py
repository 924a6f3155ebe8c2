"""Flow steps for a burner's flame source, shared by config and options flows."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from homeassistant.config_entries import ConfigEntryBaseFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .compat import vol
from .const import (
    CONF_DEBOUNCE,
    CONF_FLAME_ENTITY,
    CONF_FLAME_HOST,
    CONF_FLAME_KIND,
    CONF_FLAME_PIID,
    CONF_FLAME_SIID,
    CONF_FLAME_SOURCE,
    CONF_FLAME_TOKEN,
    CONF_OFF_MV,
    CONF_OFF_TEMP,
    CONF_ON_MV,
    CONF_ON_TEMP,
    CONF_RISE_RATE,
    CONF_VERIFY_WINDOW,
    FlameKind,
    FlameSourceType,
    MiioProtocol,
)
from .relay import MiioChannelAddress, MiioRelay, RelayRejected, RelayUnreachable
from .stove import flame_thresholds, verify_window
from .validation import TOKEN_RE, FiniteNumber, miot_id, valid_host

# A flame device's error is shown on the field it is about.
_MIOT_ERROR_FIELD = {
    "invalid_host": CONF_HOST,
    "invalid_token": CONF_TOKEN,
    "wrong_token": CONF_TOKEN,
    "property_not_found": CONF_FLAME_SIID,
}
# What the tuning step sets; a different kind of reading starts from its own defaults.
TUNING_KEYS = (
    CONF_VERIFY_WINDOW,
    CONF_DEBOUNCE,
    CONF_ON_MV,
    CONF_OFF_MV,
    CONF_ON_TEMP,
    CONF_OFF_TEMP,
    CONF_RISE_RATE,
)
FLAME_KEYS = (
    CONF_FLAME_SOURCE,
    CONF_FLAME_KIND,
    CONF_FLAME_ENTITY,
    CONF_FLAME_HOST,
    CONF_FLAME_TOKEN,
    CONF_FLAME_SIID,
    CONF_FLAME_PIID,
)


def _kind_selector() -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(options=[k.value for k in FlameKind], translation_key=CONF_FLAME_KIND)
    )


def _number(low: float, high: float, step: float, unit: str) -> FiniteNumber:
    return FiniteNumber(
        NumberSelectorConfig(
            min=low, max=high, step=step, unit_of_measurement=unit, mode=NumberSelectorMode.BOX
        )
    )


# Built once, here, so every range a form can show is known (FiniteNumber.ranges).
VERIFY_WINDOW_SELECTOR = _number(5, 900, 1, "s")
DEBOUNCE_SELECTOR = _number(0, 30, 0.5, "s")
ON_MV_SELECTOR = _number(0.5, 40, 0.1, "mV")
OFF_MV_SELECTOR = _number(0, 40, 0.1, "mV")
ON_TEMP_SELECTOR = _number(20, 400, 1, "°C")
OFF_TEMP_SELECTOR = _number(10, 400, 1, "°C")
RISE_RATE_SELECTOR = _number(0.5, 100, 0.5, "°C/min")
FLAME_ID_SELECTOR = miot_id()


async def async_check_flame_device(
    hass: HomeAssistant, host: str, token: str, address: MiioChannelAddress
) -> str | None:
    """Read the flame property once before saving: an error key, or None."""
    if not valid_host(host):
        return "invalid_host"
    if not TOKEN_RE.match(token):
        return "invalid_token"
    device = MiioRelay(hass, host, token, model=None, protocol=MiioProtocol.MIOT)
    try:
        if not await device.async_answers_hello():
            return "cannot_connect"
        await device.async_get_values([address])
    except RelayRejected:
        return "property_not_found"
    except RelayUnreachable:
        return "wrong_token"
    finally:
        # A probe: its socket goes with it.
        await device.async_close()
    return None


class FlameSteps(ConfigEntryBaseFlow):
    """The `flame`, `flame_entity`, `flame_miot` and `tuning` steps."""

    @abstractmethod
    def _flame_burner_name(self) -> str:
        """Name shown in the step titles."""

    @abstractmethod
    def _flame_current(self) -> dict[str, Any]:
        """Return the burner's current flame settings (empty for a new burner)."""

    @abstractmethod
    async def _async_flame_done(self, flame: dict[str, Any]) -> ConfigFlowResult:
        """Continue the flow with the chosen flame settings."""

    async def async_step_flame(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose where the burner's flame state comes from."""
        if user_input is not None:
            source = FlameSourceType(user_input[CONF_FLAME_SOURCE])
            if source is FlameSourceType.ENTITY:
                return await self.async_step_flame_entity()
            if source is FlameSourceType.MIOT:
                return await self.async_step_flame_miot()
            return await self._async_flame_done({CONF_FLAME_SOURCE: source.value})
        current = self._flame_current().get(CONF_FLAME_SOURCE, FlameSourceType.NONE)
        return self.async_show_form(
            step_id="flame",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_FLAME_SOURCE, default=str(current)): SelectSelector(
                        SelectSelectorConfig(
                            options=[s.value for s in FlameSourceType],
                            translation_key=CONF_FLAME_SOURCE,
                            mode=SelectSelectorMode.LIST,
                        )
                    )
                }
            ),
            description_placeholders={"burner": self._flame_burner_name()},
        )

    async def async_step_flame_entity(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick a binary sensor, a millivolt sensor or a temperature sensor."""
        errors: dict[str, str] = {}
        if user_input is not None:
            entity_id = user_input[CONF_FLAME_ENTITY]
            kind = FlameKind(user_input[CONF_FLAME_KIND])
            domain = entity_id.split(".", 1)[0]
            if self.hass.states.get(entity_id) is None:
                errors["base"] = "entity_not_found"
            elif (kind is FlameKind.BINARY) != (domain in ("binary_sensor", "input_boolean")):
                errors["base"] = "kind_mismatch"
            else:
                return await self._async_flame_done(
                    {
                        CONF_FLAME_SOURCE: FlameSourceType.ENTITY.value,
                        CONF_FLAME_ENTITY: entity_id,
                        CONF_FLAME_KIND: kind.value,
                    }
                )
        current = self._flame_current()
        schema = vol.Schema(
            {
                vol.Required(CONF_FLAME_ENTITY): EntitySelector(
                    EntitySelectorConfig(domain=["binary_sensor", "sensor", "input_boolean"])
                ),
                vol.Required(
                    CONF_FLAME_KIND, default=current.get(CONF_FLAME_KIND, FlameKind.BINARY.value)
                ): _kind_selector(),
            }
        )
        suggested = user_input or {k: v for k, v in current.items() if k == CONF_FLAME_ENTITY and v}
        return self.async_show_form(
            step_id="flame_entity",
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={"burner": self._flame_burner_name()},
        )

    async def async_step_flame_miot(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick a MIoT property of a Mi device (e.g. a flame sensor or a hood)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = user_input[CONF_HOST].strip()
            token = user_input.get(CONF_TOKEN, "").strip().lower()
            current = self._flame_current()
            if not token and host == current.get(CONF_FLAME_HOST):
                # A stored token is never shown again nor asked for again:
                # left empty, the device keeps the one it has.
                token = current.get(CONF_FLAME_TOKEN, "")
            address = MiioChannelAddress(
                int(user_input[CONF_FLAME_SIID]), int(user_input[CONF_FLAME_PIID])
            )
            error = await async_check_flame_device(self.hass, host, token, address)
            if error is None:
                return await self._async_flame_done(
                    {
                        CONF_FLAME_SOURCE: FlameSourceType.MIOT.value,
                        CONF_FLAME_HOST: host,
                        CONF_FLAME_TOKEN: token,
                        CONF_FLAME_SIID: address.siid,
                        CONF_FLAME_PIID: address.piid,
                        CONF_FLAME_KIND: user_input[CONF_FLAME_KIND],
                    }
                )
            errors[_MIOT_ERROR_FIELD.get(error, "base")] = error
        current = self._flame_current()
        schema = vol.Schema(
            {
                vol.Required(CONF_HOST): str,
                vol.Optional(CONF_TOKEN): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.PASSWORD)
                ),
                vol.Required(CONF_FLAME_SIID, default=2): FLAME_ID_SELECTOR,
                vol.Required(CONF_FLAME_PIID, default=1): FLAME_ID_SELECTOR,
                vol.Required(
                    CONF_FLAME_KIND,
                    default=current.get(CONF_FLAME_KIND, FlameKind.MILLIVOLTS.value),
                ): _kind_selector(),
            }
        )
        suggested = user_input or {
            CONF_HOST: current.get(CONF_FLAME_HOST),
            CONF_FLAME_SIID: current.get(CONF_FLAME_SIID),
            CONF_FLAME_PIID: current.get(CONF_FLAME_PIID),
        }
        return self.async_show_form(
            step_id="flame_miot",
            data_schema=self.add_suggested_values_to_schema(
                schema, {k: v for k, v in suggested.items() if v is not None}
            ),
            errors=errors,
            description_placeholders={"burner": self._flame_burner_name()},
        )


def tuning_schema(config: dict[str, Any]) -> vol.Schema:
    """Thresholds, debounce and verification window, defaults filled in."""
    thresholds = flame_thresholds(config)
    fields: dict[Any, Any] = {
        vol.Required(CONF_VERIFY_WINDOW, default=verify_window(config)): VERIFY_WINDOW_SELECTOR,
        vol.Required(CONF_DEBOUNCE, default=thresholds.debounce): DEBOUNCE_SELECTOR,
    }
    if thresholds.kind is FlameKind.MILLIVOLTS:
        fields[vol.Required(CONF_ON_MV, default=thresholds.on_mv)] = ON_MV_SELECTOR
        fields[vol.Required(CONF_OFF_MV, default=thresholds.off_mv)] = OFF_MV_SELECTOR
    elif thresholds.kind is FlameKind.TEMPERATURE:
        fields[vol.Required(CONF_ON_TEMP, default=thresholds.on_temp)] = ON_TEMP_SELECTOR
        fields[vol.Required(CONF_OFF_TEMP, default=thresholds.off_temp)] = OFF_TEMP_SELECTOR
        fields[vol.Required(CONF_RISE_RATE, default=thresholds.rise_rate)] = RISE_RATE_SELECTOR
    return vol.Schema(fields)


def tuning_error(user_input: dict[str, Any]) -> str | None:
    """Hysteresis needs the 'on' threshold above the 'off' one."""
    if CONF_ON_MV in user_input and user_input[CONF_ON_MV] <= user_input[CONF_OFF_MV]:
        return "thresholds_inverted"
    if CONF_ON_TEMP in user_input and user_input[CONF_ON_TEMP] <= user_input[CONF_OFF_TEMP]:
        return "thresholds_inverted"
    return None
