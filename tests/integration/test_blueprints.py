"""The automation blueprints in blueprints/automation/gas_stove, run by Home Assistant.

The blueprints only read event and flame states and call actions, so these tests
set those states directly and mock the actions; the integration is not loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import logging
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint, DomainBlueprints
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import extract_inputs, load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
import yaml

from custom_components.gas_stove.compat import linked_device_info
from custom_components.gas_stove.const import ShutOffReason, StoveEvent

BLUEPRINT_DIR = Path(__file__).parents[2] / "blueprints" / "automation" / "gas_stove"
NOTIFY = "notify_stove_events.yaml"
HOOD = "hood_linkage.yaml"

LEFT_EVENTS = "event.left_burner_events"
RIGHT_EVENTS = "event.right_burner_events"
LEFT_FLAME = "binary_sensor.left_burner_flame"
RIGHT_FLAME = "binary_sensor.right_burner_flame"
HOOD_SWITCH = "switch.kitchen_hood"
HOOD_FAN = "fan.kitchen_hood"
OURS = "input_boolean.hood_by_stove"
EVENT_TYPES = [
    "flame_on",
    "flame_off",
    "shut_off",
    "shutoff_failed",
    "timer_warning",
    "timer_expired",
    "unattended_warning",
    "dry_pot_warning",
    "dry_pot_silenced",
]


@pytest.fixture(autouse=True)
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A configuration folder holding our blueprints, as after importing them."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "gas_stove"
    target.mkdir(parents=True)
    for name in (NOTIFY, HOOD):
        shutil.copy(BLUEPRINT_DIR / name, target / name)
    return target


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A template that fails while rendering only logs; make it fail the test."""
    yield
    # asyncio's slow-callback warnings only reflect the frozen clock jumping;
    # the loader warns about every custom integration.
    errors = [
        record.getMessage()
        for record in caplog.get_records("call")
        if record.levelno >= logging.WARNING
        and record.name not in ("asyncio", "homeassistant.loader")
    ]
    assert errors == []


async def _automation(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> str:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "under_test",
                    "alias": "Under test",
                    "use_blueprint": {"path": f"gas_stove/{blueprint}", "input": inputs},
                }
            ]
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get("automation.under_test")
    assert state is not None
    # A blueprint or config that fails validation gives an unavailable automation.
    assert state.state == "on", state.attributes
    return "automation.under_test"


# --- every blueprint is valid -----------------------------------------------------


@pytest.mark.parametrize("name", [NOTIFY, HOOD])
def test_blueprint_is_valid(name: str) -> None:
    data = load_yaml_dict(BLUEPRINT_DIR / name)
    blueprint = Blueprint(
        data, expected_domain="automation", path=name, schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.validate() is None  # min_version satisfied
    # Every declared input is used, and every used input is declared.
    assert extract_inputs(data) == set(blueprint.inputs)
    assert blueprint.metadata["source_url"].endswith(f"blueprints/automation/gas_stove/{name}")
    assert blueprint.metadata["homeassistant"]["min_version"] == "2025.4.0"


def test_notify_blueprint_matches_the_integration() -> None:
    """Every shut-off reason can be chosen; every reported event type exists."""
    inputs = load_yaml_dict(BLUEPRINT_DIR / NOTIFY)["blueprint"]["input"]
    reasons = inputs["events_section"]["input"]["shut_off_reasons"]
    assert {option["value"] for option in reasons["selector"]["select"]["options"]} == {
        reason.value for reason in ShutOffReason
    }
    assert set(reasons["default"]) <= {reason.value for reason in ShutOffReason}
    reported = {
        "shut_off",
        "shutoff_failed",
        "timer_warning",
        "unattended_warning",
        "dry_pot_warning",
    }
    assert reported <= {event.value for event in StoveEvent}
    assert set(EVENT_TYPES) == {event.value for event in StoveEvent}


async def test_blueprints_listed(hass: HomeAssistant) -> None:
    """Home Assistant's blueprint loader reads both files without errors."""
    await _automation(
        hass,
        HOOD,
        {"flame_sensors": [LEFT_FLAME], "hood": HOOD_SWITCH, "turned_on_by_automation": OURS},
    )
    domain_blueprints: DomainBlueprints = hass.data["blueprint"]["automation"]
    found = await domain_blueprints.async_get_blueprints()
    assert {f"gas_stove/{NOTIFY}", f"gas_stove/{HOOD}"} <= set(found)
    for path in (NOTIFY, HOOD):
        assert isinstance(found[f"gas_stove/{path}"], Blueprint), found[f"gas_stove/{path}"]


# --- notify on stove events -------------------------------------------------------


def _fire(hass: HomeAssistant, entity_id: str, event_type: str, **attributes: Any) -> None:
    """What the burner's event entity writes for an event: its time and the data."""
    hass.states.async_set(
        entity_id,
        dt_util.utcnow().isoformat(timespec="milliseconds"),
        {
            "event_types": EVENT_TYPES,
            "event_type": event_type,
            "friendly_name": "Test stove Left burner events",
            "burner": "Left burner",
            **attributes,
        },
    )


@pytest.fixture
def phone(hass: HomeAssistant) -> list[ServiceCall]:
    calls: list[ServiceCall] = async_mock_service(hass, "notify", "test_phone")
    return calls


@pytest.fixture
def shut_off_calls(hass: HomeAssistant) -> list[ServiceCall]:
    calls: list[ServiceCall] = async_mock_service(hass, "gas_stove", "shut_off")
    return calls


async def _notify(hass: HomeAssistant, **inputs: Any) -> None:
    await _automation(
        hass,
        NOTIFY,
        {
            "event_entities": [LEFT_EVENTS, RIGHT_EVENTS],
            "notify_service": "notify.test_phone",
            **inputs,
        },
    )


@pytest.mark.parametrize(
    ("event_type", "attributes", "message", "asks"),
    [
        (
            "shut_off",
            {"reason": "timer", "verified": True, "seconds": 1.2},
            "Left burner was turned off by its timer. Turn the knob to off.",
            False,
        ),
        (
            "shut_off",
            {"reason": "max_runtime", "verified": True, "seconds": 40.0, "late": True},
            "Left burner was turned off after the maximum burn time. "
            "The flame went out only after a delay. Turn the knob to off.",
            False,
        ),
        (
            "shut_off",
            {"reason": "unattended", "verified": False, "seconds": 0.4},
            "Left burner was turned off because nobody was in the kitchen. Turn the knob to off.",
            False,
        ),
        (
            "shut_off",
            {"reason": "emergency", "verified": True, "trigger": "binary_sensor.kitchen_smoke"},
            "Left burner was cut because Kitchen smoke detector went off. "
            "It stays locked until a person unlocks its Child lock. Turn the knob to off.",
            False,
        ),
        (
            "shutoff_failed",
            {"reason": "timer", "flame": "on", "seconds": 15.0},
            "Left burner is still lit after it was turned off by its timer. "
            "Is a knob held in? Check the stove. Turn the knob to off. Turn off the stove?",
            True,
        ),
        (
            "shutoff_failed",
            {"reason": "voice", "flame": "unknown", "seconds": 15.0},
            "Left burner was turned off by a voice command, but its flame cannot be read. "
            "Check the stove. Turn the knob to off. Turn off the stove?",
            True,
        ),
        (
            "shutoff_failed",
            {"reason": "service", "relay": "not_confirmed", "seconds": 6.1},
            "Left burner could not be turned off by an automation or script: its relay did "
            "not confirm the cut. It may still be lit. Check the stove. Turn the knob to off. "
            "Turn off the stove?",
            True,
        ),
        (
            "timer_warning",
            {"seconds_left": 60, "deadline": "2025-05-01T12:00:00+00:00"},
            "Left burner turns off in 1 minute.",
            False,
        ),
        (
            "timer_warning",
            {"seconds_left": 30, "deadline": "2025-05-01T12:00:00+00:00"},
            "Left burner turns off in 30 seconds.",
            False,
        ),
        (
            "unattended_warning",
            {"minutes_unattended": 10, "shut_off_in_seconds": 300},
            "Left burner is lit and nobody has been in the kitchen for 10 minutes. "
            "It turns off in 5 minutes. Turn off the stove?",
            True,
        ),
        (
            "dry_pot_warning",
            {"temperature": 131.5, "rate": 42.0, "shut_off_in_seconds": 30},
            "Left burner: the pot is at 131.5 °C and boiling dry. It turns off in 30 seconds "
            "unless someone silences the dry-pot guard. Turn off the stove?",
            True,
        ),
        (
            "shut_off",
            {"reason": "dry_pot", "verified": True, "seconds": 1.2, "was_lit": True},
            "Left burner was turned off because the pot was boiling dry. Turn the knob to off.",
            False,
        ),
    ],
)
async def test_notify_messages(
    hass: HomeAssistant,
    phone: list[ServiceCall],
    event_type: str,
    attributes: dict[str, Any],
    message: str,
    asks: bool,
) -> None:
    hass.states.async_set(
        "binary_sensor.kitchen_smoke", "on", {"friendly_name": "Kitchen smoke detector"}
    )
    hass.states.async_set(LEFT_EVENTS, "unknown", {"event_types": EVENT_TYPES})
    await _notify(hass)

    _fire(hass, LEFT_EVENTS, event_type, **attributes)
    await hass.async_block_till_done()

    assert len(phone) == 1
    data = phone[0].data
    assert data["title"] == "Gas stove"
    assert data["message"] == message
    extra = data["data"]
    assert extra["tag"].startswith("gas_stove_")
    if asks:
        assert extra["actions"] == [
            {"action": f"GAS_STOVE_SHUT_OFF_{LEFT_EVENTS}", "title": "Turn off"}
        ]
        assert extra["push"] == {"interruption-level": "time-sensitive"}
    else:
        assert "actions" not in extra


async def test_notify_filters(
    hass: HomeAssistant, phone: list[ServiceCall], freezer: FrozenDateTimeFactory
) -> None:
    """Only wanted, new events are reported; the same event twice is reported twice."""
    await _notify(hass, notify_service="test_phone", notify_timer_warning=False)

    def tick() -> None:
        freezer.tick(timedelta(seconds=1))

    # Events the blueprint does not report at all, or not with these settings.
    ignored: list[tuple[str, dict[str, Any]]] = [
        ("flame_on", {}),
        ("flame_off", {"seconds": 300}),
        ("timer_expired", {"late_seconds": 0, "shut_off": True}),
        ("timer_warning", {"seconds_left": 60}),
        ("shut_off", {"reason": "manual", "verified": True}),
        ("shut_off", {"reason": "timer", "verified": True, "was_lit": False}),
    ]
    for event_type, attributes in ignored:
        tick()
        _fire(hass, LEFT_EVENTS, event_type, **attributes)
        await hass.async_block_till_done()
    assert phone == []

    # A restored state (the last event, from before a restart) is not news.
    hass.states.async_set(LEFT_EVENTS, "unavailable", {"restored": True})
    await hass.async_block_till_done()
    hass.states.async_set(
        LEFT_EVENTS,
        (dt_util.utcnow() - timedelta(hours=3)).isoformat(),
        {"event_type": "shut_off", "reason": "timer", "burner": "Left burner"},
    )
    await hass.async_block_till_done()
    assert phone == []

    # The same event twice in a row: two notifications (the state is the time).
    for _ in range(2):
        tick()
        _fire(hass, RIGHT_EVENTS, "shut_off", reason="timer", verified=True, burner="Right burner")
        await hass.async_block_till_done()
    assert [call.data["message"] for call in phone] == [
        "Right burner was turned off by its timer. Turn the knob to off.",
        "Right burner was turned off by its timer. Turn the knob to off.",
    ]
    # An attribute-only change (a renamed entity) is not an event.
    state = hass.states.get(RIGHT_EVENTS)
    assert state is not None
    hass.states.async_set(RIGHT_EVENTS, state.state, {**state.attributes, "friendly_name": "x"})
    await hass.async_block_till_done()
    assert len(phone) == 2

    # An emergency is reported even for a burner that was not lit.
    tick()
    _fire(
        hass, LEFT_EVENTS, "shut_off", reason="emergency", was_lit=False, trigger="binary_sensor.x"
    )
    await hass.async_block_till_done()
    assert len(phone) == 3
    assert (
        phone[2].data["message"].startswith("Left burner was cut because binary_sensor.x went off.")
    )
    assert phone[2].data["data"]["tag"] == f"gas_stove_emergency_{LEFT_EVENTS}"

    # An event entity that was not selected.
    tick()
    _fire(
        hass, "event.other_stove_left_burner_events", "shutoff_failed", reason="timer", flame="on"
    )
    await hass.async_block_till_done()
    assert len(phone) == 3


@pytest.fixture
def stove_device(hass: HomeAssistant) -> str:
    """A stove device with a device per burner, each with its events, as the integration does."""
    entry = MockConfigEntry(domain="gas_stove", title="Test stove")
    entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    stove = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("gas_stove", "stove")}, name="Test stove"
    )
    for burner in ("left", "right"):
        info = linked_device_info(
            {("gas_stove", f"stove_{burner}")},
            f"{burner} burner",
            {"identifiers": {("gas_stove", "stove")}},
            stove.id,
        )
        if "parent_device_id" in info:
            device = devices.async_get_or_create_child(config_entry_id=entry.entry_id, **info)
        else:
            device = devices.async_get_or_create(config_entry_id=entry.entry_id, **info)
        er.async_get(hass).async_get_or_create(
            "event",
            "gas_stove",
            f"stove_{burner}_events",
            suggested_object_id=f"{burner}_burner_events",
            config_entry=entry,
            device_id=device.id,
        )
    return stove.id


async def test_tapping_turn_off_shuts_the_stove_off(
    hass: HomeAssistant,
    phone: list[ServiceCall],
    shut_off_calls: list[ServiceCall],
    stove_device: str,
) -> None:
    """The notification's button calls gas_stove.shut_off for the stove of the event."""
    await _notify(hass)

    _fire(hass, LEFT_EVENTS, "unattended_warning", minutes_unattended=10.0, shut_off_in_seconds=300)
    await hass.async_block_till_done()
    assert len(phone) == 1
    assert phone[0].data["title"] == "Test stove"
    action = phone[0].data["data"]["actions"][0]["action"]

    # Someone else's notification action, and one for a burner not selected.
    for other in ("SOME_OTHER_ACTION", "GAS_STOVE_SHUT_OFF_event.other_stove_events"):
        hass.bus.async_fire("mobile_app_notification_action", {"action": other})
        await hass.async_block_till_done()
    assert shut_off_calls == []

    hass.bus.async_fire("mobile_app_notification_action", {"action": action, "tag": "x"})
    await hass.async_block_till_done()
    assert len(shut_off_calls) == 1
    assert cv.ensure_list(shut_off_calls[0].data["device_id"]) == [stove_device]
    assert "entity_id" not in shut_off_calls[0].data


async def test_emergency_is_reported_once_per_stove(
    hass: HomeAssistant,
    phone: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
    stove_device: str,
) -> None:
    """Every burner's emergency shut-off has its own event; one message is enough."""
    speak = async_mock_service(hass, "tts", "speak")
    hass.states.async_set("binary_sensor.kitchen_smoke", "on", {"friendly_name": "Kitchen smoke"})
    await _notify(hass, tts_entity="tts.piper", media_players=["media_player.kitchen"])
    message = (
        "Every burner of Test stove was cut because Kitchen smoke went off. "
        "The burners stay locked until a person unlocks their Child locks. Turn the knob to off."
    )
    emergency = {"reason": "emergency", "trigger": "binary_sensor.kitchen_smoke"}

    # Within a millisecond (both events before the automation's runs have
    # read the states, on releases that defer them) ...
    _fire(hass, RIGHT_EVENTS, "shut_off", burner="Right burner", was_lit=False, **emergency)
    freezer.tick(timedelta(milliseconds=1))
    _fire(hass, LEFT_EVENTS, "shut_off", verified=True, **emergency)
    await hass.async_block_till_done()
    # ... or one after the other.
    freezer.tick(timedelta(minutes=5))
    _fire(hass, RIGHT_EVENTS, "shut_off", burner="Right burner", **emergency)
    await hass.async_block_till_done()
    freezer.tick(timedelta(seconds=0.3))
    _fire(hass, LEFT_EVENTS, "shut_off", **emergency)
    await hass.async_block_till_done()

    assert [call.data["message"] for call in phone] == [message, message]
    assert {call.data["data"]["tag"] for call in phone} == {f"gas_stove_emergency_{stove_device}"}
    assert phone[0].data["data"]["priority"] == "high"
    assert [call.data["message"] for call in speak] == [message, message]


async def test_tapping_turn_off_shuts_only_the_burner_off(
    hass: HomeAssistant, phone: list[ServiceCall], shut_off_calls: list[ServiceCall]
) -> None:
    await _notify(hass, turn_off_scope="burner")
    _fire(hass, LEFT_EVENTS, "shutoff_failed", reason="timer", flame="on")
    await hass.async_block_till_done()
    assert (
        phone[0]
        .data["message"]
        .endswith("Check the stove. Turn the knob to off. Turn off Left burner?")
    )

    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": f"GAS_STOVE_SHUT_OFF_{LEFT_EVENTS}"}
    )
    await hass.async_block_till_done()
    assert len(shut_off_calls) == 1
    assert cv.ensure_list(shut_off_calls[0].data["entity_id"]) == [LEFT_EVENTS]
    assert "device_id" not in shut_off_calls[0].data


@pytest.mark.parametrize(
    ("event_type", "attributes", "message"),
    [
        (
            "shut_off",
            {"reason": "timer", "verified": True, "seconds": 1.2},
            "左灶已由它的定时器关闭。关火后请把旋钮拧到关闭位置。",
        ),
        (
            "shut_off",
            {"reason": "emergency", "verified": True, "trigger": "binary_sensor.kitchen_smoke"},
            "厨房烟雾报警，左灶已切断。在有人解锁它的童锁之前，它保持锁定。"
            "关火后请把旋钮拧到关闭位置。",
        ),
        (
            "shutoff_failed",
            {"reason": "voice", "flame": "on", "seconds": 50.0},
            "左灶由语音命令关闭后仍在燃烧。是否有旋钮被按住？请检查灶具。"
            "关火后请把旋钮拧到关闭位置。要关闭左灶吗？",
        ),
        (
            "unattended_warning",
            {"minutes_unattended": 10, "shut_off_in_seconds": 45},
            "左灶正在燃烧，厨房里已有 10 分钟没有人。它将在 45 秒后关闭。要关闭左灶吗？",
        ),
        (
            "dry_pot_warning",
            {"temperature": 131.5, "rate": 42.0, "shut_off_in_seconds": 30},
            "左灶上的锅已到 131.5 °C，快烧干了。它将在 30 秒后关闭，除非有人关闭本次防干烧提醒。"
            "要关闭左灶吗？",
        ),
    ],
)
async def test_notify_messages_in_chinese(
    hass: HomeAssistant,
    phone: list[ServiceCall],
    event_type: str,
    attributes: dict[str, Any],
    message: str,
) -> None:
    hass.states.async_set("binary_sensor.kitchen_smoke", "on", {"friendly_name": "厨房烟雾"})
    hass.states.async_set(LEFT_EVENTS, "unknown", {"event_types": EVENT_TYPES})
    await _notify(hass, language="zh-Hans", turn_off_scope="burner")
    _fire(hass, LEFT_EVENTS, event_type, burner="左灶", **attributes)
    await hass.async_block_till_done()
    assert phone[0].data["message"] == message
    for action in phone[0].data["data"].get("actions", []):
        assert action["title"] == "关火"


async def test_no_question_when_asking_is_off(
    hass: HomeAssistant, phone: list[ServiceCall]
) -> None:
    await _notify(hass, ask_to_turn_off=False)
    _fire(hass, LEFT_EVENTS, "unattended_warning", minutes_unattended=12, shut_off_in_seconds=45)
    await hass.async_block_till_done()
    assert phone[0].data["message"] == (
        "Left burner is lit and nobody has been in the kitchen for 12 minutes. "
        "It turns off in 45 seconds."
    )
    assert "actions" not in phone[0].data["data"]


async def test_speaker_and_other_actions(hass: HomeAssistant) -> None:
    """No phone: the speaker announces, and the person's own actions get the message."""
    speak = async_mock_service(hass, "tts", "speak")
    other = async_mock_service(hass, "notify", "family_group")
    await _notify(
        hass,
        notify_service="",
        tts_entity="tts.piper",
        media_players=["media_player.kitchen"],
        other_actions=[
            {
                "action": "notify.family_group",
                "data": {"title": "{{ title }}", "message": "{{ event_type }}: {{ message }}"},
            }
        ],
    )
    _fire(hass, LEFT_EVENTS, "timer_warning", seconds_left=120)
    await hass.async_block_till_done()

    assert len(speak) == 1
    assert speak[0].data["entity_id"] == ["tts.piper"]
    assert speak[0].data["media_player_entity_id"] == ["media_player.kitchen"]
    assert speak[0].data["message"] == "Left burner turns off in 2 minutes."
    assert [call.data for call in other] == [
        {"title": "Gas stove", "message": "timer_warning: Left burner turns off in 2 minutes."}
    ]


# --- range hood -------------------------------------------------------------------


class Hood:
    """A hood that follows switch/fan turn_on/turn_off like a real device."""

    def __init__(self, hass: HomeAssistant, entity_id: str, state: str = "off") -> None:
        self.hass = hass
        self.entity_id = entity_id
        self.calls: list[tuple[str, dict[str, Any]]] = []
        domain = entity_id.split(".")[0]
        hass.states.async_set(entity_id, state)
        for service in ("turn_on", "turn_off"):
            hass.services.async_register(domain, service, self._handler(service))

    def _handler(self, service: str) -> Any:
        @callback
        def handle(call: ServiceCall) -> None:
            data = dict(call.data)
            assert cv.ensure_list(data.pop("entity_id")) == [self.entity_id]
            self.calls.append((service, data))
            self.hass.states.async_set(self.entity_id, "on" if service == "turn_on" else "off")

        return handle

    @property
    def state(self) -> str:
        state = self.hass.states.get(self.entity_id)
        assert state is not None
        return state.state

    def person_switches(self, state: str) -> None:
        self.hass.states.async_set(self.entity_id, state)


async def _hood(hass: HomeAssistant, hood: Hood, **inputs: Any) -> None:
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"hood_by_stove": {}}}
    )
    for flame in (LEFT_FLAME, RIGHT_FLAME):
        hass.states.async_set(flame, "off")
    await _automation(
        hass,
        HOOD,
        {
            "flame_sensors": [LEFT_FLAME, RIGHT_FLAME],
            "hood": hood.entity_id,
            "turned_on_by_automation": OURS,
            **inputs,
        },
    )


async def _later(hass: HomeAssistant, freezer: FrozenDateTimeFactory, **delta: float) -> None:
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def _flame(hass: HomeAssistant, entity_id: str, state: str) -> None:
    hass.states.async_set(entity_id, state)
    await hass.async_block_till_done()


def _ours(hass: HomeAssistant) -> bool:
    state = hass.states.get(OURS)
    assert state is not None
    return state.state == "on"


async def test_hood_delay_run_on_and_relight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hood = Hood(hass, HOOD_SWITCH)
    await _hood(hass, hood, start_delay=10, run_on=3)

    await _flame(hass, LEFT_FLAME, "on")
    await _later(hass, freezer, seconds=9)
    assert hood.state == "off"
    await _later(hass, freezer, seconds=2)
    assert hood.state == "on"
    assert _ours(hass)

    # A second burner, then both out one after the other: the run-on counts
    # from the last one.
    await _flame(hass, RIGHT_FLAME, "on")
    await _flame(hass, LEFT_FLAME, "off")
    await _later(hass, freezer, minutes=5)
    assert hood.state == "on"
    await _flame(hass, RIGHT_FLAME, "off")
    await _later(hass, freezer, minutes=2)
    assert hood.state == "on"

    # Lit again during the run-on: the switch-off is cancelled.
    await _flame(hass, LEFT_FLAME, "on")
    await _later(hass, freezer, minutes=5)
    assert hood.state == "on"
    await _flame(hass, LEFT_FLAME, "off")
    await _later(hass, freezer, minutes=2, seconds=50)
    assert hood.state == "on"
    await _later(hass, freezer, seconds=15)
    assert hood.state == "off"
    assert not _ours(hass)
    assert [service for service, _ in hood.calls] == ["turn_on", "turn_off"]


async def test_hood_a_short_flame_does_not_start_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hood = Hood(hass, HOOD_SWITCH)
    await _hood(hass, hood, start_delay=30)
    await _flame(hass, LEFT_FLAME, "on")
    await _later(hass, freezer, seconds=20)
    await _flame(hass, LEFT_FLAME, "off")
    await _later(hass, freezer, minutes=10)
    assert hood.calls == []
    assert not _ours(hass)


async def test_hood_person_switching_off_while_cooking_stands_it_down(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hood = Hood(hass, HOOD_SWITCH)
    await _hood(hass, hood)  # defaults: no delay, 3 min run-on

    await _flame(hass, LEFT_FLAME, "on")
    await _later(hass, freezer, seconds=1)
    assert hood.state == "on"

    hood.person_switches("off")
    await hass.async_block_till_done()
    assert not _ours(hass)
    # Another burner lit in the same session does not bring it back.
    await _flame(hass, RIGHT_FLAME, "on")
    await _later(hass, freezer, minutes=1)
    assert hood.state == "off"
    # The person turns it on again by hand: theirs, so it stays on afterwards.
    hood.person_switches("on")
    await _flame(hass, LEFT_FLAME, "off")
    await _flame(hass, RIGHT_FLAME, "off")
    await _later(hass, freezer, minutes=4)
    assert hood.state == "on"
    assert [service for service, _ in hood.calls] == ["turn_on"]

    # The next cooking session with the hood off: the linkage is back.
    hood.person_switches("off")
    await _flame(hass, RIGHT_FLAME, "on")
    await _later(hass, freezer, seconds=1)
    assert hood.state == "on"
    assert _ours(hass)


async def test_hood_on_before_cooking_is_left_on(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hood = Hood(hass, HOOD_SWITCH, state="on")
    await _hood(hass, hood, run_on=0)
    await _flame(hass, LEFT_FLAME, "on")
    await _later(hass, freezer, minutes=10)
    await _flame(hass, LEFT_FLAME, "off")
    await _later(hass, freezer, minutes=10)
    assert hood.state == "on"
    assert hood.calls == []
    assert not _ours(hass)


async def test_hood_fan_speed(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    hood = Hood(hass, HOOD_FAN)
    await _hood(hass, hood, fan_percentage=60, run_on=1)
    await _flame(hass, RIGHT_FLAME, "on")
    await _later(hass, freezer, seconds=1)
    await _flame(hass, RIGHT_FLAME, "unavailable")  # counts as out
    await _later(hass, freezer, minutes=1, seconds=1)
    assert hood.calls == [("turn_on", {"percentage": 60}), ("turn_off", {})]


def _documented_automation() -> dict[str, Any]:
    """The "your own automations" example of the docs, as written there."""
    docs = BLUEPRINT_DIR.parents[2] / "docs" / "kitchen-guards-and-blueprints.md"
    section = docs.read_text(encoding="utf-8").split("### Your own automations on stove events")[1]
    example = section.split("```yaml", 1)[1].split("```", 1)[0]
    automation: dict[str, Any] = yaml.safe_load(example)["automation"][0]
    automation["triggers"][0]["entity_id"] = LEFT_EVENTS
    automation["actions"] = [
        {
            "action": "notify.test_phone",
            "data": {"message": "{{ trigger.to_state.attributes.event_type }}"},
        }
    ]
    return {**automation, "id": "documented"}


@pytest.mark.parametrize("second", ["shut_off", "timer_warning"])
async def test_two_events_in_one_millisecond_each_reach_an_automation(
    hass: HomeAssistant, phone: list[ServiceCall], second: str
) -> None:
    """A verified shut-off fires flame_off and shut_off together: one state, new attributes."""
    hass.states.async_set(LEFT_EVENTS, "unknown", {"event_types": EVENT_TYPES})
    blueprint = {
        "id": "under_test",
        "alias": "Under test",
        "use_blueprint": {
            "path": f"gas_stove/{NOTIFY}",
            "input": {
                "event_entities": [LEFT_EVENTS],
                "notify_service": "notify.test_phone",
                "shut_off_reasons": ["timer"],
            },
        },
    }
    assert await async_setup_component(
        hass, "automation", {"automation": [blueprint, _documented_automation()]}
    )
    await hass.async_block_till_done()
    at = dt_util.utcnow().isoformat(timespec="milliseconds")
    for event_type, attributes in (
        ("flame_off", {}),
        (second, {"reason": "timer", "verified": True, "seconds_left": 60}),
    ):
        hass.states.async_set(
            LEFT_EVENTS,
            at,
            {"event_types": EVENT_TYPES, "event_type": event_type, "burner": "Left burner"}
            | attributes,
        )
    await hass.async_block_till_done()
    messages = [call.data["message"] for call in phone]
    if second == "shut_off":
        # The blueprint reports the second event of the millisecond.
        assert messages == ["Left burner was turned off by its timer. Turn the knob to off."]
    else:
        # The documented automation catches its event, the second of the millisecond.
        assert "timer_warning" in messages
    # A renamed entity is no new event for either.
    state = hass.states.get(LEFT_EVENTS)
    assert state is not None
    hass.states.async_set(LEFT_EVENTS, state.state, {**state.attributes, "friendly_name": "x"})
    await hass.async_block_till_done()
    assert len(phone) == len(messages)
