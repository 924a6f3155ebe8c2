"""One device per burner, a part of the stove's device (issue 17, review part A)."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gas_stove.compat import name_aliases
from custom_components.gas_stove.const import DOMAIN
from tests.compat import device_by_identifier
from tests.conftest import Kitchen, wait_for
from tests.integration.common import LEFT_GAS, LEFT_LOCK, RIGHT_GAS, setup_stove, stove_entry


def _parent(device: Any) -> str | None:
    """The stove a burner's device is a part of, on either release."""
    return getattr(device, "parent_device_id", None) or device.via_device_id


def _device_of(hass: HomeAssistant, entity_id: str) -> Any:
    entity = er.async_get(hass).async_get(entity_id)
    assert entity is not None
    assert entity.device_id is not None
    device = dr.async_get(hass).async_get(entity.device_id)
    assert device is not None
    return device


async def test_each_burner_is_a_device_of_the_stove(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    stove = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    assert stove.name == "Test stove"
    left, right = _device_of(hass, LEFT_GAS), _device_of(hass, RIGHT_GAS)
    assert (left.name, right.name) == ("Left burner", "Right burner")
    assert _parent(left) == _parent(right) == stove.id
    # The Gas switch is the burner's main entity: it carries the burner's name.
    assert hass.states.get(LEFT_GAS).attributes["friendly_name"] == "Left burner"
    assert hass.states.get(LEFT_LOCK).attributes["friendly_name"] == "Left burner Child lock"
    assert _device_of(hass, LEFT_LOCK).id == left.id
    # The stove's own switch stays on the stove.
    assert _device_of(hass, "switch.test_stove_hood_linkage").id == stove.id


async def test_the_stove_device_and_its_area_shut_every_burner_off(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    stove = device_by_identifier(hass, (DOMAIN, entry.entry_id), entry.entry_id)
    assert await kitchen.left.light()
    assert await kitchen.right.light()
    await hass.services.async_call(DOMAIN, "shut_off", {"device_id": stove.id}, blocking=True)
    await wait_for(lambda: not kitchen.left.flame and not kitchen.right.flame, timeout=3)

    # A stove in the kitchen: "everything in the kitchen" reaches its burners.
    kitchen_area = ar.async_get(hass).async_create("Kitchen")
    dr.async_get(hass).async_update_device(stove.id, area_id=kitchen_area.id)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    await wait_for(lambda: kitchen.left.loop_closed and kitchen.right.loop_closed, timeout=5)
    assert await kitchen.left.light()
    assert await kitchen.right.light()
    await hass.services.async_call(DOMAIN, "shut_off", {"area_id": kitchen_area.id}, blocking=True)
    await wait_for(lambda: not kitchen.left.flame and not kitchen.right.flame, timeout=3)
    await wait_for(lambda: kitchen.left.loop_closed and kitchen.right.loop_closed, timeout=5)
    assert await kitchen.left.light()
    await hass.services.async_call(
        "switch", "turn_off", {"area_id": kitchen_area.id}, blocking=True
    )
    await wait_for(lambda: not kitchen.left.flame, timeout=3)


async def test_an_older_install_keeps_its_entity_ids_and_loses_only_the_written_alias(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    written = stove_entry(kitchen)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=written.title,
        unique_id=written.unique_id,
        data=dict(written.data),
        options=dict(written.options),
        minor_version=2,
    )
    entry.add_to_hass(hass)
    # What 0.3.0 left: every entity on the stove's device, the stove's name in
    # the entity ids, and the burner's name written as the Gas switch's alias.
    devices, entities = dr.async_get(hass), er.async_get(hass)
    stove = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, entry.entry_id)}, name="Test stove"
    )
    old: dict[str, str] = {}
    for burner_id, name in (("left", "Left burner"), ("right", "Right burner")):
        gas = entities.async_get_or_create(
            "switch",
            DOMAIN,
            f"{entry.entry_id}_{burner_id}_gas",
            suggested_object_id=f"test_stove_{burner_id}_burner_gas",
            config_entry=entry,
            device_id=stove.id,
            original_name=f"{name} gas",
        )
        old[burner_id] = gas.entity_id
        entities.async_update_entity(gas.entity_id, aliases=name_aliases(gas, name))
    # A person changed the right one: that alias is theirs.
    right_aliases = entities.async_get(old["right"]).aliases
    entities.async_update_entity(
        old["right"], aliases={"Wok"} if isinstance(right_aliases, set) else ["Wok"]
    )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.minor_version == 3
    assert old["left"] == "switch.test_stove_left_burner_gas"
    left = entities.async_get(old["left"])
    right = entities.async_get(old["right"])
    assert left is not None and right is not None
    assert not [alias for alias in left.aliases if isinstance(alias, str)]
    assert [alias for alias in right.aliases if isinstance(alias, str)] == ["Wok"]
    assert _device_of(hass, old["left"]).name == "Left burner"
    assert hass.states.get(old["left"]) is not None
    # The burners' device keeps no stale twin: exactly one device per burner.
    assert len({_device_of(hass, old[b]).id for b in old}) == 2


async def test_a_burner_no_longer_in_the_entry_takes_its_device_with_it(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    right_device = _device_of(hass, RIGHT_GAS).id
    left_only = [burner for burner in entry.data["burners"] if burner["burner_id"] == "left"]
    hass.config_entries.async_update_entry(entry, data={**entry.data, "burners": left_only})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert dr.async_get(hass).async_get(right_device) is None
    assert hass.states.get(RIGHT_GAS) is None
    assert hass.states.get(LEFT_GAS) is not None
