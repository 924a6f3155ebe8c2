"""Base entity: a thin view onto one burner."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Iterator
from typing import Any, Concatenate

from homeassistant.core import Context, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription

from .burner import Burner, BurnerHeld
from .compat import linked_device_info
from .const import DOMAIN
from .relay import RelayError, RelayRejected
from .stove import GasStoveConfigEntry
from .timer import BurnerNotLit

MANUFACTURER = "Gas Stove (DIY retrofit)"


def stove_device_info(entry: GasStoveConfigEntry) -> DeviceInfo:
    """Describe the device that stands for the whole stove."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.runtime_data.name,
        manufacturer=MANUFACTURER,
        model="Flame-failure loop relay",
    )


def burner_device_identifier(entry_id: str, burner_id: str) -> tuple[str, str]:
    """The device registry identifier of one burner."""
    return (DOMAIN, f"{entry_id}_{burner_id}")


def burner_device_info(entry: GasStoveConfigEntry, burner: Burner) -> Any:
    """One device per burner, a part of the stove's, named as the burner.

    "Left burner" is then a device that Assist, Google and Alexa match by
    name, and the burner's Gas switch is its main entity.
    """
    return linked_device_info(
        {burner_device_identifier(entry.entry_id, burner.burner_id)},
        burner.settings.name,
        stove_device_info(entry),
        entry.runtime_data.device_id,
    )


def burner_descriptions[_D: EntityDescription](
    entry: GasStoveConfigEntry, descriptions: Iterable[_D]
) -> Iterator[tuple[Burner, _D]]:
    """Each burner with each description that applies to it.

    A description with `needs_flame` set (Flame, Cooking time) applies only to
    burners that have a flame source.
    """
    stove = entry.runtime_data
    for burner in stove.burners.values():
        has_flame = stove.watches[burner.burner_id].flame is not None
        for description in descriptions:
            if has_flame or not getattr(description, "needs_flame", False):
                yield burner, description


class BurnerEntity(Entity):
    """An entity of one burner; state comes from the burner object."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        entry: GasStoveConfigEntry,
        burner: Burner,
        description: EntityDescription,
    ) -> None:
        """Put the entity on its burner's device."""
        self.entity_description = description
        self.burner = burner
        self.watch = entry.runtime_data.watches[burner.burner_id]
        self.timer = entry.runtime_data.timers[burner.burner_id]
        self._attr_unique_id = f"{entry.entry_id}_{burner.burner_id}_{description.key}"
        entry.runtime_data.unique_ids.add(self._attr_unique_id)
        self._attr_device_info = burner_device_info(entry, burner)

    # True while an action of this entity runs: its changes are the person's.
    _acting = False

    async def async_added_to_hass(self) -> None:
        """Follow the burner's changes."""
        await super().async_added_to_hass()
        self.async_on_remove(self.burner.async_add_listener(self._burner_changed))
        self.async_on_remove(self.watch.async_add_listener(self._burner_changed))
        self.async_on_remove(self.timer.async_add_listener(self._burner_changed))

    @callback
    def _burner_changed(self) -> None:
        if not self._acting:
            # The burner changed by itself (a pulse ending, a poll, a timer):
            # not in the context of the last action, or the logbook says the
            # person turned the gas back on 2 s after turning it off.
            self.async_set_context(Context())
        self.async_write_ha_state()

    @property
    def available(self) -> bool:
        """Unavailable while the relay cannot be reached."""
        return self.burner.available


class ShutOffEntity(BurnerEntity):
    """An entity whose action can shut a burner off: it never goes unavailable.

    Home Assistant silently skips actions on unavailable entities: a Gas
    switch that went unavailable with its relay would swallow a shut-off from
    an automation or a voice assistant (Assist would even answer "turned
    off"). So these stay available, show *unknown* where the relay state is
    not known, and a shut-off the relay does not confirm fails with a
    translated error and raises the Problem.
    """

    @property
    def available(self) -> bool:
        """Always: the action must reach the burner and report its outcome."""
        return True


def relay_errors[_E: BurnerEntity, **_P](
    func: Callable[Concatenate[_E, _P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[_E, _P], Coroutine[Any, Any, None]]:
    """Turn relay failures, a refused release and a refused timer into translated errors."""

    async def handler(self: _E, /, *args: _P.args, **kwargs: _P.kwargs) -> None:
        self._acting = True
        try:
            await func(self, *args, **kwargs)
        except BurnerNotLit as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="burner_not_lit",
                translation_placeholders={"burner": err.burner},
            ) from err
        except BurnerHeld as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="burner_escalated" if err.escalated else "burner_held",
                translation_placeholders={"burner": err.burner},
            ) from err
        except RelayRejected as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="relay_rejected",
                translation_placeholders={
                    "burner": self.burner.settings.name,
                    "code": str(err.code),
                },
            ) from err
        except RelayError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="relay_unreachable_action",
                translation_placeholders={"burner": self.burner.settings.name},
            ) from err
        finally:
            self._acting = False

    return handler
