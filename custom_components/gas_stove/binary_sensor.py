"""Flame and Problem sensors of each burner."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .compat import BinarySensorDeviceClass
from .entity import BurnerEntity, burner_descriptions
from .stove import GasStoveConfigEntry
from .watch import BurnerWatch

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BurnerBinarySensorDescription(BinarySensorEntityDescription):
    """How a burner's binary sensor reads its watch."""

    is_on_fn: Callable[[BurnerWatch], bool | None]
    available_fn: Callable[[BurnerWatch], bool]
    attributes_fn: Callable[[BurnerWatch], Mapping[str, Any] | None] = lambda _watch: None
    needs_flame: bool = False


def _problem_attributes(watch: BurnerWatch) -> Mapping[str, Any]:
    return {
        "reason": watch.problem,
        "reasons": sorted(watch.problems),
        # Without a flame source nothing can confirm that a flame went out.
        "flame_checks": watch.flame is not None,
    }


BINARY_SENSORS: tuple[BurnerBinarySensorDescription, ...] = (
    BurnerBinarySensorDescription(
        # No device class: "heat" reads Hot/Normal, 过热/正常 (overheating!)
        # for a cooking flame; the flame has its own states, Lit/Out.
        key="flame",
        translation_key="flame",
        is_on_fn=lambda watch: watch.flame.state if watch.flame else None,
        available_fn=lambda watch: watch.flame is not None and watch.flame.available,
        needs_flame=True,
    ),
    BurnerBinarySensorDescription(
        key="problem",
        translation_key="problem",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda watch: bool(watch.problems),
        available_fn=lambda _watch: True,
        attributes_fn=_problem_attributes,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: GasStoveConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Flame (where a source exists) and Problem per burner."""
    async_add_entities(
        BurnerBinarySensor(entry, burner, description)
        for burner, description in burner_descriptions(entry, BINARY_SENSORS)
    )


class BurnerBinarySensor(BurnerEntity, BinarySensorEntity):
    """A binary sensor that is a view onto its burner's watch."""

    entity_description: BurnerBinarySensorDescription

    @property
    def available(self) -> bool:
        """Follow the source, not the relay."""
        return self.entity_description.available_fn(self.watch)

    @property
    def is_on(self) -> bool | None:
        """Read from the watch."""
        return self.entity_description.is_on_fn(self.watch)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The problem's reason, translated by the frontend."""
        return self.entity_description.attributes_fn(self.watch)
