"""After a remote cut the knob is still open: every shut-off message says to turn it off.

Issue 16 (hardware review D2): the flame-failure valve is then the only barrier, and
pushing the knob lets gas through again.
"""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.components import persistent_notification
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
import pytest

from tests.conftest import Kitchen, wait_for
from tests.integration.test_kitchen import GAS_LEAK, _start

TRANSLATIONS = Path(__file__).parents[2] / "custom_components/gas_stove/translations"
REMINDER = {"en": "Turn the knob to off", "zh-Hans": "关火后请把旋钮拧到关闭位置"}


@pytest.mark.parametrize("language", sorted(REMINDER))
def test_every_shut_off_repair_ends_with_the_knob(language: str) -> None:
    issues = json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8"))["issues"]
    for key in ("shutoff_unconfirmed", "relay_not_confirmed", "emergency"):
        last = issues[key]["description"].rstrip().split("\n")[-1]
        assert last.startswith(REMINDER[language]), (key, last)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
async def test_the_emergency_notification_ends_with_the_knob(
    hass: HomeAssistant, kitchen: Kitchen, language: str
) -> None:
    hass.config.language = language
    await _start(hass, kitchen, emergency_sensors=[GAS_LEAK])
    hass.states.async_set(GAS_LEAK, STATE_OFF)
    await hass.async_block_till_done()
    hass.states.async_set(GAS_LEAK, STATE_ON)
    await hass.async_block_till_done()
    notifications = persistent_notification._async_get_or_create_notifications(hass)
    await wait_for(lambda: bool(notifications))
    (message,) = [n["message"] for n in notifications.values()]
    # Every burner was cut: "knobs" in English.
    ending = {"en": "Turn the knobs to off.", "zh-Hans": REMINDER["zh-Hans"] + "。"}[language]
    assert message.rstrip().endswith(ending)
