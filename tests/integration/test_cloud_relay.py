"""A relay reached through a cloud (Xiaomi Home, xiaomi-miot): late, lost or assumed states.

The burners' relays are switch entities of a cloud-backed integration
(`tests/integration/cloud_switch.py` over `emulator.cloud.CloudLink`), in
front of the emulated relay and stove; the flame is read from the emulated
flame sensor over real UDP where a test gives the stove one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gas_stove.const import DOMAIN
from emulator.cloud import CloudLink
from tests.compat import burner_entity_id
from tests.conftest import TOKEN, Kitchen, KitchenFactory, wait_for
from tests.integration.cloud_switch import setup_cloud_switches
from tests.integration.common import EventLog, state_of

GAS = burner_entity_id("switch", "cloud_stove", "left_burner")
LAST = burner_entity_id("sensor", "cloud_stove", "left_burner_last_shut_off")
FLAME = burner_entity_id("binary_sensor", "cloud_stove", "left_burner_flame")
EVENTS = burner_entity_id("event", "cloud_stove", "left_burner_events")
RELAY = "switch.cloud_left"


def _entry(kitchen: Kitchen, *, flame: bool = True, **settings: Any) -> MockConfigEntry:
    options: dict[str, Any] = {"name": "Left burner", "wiring": "series_nc", "pulse": 1.0}
    if flame:
        assert kitchen.sensor is not None
        options.update(
            {
                "flame_source": "miot",
                "flame_host": kitchen.sensor.host,
                "flame_token": TOKEN,
                "flame_siid": 2,
                "flame_piid": 1,
                "flame_kind": "millivolts",
                "debounce": 0.2,
                "verify_window": 4,
            }
        )
    options.update(settings)
    return MockConfigEntry(
        domain=DOMAIN,
        title="Cloud stove",
        unique_id=f"entity:{RELAY}",
        data={
            "name": "Cloud stove",
            "burners": [{"burner_id": "left", "backend": "entity", "entity_id": RELAY}],
        },
        options={"burners": {"left": options}},
    )


@pytest.fixture(autouse=True)
async def _close_links() -> AsyncIterator[None]:
    """Reports still on their way are dropped when a test ends."""
    yield
    for link in _LINKS:
        link.close()
    _LINKS.clear()


_LINKS: list[CloudLink] = []


async def _stove(
    hass: HomeAssistant, kitchen: Kitchen, link: CloudLink, *, assumed: bool = False, **entry: Any
) -> MockConfigEntry:
    _LINKS.append(link)
    await setup_cloud_switches(
        hass, {"cloud_left": link}, assumed={"cloud_left"} if assumed else None
    )
    config = _entry(kitchen, **entry)
    config.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config.entry_id)
    await hass.async_block_till_done()
    return config


async def _light(hass: HomeAssistant, kitchen: Kitchen) -> None:
    assert await kitchen.left.light()
    await wait_for(lambda: state_of(hass, FLAME) == STATE_ON, timeout=15)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_late_report_confirms_the_cut_and_is_nobodys_outside_cut(
    hass: HomeAssistant, make_kitchen: KitchenFactory, seed: int
) -> None:
    """Reports 0.3 to 3 s late: the cut is confirmed by the report, the flame goes
    out, the pulse ends at rest, and no report is taken for someone's cut."""
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, echo_delay=(0.3, 3.0), seed=seed)
    await _stove(hass, kitchen, link)
    await _light(hass, kitchen)
    events = EventLog(hass, EVENTS)

    started = asyncio.get_running_loop().time()
    await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    # Returned only once the entity showed the cut: not before its report.
    assert link.reports[-1] is True
    assert asyncio.get_running_loop().time() - started >= 0.3
    await wait_for(lambda: "shut_off" in events.types(), timeout=10)
    assert events.last("shut_off")["verified"] is True
    # The pulse's end travels the same way back to rest.
    await wait_for(lambda: link.reported is False and link.commands[-1] is False, timeout=10)
    await asyncio.sleep(3.5)  # every report still on its way arrives
    assert state_of(hass, LAST) == "manual"
    assert "external" not in [e.get("reason") for _, e in events.events]
    assert kitchen.relay.channel_state(1) is False


async def test_a_report_later_than_the_window_is_not_someone_elses_cut(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """The cut's report comes after the confirmation window: the shut-off is
    reported as not confirmed (a person sees it), and the report, when it
    comes, is recognised as ours: no `external` shut-off, back to rest."""
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, echo_delay=(3.0, 3.0), seed=1)
    await _stove(hass, kitchen, link, confirm_window=2)
    events = EventLog(hass, EVENTS)

    with pytest.raises(HomeAssistantError):
        await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert events.last("shutoff_failed")["relay"] == "not_confirmed"
    issues = ir.async_get(hass).issues
    assert any(issue_id.startswith("relay_not_confirmed") for _, issue_id in issues)
    # The reports of the cut and of the return to rest arrive late.
    await wait_for(lambda: link.reports[:1] == [True], timeout=6)
    await wait_for(lambda: link.reported is False, timeout=10)
    await asyncio.sleep(1)
    assert "external" not in [e.get("reason") for _, e in events.events]
    assert state_of(hass, LAST) != "external"
    assert kitchen.relay.channel_state(1) is False


async def test_the_window_is_an_option_of_a_switch_entity_burner(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, echo_delay=(3.0, 3.0), seed=1)
    entry = await _stove(hass, kitchen, link)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "burner_select"}
    )
    assert result["step_id"] == "burner"  # the only burner: no choice to make
    fields = {str(key): key for key in result["data_schema"].schema}
    assert fields["confirm_window"].default() == 6.0
    data = {
        "name": "Left burner",
        "wiring": "series_nc",
        "pulse": 1.0,
        "default_timer": 0,
        "max_runtime": 120,
        "timer_warning": 60,
        "countdown_siid": 0,
        "countdown_piid": 0,
        "confirm_window": 8,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], data)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"flame_source": "none"}
    )
    await hass.async_block_till_done()
    assert entry.options["burners"]["left"]["confirm_window"] == 8.0
    # A 3 s report is within 8 s: confirmed.
    await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert link.reports[-1] is True


async def test_a_lost_report_is_never_taken_for_a_confirmation(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """Every report lost: the relay really cut (the flame went out) but the
    entity never showed it, so the shut-off is not confirmed by the relay; the
    Problem is raised, and nothing assumes the cut."""
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, drop_echo=1.0, seed=1)
    await _stove(hass, kitchen, link, confirm_window=2)
    await _light(hass, kitchen)
    events = EventLog(hass, EVENTS)
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert link.dropped >= 1
    assert events.last("shutoff_failed")["relay"] == "not_confirmed"
    assert "shut_off" not in events.types()
    await wait_for(lambda: state_of(hass, FLAME) == STATE_OFF, timeout=10)


async def test_an_unreachable_cloud_fails_the_shut_off_visibly_and_recovers(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, echo_delay=(0.3, 0.6), seed=1)
    await _stove(hass, kitchen, link, confirm_window=2)
    link.set_online(False)
    await hass.async_block_till_done()
    assert state_of(hass, GAS) == STATE_UNKNOWN
    sent = len(link.commands)
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert len(link.commands) == sent
    link.set_online(True)
    await wait_for(lambda: state_of(hass, GAS) == STATE_ON, timeout=5)
    await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert kitchen.relay.channel_state(1) is True


async def test_an_assumed_state_switch_confirms_nothing(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """Optimistic (assumed_state): its state says yes at once. Without a flame
    source the shut-off says the relay only took the action; a repair tells
    the person that no cut of this burner can be confirmed."""
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, optimistic=True, seed=1)
    await _stove(hass, kitchen, link, assumed=True, flame=False)
    events = EventLog(hass, EVENTS)
    issue_ids = [issue_id for _, issue_id in ir.async_get(hass).issues]
    assert any(i.startswith("relay_assumed_state") for i in issue_ids), issue_ids
    await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    await wait_for(lambda: "shut_off" in events.types(), timeout=5)
    shut_off = events.last("shut_off")
    assert shut_off["verified"] is False
    assert shut_off["relay"] == "assumed"


async def test_the_flow_warns_before_taking_an_assumed_state_switch(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    kitchen = await make_kitchen()
    optimistic = CloudLink(kitchen.relay, 1, optimistic=True, seed=1)
    reporting = CloudLink(kitchen.relay, 2, seed=1)
    _LINKS.extend([optimistic, reporting])
    await setup_cloud_switches(
        hass, {"cloud_left": optimistic, "cloud_right": reporting}, assumed={"cloud_left"}
    )
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"name": "Cloud"})
    burner = {"name": "Left", "backend": "entity", "wiring": "series_nc", "pulse": 2.0}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], burner)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"entity_id": "switch.cloud_left"}
    )
    assert result["step_id"] == "entity_assumed"
    assert result["description_placeholders"] == {
        "burner": "Left",
        "entity": "switch.cloud_left",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "flame"
    # A switch that reports its state goes on without the warning.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"flame_source": "none"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "burner"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**burner, "name": "Right"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"entity_id": "switch.cloud_right"}
    )
    assert result["step_id"] == "flame"


async def test_a_switch_that_shows_the_command_is_caught_out_by_the_flame_source(
    hass: HomeAssistant, make_kitchen: KitchenFactory
) -> None:
    """Xiaomi Home and xiaomi-miot show the commanded state once the cloud took
    the command (no assumed_state). Here the command never reaches the relay:
    the entity says "cut", the flame burns on, and the flame source is what
    raises the Problem (shutoff_unconfirmed) instead of a silent success."""
    kitchen = await make_kitchen(sensor=True)
    link = CloudLink(kitchen.relay, 1, optimistic=True, lose_commands=1.0, seed=1)
    await _stove(hass, kitchen, link, confirm_window=2)
    await _light(hass, kitchen)
    events = EventLog(hass, EVENTS)
    await hass.services.async_call("switch", "turn_off", {"entity_id": GAS}, blocking=True)
    assert link.reported is True  # the entity shows the cut
    assert kitchen.relay.channel_state(1) is False  # the relay never cut
    await wait_for(lambda: "shutoff_failed" in events.types(), timeout=10)
    assert events.last("shutoff_failed")["flame"] == "on"
    issue_ids = [issue_id for _, issue_id in ir.async_get(hass).issues]
    assert any(i.startswith("shutoff_unconfirmed") for i in issue_ids), issue_ids
    assert "shut_off" not in events.types()
