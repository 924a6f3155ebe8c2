"""The safety review's "suspected but unproven" list, each proven or disproven.

Every test here failed on the code before the fix it names; the README's
safety section records the outcome of each item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
import time
from typing import Any
from unittest.mock import patch

from homeassistant.components import conversation, persistent_notification
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.components.lock import LockEntity
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import intent, issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.file import WriteError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockPlatform,
    async_fire_time_changed,
    mock_platform,
)

from custom_components.gas_stove import kitchen as kitchen_module
from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.memory import BurnerMemory
from tests.compat import burner_entity_id
from tests.conftest import Kitchen, wait_for
from tests.integration.common import (
    LEFT_EVENTS,
    LEFT_GAS,
    LEFT_LOCK,
    LEFT_PROBLEM,
    EventLog,
    setup_stove,
    stove_entry,
)
from tests.integration.test_kitchen import (
    GAS_LEAK,
    LEFT_FLAME_SOURCE,
    MOTION,
    UNATTENDED,
    _flame,
    _later,
    _start as _kitchen_start,
)

KEY = "gas_stove.{}"


def _clock_stepped(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    """The wall clock jumps (an NTP correction); the monotonic clock does not."""
    real, real_time = dt_util.utcnow, time.time
    monkeypatch.setattr(dt_util, "utcnow", lambda: real() + by)
    monkeypatch.setattr(time, "time", lambda: real_time() + by.total_seconds())


async def _timer(hass: HomeAssistant, minutes: float) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_timer",
        {"entity_id": LEFT_GAS, "duration": {"minutes": minutes}},
        blocking=True,
    )


# --- clock steps ---------------------------------------------------------------


async def test_clock_stepped_back_does_not_delay_a_timer(
    hass: HomeAssistant, kitchen: Kitchen, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_stove(hass, stove_entry(kitchen))
    assert await kitchen.left.light()
    await _timer(hass, 1)
    _clock_stepped(monkeypatch, -timedelta(hours=1))
    # One minute later by every clock but the wall clock.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=1, seconds=1))
    await wait_for(lambda: not kitchen.left.flame, timeout=3)


async def test_clock_stepped_back_does_not_delay_the_maximum_burn_time(
    hass: HomeAssistant, kitchen: Kitchen, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = stove_entry(kitchen, flame={"max_runtime": 30})
    await setup_stove(hass, entry)
    assert await kitchen.left.light()
    await wait_for(lambda: hass.states.get(LEFT_GAS) is not None)
    _clock_stepped(monkeypatch, -timedelta(hours=1))
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=31))
    await wait_for(lambda: not kitchen.left.flame, timeout=3)


def _seed(
    hass_storage: dict[str, Any], entry_id: str, burner: dict[str, Any], version: int = 2
) -> None:
    hass_storage[KEY.format(entry_id)] = {
        "version": version,
        "minor_version": 1,
        "key": KEY.format(entry_id),
        "data": {"burners": {"left": burner}, "kitchen": {}},
    }


async def test_clock_behind_at_boot_does_not_stretch_a_timer(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    """A Pi without an RTC boots an hour behind: the 5 min timer set before still ends in 5."""
    entry = stove_entry(kitchen)
    now = dt_util.utcnow()
    deadline = now + timedelta(hours=1, minutes=5)
    _seed(
        hass_storage, entry.entry_id, {"timer": {"deadline": deadline.isoformat(), "duration": 300}}
    )
    await setup_stove(hass, entry)
    timer = entry.runtime_data.timers["left"]
    assert timer.remaining is not None
    assert timer.remaining <= timedelta(minutes=5)
    assert await kitchen.left.light()
    async_fire_time_changed(hass, now + timedelta(minutes=5, seconds=1))
    await wait_for(lambda: not kitchen.left.flame, timeout=3)


async def test_clock_behind_at_boot_does_not_hold_a_pulse(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    entry = stove_entry(kitchen)
    until = dt_util.utcnow() + timedelta(hours=1)
    _seed(hass_storage, entry.entry_id, {"safety": {"pulse_until": until.isoformat()}})
    kitchen.relay.set_channel(1, True)
    await setup_stove(hass, entry)
    # The pulse (0.5 s here) ends on its own time, not an hour later.
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=3)


async def test_clock_behind_at_boot_does_not_restart_the_burning_session(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    entry = stove_entry(kitchen)
    ahead = dt_util.utcnow() + timedelta(hours=1)
    _seed(hass_storage, entry.entry_id, {"timer": {"runtime_since": ahead.isoformat()}})
    kitchen.relay.set_channel(1, False)
    await setup_stove(hass, entry)
    since = entry.runtime_data.timers["left"].runtime_since
    assert since is not None
    assert since <= dt_util.utcnow()


# --- MIoT code 1 ---------------------------------------------------------------


async def test_miot_code_1_is_an_accepted_shut_off(hass: HomeAssistant, kitchen: Kitchen) -> None:
    """Firmware that answers "accepted, completes later": confirmed by the read-back."""
    await setup_stove(hass, stove_entry(kitchen))
    assert await kitchen.left.light()
    kitchen.relay.faults.accepted_later = 0.2
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await wait_for(lambda: not kitchen.left.flame, timeout=3)
    assert hass.states.get(LEFT_PROBLEM).state == STATE_OFF


# --- failed disk writes --------------------------------------------------------


async def test_a_failed_disk_write_raises_a_problem(hass: HomeAssistant, kitchen: Kitchen) -> None:
    entry = stove_entry(kitchen)
    await setup_stove(hass, entry)
    real_write = Store._async_write_data  # the test harness's in-memory disk
    disk_full = True

    async def full_disk(self: Store[Any], *args: Any) -> None:
        if disk_full and self.key == KEY.format(entry.entry_id):
            raise WriteError("No space left on device")
        await real_write(self, *args)

    # Unwound inside the test: the harness patches the same method.
    with patch.object(Store, "_async_write_data", full_disk):
        await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
        await hass.async_block_till_done()
        problem = hass.states.get(LEFT_PROBLEM)
        assert problem.state == STATE_ON
        assert problem.attributes["reason"] == "state_not_saved"
        issue_id = f"state_not_saved_{entry.entry_id}"
        assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
        # Assist names it too, in both languages.
        assert await async_setup_component(hass, "intent", {})
        await hass.async_block_till_done()  # intent platforms load in a task
        for language, words in (
            ("en", "safety state cannot be saved"),
            ("zh-Hans", "安全状态无法保存"),
        ):
            response = await intent.async_handle(
                hass, "test", "GasStoveStatus", {}, language=language
            )
            assert words in response.speech["plain"]["speech"]
        # The card is replaced: the next write clears both.
        disk_full = False
        await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
        await hass.async_block_till_done()
    assert hass.states.get(LEFT_PROBLEM).state == STATE_OFF
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


# --- the unattended guard across a restart ---------------------------------------


async def test_a_restart_gives_an_unattended_burner_no_new_absence_time(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    hass.states.async_set(MOTION, STATE_ON)
    entry = await _kitchen_start(hass, kitchen, **UNATTENDED)
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    hass.states.async_set(MOTION, STATE_OFF)  # the cook leaves
    await hass.async_block_till_done()
    left_at = dt_util.utcnow()
    # Nine minutes unattended, then Home Assistant restarts.
    entry.runtime_data.kitchen._absence.last_presence = left_at - timedelta(minutes=9)
    await entry.runtime_data.kitchen._async_save()
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    log = EventLog(hass, LEFT_EVENTS)
    # The warning is one minute away, not ten.
    await _later(hass, minutes=1, seconds=5)
    assert "unattended_warning" in log.types()


async def test_presence_is_saved_at_most_once_a_minute(
    hass: HomeAssistant, kitchen: Kitchen, monkeypatch: pytest.MonkeyPatch
) -> None:
    hass.states.async_set(MOTION, STATE_OFF)
    entry = await _kitchen_start(hass, kitchen, **UNATTENDED)
    memory: BurnerMemory = entry.runtime_data.memory
    assert memory.kitchen().last_presence is None
    hass.states.async_set(MOTION, STATE_ON)  # within the first minute: not written
    await hass.async_block_till_done()
    assert memory.kitchen().last_presence is None
    monkeypatch.setattr(kitchen_module, "PRESENCE_SAVE_INTERVAL", timedelta(0))
    hass.states.async_set(MOTION, STATE_OFF)
    hass.states.async_set(MOTION, STATE_ON)
    await hass.async_block_till_done()
    saved = memory.kitchen().last_presence
    assert saved is not None
    assert dt_util.utcnow() - saved < timedelta(seconds=5)


# --- the voice hand-off never unlocks ----------------------------------------------


class _Padlock(LockEntity):
    _attr_name = "Shed burner"
    _attr_unique_id = "shed_burner_padlock"
    _attr_is_locked = True

    async def async_lock(self, **kwargs: Any) -> None:
        self._attr_is_locked = True
        self.async_write_ha_state()

    async def async_unlock(self, **kwargs: Any) -> None:
        self._attr_is_locked = False
        self.async_write_ha_state()


async def test_turning_off_an_unknown_burner_never_unlocks_a_lock(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """ "Turn off the shed burner", where the shed burner is a lock: not unlocked."""
    hass.config.config_dir = str(tmp_path)
    for component in ("homeassistant", "conversation", "intent"):
        assert await async_setup_component(hass, component, {})
    assert await async_setup_component(hass, DOMAIN, {})

    async def setup_platform(hass: HomeAssistant, config: Any, add: Any, info: Any = None) -> None:
        add([_Padlock()])

    mock_platform(hass, "padlock.lock", MockPlatform(async_setup_platform=setup_platform))
    assert await async_setup_component(hass, "lock", {"lock": {"platform": "padlock"}})
    await hass.async_block_till_done()
    async_expose_entity(hass, conversation.DOMAIN, "lock.shed_burner", True)
    # Our intent, as our sentence "turn off the {burner} burner" fills it: "shed"
    # is no burner of ours, so the turn-off is handed on to Home Assistant's own.
    response = await intent.async_handle(
        hass, "test", "GasStoveShutOff", {"burner": {"value": "shed"}}, language="en"
    )
    await hass.async_block_till_done()
    assert response.response_type is intent.IntentResponseType.ERROR
    assert hass.states.get("lock.shed_burner").state == "locked"


# --- escalation after a crash ----------------------------------------------------


async def test_the_second_cut_reaches_the_disk_before_the_failed_verification(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    """At every write, a failed verification on disk has its second cut beside it."""
    hass.states.async_set(LEFT_FLAME_SOURCE, STATE_OFF)
    entry = await _kitchen_start(hass, kitchen)
    memory: BurnerMemory = entry.runtime_data.memory
    on_disk: list[tuple[bool, bool]] = []
    real_write: Callable[[], Any] = memory._async_write

    async def watching() -> None:
        await real_write()
        saved = memory.verification("left")
        on_disk.append((saved is not None and saved.failed, memory.get("left").escalated))

    memory._async_write = watching  # type: ignore[method-assign]
    await _flame(hass, LEFT_FLAME_SOURCE, True)
    kitchen.left.knob_held_fault = True  # someone holds the knob in
    await hass.services.async_call("switch", "turn_off", {"entity_id": LEFT_GAS}, blocking=True)
    await _later(hass, seconds=20)
    await wait_for(lambda: any(failed for failed, _ in on_disk), timeout=3)
    assert all(escalated for failed, escalated in on_disk if failed), on_disk


# --- leftovers after deletion ------------------------------------------------------


async def test_removing_a_stove_leaves_no_repairs_or_notifications(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    entry = await _kitchen_start(hass, kitchen, emergency_sensors=[GAS_LEAK])
    hass.states.async_set(GAS_LEAK, STATE_ON)
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    await wait_for(lambda: (DOMAIN, f"emergency_{entry.entry_id}") in issues.issues)
    assert persistent_notification._async_get_or_create_notifications(hass)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not [key for key in issues.issues if key[0] == DOMAIN]
    assert f"emergency_{entry.entry_id}" not in (
        persistent_notification._async_get_or_create_notifications(hass)
    )


# --- packet rate -------------------------------------------------------------------


async def test_never_more_than_20_packets_a_second_to_one_relay(
    hass: HomeAssistant, kitchen: Kitchen
) -> None:
    """A relay that acknowledges at once and never switches: retried, never flooded.

    Each attempt (hello, write, read-back) is answered within milliseconds, so
    only the packet budget stands between the retry loop and a flood.
    """
    await setup_stove(hass, stove_entry(kitchen))
    kitchen.relay.stats.reset()
    kitchen.relay.faults.accepted_later = 3600.0
    started = dt_util.utcnow()
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "button",
            "press",
            {"entity_id": burner_entity_id("button", "test_stove", "left_burner_shut_off")},
            blocking=True,
        )
    # Still reported within the shut-off's deadline.
    assert dt_util.utcnow() - started < timedelta(seconds=8)
    assert kitchen.relay.stats.received > 40
    assert kitchen.relay.stats.busiest_second() <= 20


# --- the saved state's schema ------------------------------------------------------


async def test_a_version_1_file_is_migrated_with_everything_in_it(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    """0.2.x kept one flat dict per burner; every part of it is read back."""
    entry = stove_entry(kitchen)
    now = dt_util.utcnow()
    hass_storage[KEY.format(entry.entry_id)] = {
        "version": 1,
        "key": KEY.format(entry.entry_id),
        "data": {
            "left": {
                "hold": True,
                "last_reason": "manual",
                "last_at": now.isoformat(),
                "timer_deadline": (now + timedelta(minutes=5)).isoformat(),
                "commissioning_result": "passed",
                "commissioning_at": now.isoformat(),
                "commissioning_seconds": 1.5,
            },
            "right": "not a record",
            "_kitchen": {"hood_linkage": False},
        },
    }
    kitchen.relay.set_channel(1, True)
    await setup_stove(hass, entry)
    stove = entry.runtime_data
    assert hass.states.get(LEFT_LOCK).state == "locked"
    assert stove.timers["left"].deadline == now + timedelta(minutes=5)
    assert stove.commissioning["left"].result == "passed"
    assert stove.commissioning["left"].seconds == 1.5
    assert stove.kitchen.hood_linkage_enabled is False
    assert stove.burners["left"].last_shut_off is not None
    # Written back in the new layout with the next change.
    await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
    saved = hass_storage[KEY.format(entry.entry_id)]
    assert saved["version"] == 2
    assert saved["data"]["burners"]["left"]["safety"]["hold"] is False
    assert saved["data"]["kitchen"]["hood_linkage"] is False


async def test_an_unreadable_file_starts_from_defaults(
    hass: HomeAssistant, kitchen: Kitchen, hass_storage: dict[str, Any]
) -> None:
    entry = stove_entry(kitchen)
    hass_storage[KEY.format(entry.entry_id)] = {
        "version": 2,
        "minor_version": 1,
        "key": KEY.format(entry.entry_id),
        "data": {
            "burners": {"left": {"safety": {"hold": "yes"}, "timer": {"duration": "x"}}},
            "kitchen": [],
        },
    }
    await setup_stove(hass, entry)
    assert hass.states.get(LEFT_LOCK).state == "unlocked"
    assert entry.runtime_data.timers["left"].deadline is None
