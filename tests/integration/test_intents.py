"""Voice: the shipped sentences through Home Assistant's default conversation agent.

Every sentence goes through `conversation.async_converse`, so the hassil
templates in custom_sentences/, the intent handlers and the burners are
tested together, against the emulated relay over real UDP.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
import shutil

from home_assistant_intents import get_languages
from homeassistant.components import conversation
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.const import STATE_OFF, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import entity_registry as er, intent
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, language as language_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.gas_stove.const import DOMAIN
from custom_components.gas_stove.intent_responses import Speech, response_language
from tests.compat import burner_entity_id
from tests.conftest import Kitchen, KitchenFactory, wait_for
from tests.integration.common import (
    LEFT_FLAME,
    LEFT_GAS,
    LEFT_LAST,
    LEFT_LOCK,
    light_left,
    setup_stove,
    state_of,
    stove_entry,
)

SENTENCES = Path(__file__).parents[2] / "custom_sentences"
LEFT_TIMER = burner_entity_id("number", "test_stove", "left_burner_shut_off_timer")
RIGHT_TIMER = burner_entity_id("number", "test_stove", "right_burner_shut_off_timer")
RIGHT_LAST = burner_entity_id("sensor", "test_stove", "right_burner_last_shut_off")


async def _assist(hass: HomeAssistant, config_dir: Path, *, sentences: bool = True) -> None:
    """Assist as a person sets it up: the sentence files in <config>/custom_sentences."""
    # The harness's config dir is shared by all tests; each test gets its own.
    hass.config.config_dir = str(config_dir)
    if sentences:
        shutil.copytree(SENTENCES, config_dir / "custom_sentences")
        # Assist reads the folder named after its language variant: zh-CN
        # from 2026.x, zh-cn before (the README tells people the same).
        variant = language_util.matches("zh-Hans", set(get_languages()))[0]
        if variant != "zh-CN":
            (config_dir / "custom_sentences" / "zh-CN").rename(
                config_dir / "custom_sentences" / variant
            )
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})


async def _converse(hass: HomeAssistant, text: str, language: str = "en") -> intent.IntentResponse:
    result = await conversation.async_converse(hass, text, None, Context(), language=language)
    return result.response


async def _say(hass: HomeAssistant, text: str, language: str = "en") -> str:
    """What Assist answers; the sentence must be understood and succeed."""
    response = await _converse(hass, text, language)
    speech: str = response.speech["plain"]["speech"]
    assert response.response_type is not intent.IntentResponseType.ERROR, (text, speech)
    return speech


async def _refused(
    hass: HomeAssistant,
    text: str,
    language: str = "en",
    code: intent.IntentResponseErrorCode = intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
) -> str:
    """What Assist answers to a sentence it understood but could not carry out."""
    response = await _converse(hass, text, language)
    assert response.response_type is intent.IntentResponseType.ERROR, text
    assert response.error_code is code, text
    assert response.intent is not None, text  # understood, not "no intent match"
    speech: str = response.speech["plain"]["speech"]
    return speech


def _entity_id(hass: HomeAssistant, entry: MockConfigEntry, burner_id: str, key: str) -> str:
    """Entity ids of burners with Chinese names are transliterated: look them up."""
    domain = {
        "gas": "switch",
        "shut_off_timer": "number",
        "last_shut_off": "sensor",
        "flame": "binary_sensor",
    }[key]
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, DOMAIN, f"{entry.entry_id}_{burner_id}_{key}"
    )
    assert entity_id is not None
    return entity_id


def state_attr(hass: HomeAssistant, entity_id: str, name: str) -> object:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


def _aliases(registry: er.EntityRegistry, entity_id: str) -> set[str]:
    """The names given as aliases (2026.x also lists a marker for the full name)."""
    entry = registry.async_get(entity_id)
    assert entry is not None, entity_id
    return {alias for alias in entry.aliases if isinstance(alias, str)}


def _chinese_stove(kitchen: Kitchen) -> MockConfigEntry:
    """The burners named as a Chinese household would name them."""
    entry = stove_entry(kitchen)
    entry.options["burners"]["left"]["name"] = "左灶"
    entry.options["burners"]["right"]["name"] = "右灶"
    return entry


async def test_english_sentences(hass: HomeAssistant, kitchen: Kitchen, tmp_path: Path) -> None:
    await _assist(hass, tmp_path)
    # A 2 s pulse: the status asked right after a shut-off sees the cut.
    await setup_stove(hass, stove_entry(kitchen, pulse=2))

    assert (
        await _say(hass, "turn off the left burner")
        == "Turned off Left burner. Turn the knob to off."
    )
    assert kitchen.relay.channel_state(1) is True
    assert state_of(hass, LEFT_LAST) == "voice"
    assert await _say(hass, "what's the stove status") == (
        "Left burner: gas cut. Right burner: ready."
    )
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=5)

    # Numbers in words and in digits, hours, half hours.
    assert await _say(hass, "turn off the left burner in ten minutes") == (
        "Left burner will turn off in 10 minutes."
    )
    assert state_of(hass, LEFT_TIMER) == "10"
    assert await _say(hass, "shut the right burner off in 25 minutes") == (
        "Right burner will turn off in 25 minutes."
    )
    assert state_of(hass, RIGHT_TIMER) == "25"
    assert await _say(hass, "how long until the left burner turns off") == (
        "Left burner turns off in 10 minutes."
    )
    assert await _say(hass, "when will the stove turn off") == (
        "Left burner turns off in 10 minutes. Right burner turns off in 25 minutes."
    )
    assert await _say(hass, "cancel the timer for the right burner") == (
        "Cancelled the timer of Right burner."
    )
    assert state_of(hass, RIGHT_TIMER) == "0"
    assert await _say(hass, "how much time is left on the right burner timer") == (
        "No timer is running for Right burner."
    )
    assert await _say(hass, "set a timer for the left burner for half an hour") == (
        "Left burner will turn off in 30 minutes."
    )
    assert state_of(hass, LEFT_TIMER) == "30"
    assert await _say(hass, "turn off the left burner in an hour and a half") == (
        "Left burner will turn off in 1 hour and 30 minutes."
    )
    assert state_of(hass, LEFT_TIMER) == "90"
    # Without a flame source nothing says which burner is lit: all are timed.
    assert await _say(hass, "turn the stove off in two hours") == (
        "Left burner and Right burner will turn off in 2 hours."
    )
    assert state_of(hass, LEFT_TIMER) == state_of(hass, RIGHT_TIMER) == "120"
    assert await _say(hass, "set a stove timer for 1 hour") == (
        "Left burner and Right burner will turn off in 1 hour."
    )
    assert await _say(hass, "cancel the stove timers") == (
        "Cancelled the timer of Left burner and Right burner."
    )
    assert state_of(hass, LEFT_TIMER) == state_of(hass, RIGHT_TIMER) == "0"
    assert await _say(hass, "how long until the stove turns off") == "No stove timer is running."
    assert await _say(hass, "cancel the stove timer") == "No stove timer is running."

    await hass.services.async_call("lock", "lock", {"entity_id": LEFT_LOCK}, blocking=True)
    assert await _say(hass, "is the left burner locked") == "Left burner: child lock on."
    await hass.services.async_call("lock", "unlock", {"entity_id": LEFT_LOCK}, blocking=True)
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=5)

    # An LLM agent or a script may pass the name as it likes.
    response = await intent.async_handle(
        hass, "test", "GasStoveTimerStatus", {"burner": {"value": "The LEFT burner"}}, language="en"
    )
    assert response.speech["plain"]["speech"] == "No timer is running for Left burner."

    assert (
        await _say(hass, "turn the stove off")
        == "Turned off Left burner and Right burner. Turn the knob to off."
    )
    assert state_of(hass, LEFT_LAST) == state_of(hass, RIGHT_LAST) == "voice"
    assert kitchen.relay.channel_state(1) is kitchen.relay.channel_state(2) is True


async def test_chinese_sentences(
    hass: HomeAssistant, make_kitchen: KitchenFactory, tmp_path: Path
) -> None:
    kitchen = await make_kitchen()
    await _assist(hass, tmp_path)
    entry = _chinese_stove(kitchen)
    await setup_stove(hass, entry)
    left_timer = _entity_id(hass, entry, "left", "shut_off_timer")
    right_timer = _entity_id(hass, entry, "right", "shut_off_timer")

    assert await _say(hass, "关闭左灶", "zh-Hans") == "已关闭左灶。关火后请把旋钮拧到关闭位置。"
    assert state_of(hass, _entity_id(hass, entry, "left", "last_shut_off")) == "voice"
    assert kitchen.relay.channel_state(1) is True
    await wait_for(lambda: kitchen.relay.channel_state(1) is False, timeout=5)

    # Chinese numerals and digits; 半小时, 一刻钟, 一个半小时, 两个小时.
    assert await _say(hass, "左灶十分钟后关火", "zh-Hans") == "左灶将在10分钟后关火。"
    assert state_of(hass, left_timer) == "10"
    assert await _say(hass, "右灶25分钟后关火", "zh-Hans") == "右灶将在25分钟后关火。"
    assert state_of(hass, right_timer) == "25"
    assert await _say(hass, "左灶还有多久关火", "zh-Hans") == "左灶还有10分钟关火。"
    assert await _say(hass, "还有多久关火", "zh-Hans") == (
        "左灶还有10分钟关火。右灶还有25分钟关火。"
    )
    assert await _say(hass, "左灶半小时后关火", "zh-Hans") == "左灶将在30分钟后关火。"
    assert state_of(hass, left_timer) == "30"
    assert await _say(hass, "给右灶定时一刻钟", "zh-Hans") == "右灶将在15分钟后关火。"
    assert state_of(hass, right_timer) == "15"
    assert await _say(hass, "左灶一个半小时后关火", "zh-Hans") == ("左灶将在1小时30分钟后关火。")
    assert state_of(hass, left_timer) == "90"
    assert await _say(hass, "取消右灶的定时", "zh-Hans") == "已取消右灶的关火定时。"
    assert state_of(hass, right_timer) == "0"
    assert await _say(hass, "两个小时后关火", "zh-Hans") == "左灶和右灶将在2小时后关火。"
    assert state_of(hass, left_timer) == state_of(hass, right_timer) == "120"
    # zh-cn is what Assist calls Simplified Chinese; the answer is the same.
    assert await _say(hass, "燃气灶状态", "zh-cn") == "左灶：2小时后关火。右灶：2小时后关火。"
    assert await _say(hass, "取消关火定时", "zh-Hans") == "已取消左灶和右灶的关火定时。"
    assert state_of(hass, left_timer) == state_of(hass, right_timer) == "0"
    assert await _say(hass, "左灶开着吗", "zh-Hans") == "左灶：正常。"

    assert await _say(hass, "关火", "zh-Hans") == "已关闭左灶和右灶。关火后请把旋钮拧到关闭位置。"
    assert state_of(hass, _entity_id(hass, entry, "right", "last_shut_off")) == "voice"
    assert kitchen.relay.channel_state(1) is kitchen.relay.channel_state(2) is True


async def test_timer_for_the_lit_burners(
    hass: HomeAssistant, make_kitchen: KitchenFactory, tmp_path: Path
) -> None:
    kitchen = await make_kitchen(sensor=True)
    await _assist(hass, tmp_path)
    await setup_stove(hass, stove_entry(kitchen))
    assert await _refused(hass, "turn off the stove in 10 minutes") == (
        "No burner is lit, so no timer was set."
    )
    assert await _say(hass, "is the stove on") == "Left burner: out. Right burner: out."
    # A named burner that is out gets no timer either (review A14).
    assert await _refused(hass, "turn off the right burner in 5 minutes") == (
        "Right burner is not lit, so no timer was set."
    )
    assert state_of(hass, RIGHT_TIMER) == "0"
    await light_left(hass, kitchen)
    # Only the lit burner gets the timer.
    assert await _say(hass, "turn off the stove in 10 minutes") == (
        "Left burner will turn off in 10 minutes."
    )
    assert state_of(hass, LEFT_TIMER) == "10"
    assert state_of(hass, RIGHT_TIMER) == "0"
    assert await _say(hass, "are the burners lit") == (
        "Left burner: lit, turns off in 10 minutes. Right burner: out."
    )
    assert await _say(hass, "燃气灶半小时后关火", "zh-Hans") == "Left burner将在30分钟后关火。"
    assert (
        await _say(hass, "turn off the left burner")
        == "Turned off Left burner. Turn the knob to off."
    )
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_OFF, timeout=5)
    # The confirmed cut ended the timer.
    await wait_for(lambda: state_of(hass, LEFT_TIMER) == "0")

    assert kitchen.sensor is not None
    kitchen.sensor.faults.drop_requests = 1.0
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await wait_for(lambda: state_of(hass, LEFT_FLAME) == STATE_UNAVAILABLE, timeout=5)
    assert await _say(hass, "what is the stove status") == (
        "Left burner: flame unknown, flame sensor unavailable."
        " Right burner: flame unknown, flame sensor unavailable."
    )
    kitchen.sensor.faults.drop_requests = 0.0


async def test_a_burner_lit_a_moment_ago_reads_lit_and_takes_a_timer(
    hass: HomeAssistant, make_kitchen: KitchenFactory, tmp_path: Path
) -> None:
    """Asked right after lighting, before the idle poll (every 10 s) came round
    (review A14: Assist said "out" for a lit burner)."""
    kitchen = await make_kitchen(sensor=True)
    await _assist(hass, tmp_path)
    entry = _chinese_stove(kitchen)
    await setup_stove(hass, entry)
    flame = _entity_id(hass, entry, "left", "flame")
    assert await _say(hass, "燃气灶的状态", "zh-Hans") == "左灶：已熄灭。右灶：已熄灭。"
    assert await _refused(hass, "左灶5分钟后关火", "zh-Hans") == "左灶没有点燃，未设置定时。"
    assert await kitchen.left.light()
    await asyncio.sleep(0.5)  # the thermocouple warms up; no poll is due
    assert state_of(hass, flame) == STATE_OFF
    assert await _say(hass, "燃气灶的状态", "zh-Hans") == "左灶：燃烧中。右灶：已熄灭。"
    assert await _say(hass, "左灶十分钟后关火", "zh-Hans") == "左灶将在10分钟后关火。"
    assert state_of(hass, _entity_id(hass, entry, "left", "shut_off_timer")) == "10"


async def test_several_stoves(
    hass: HomeAssistant, make_kitchen: KitchenFactory, tmp_path: Path
) -> None:
    await _assist(hass, tmp_path)
    await setup_stove(hass, stove_entry(await make_kitchen()))
    garage_kitchen = await make_kitchen()
    template = stove_entry(garage_kitchen)
    garage = MockConfigEntry(
        domain=DOMAIN,
        title="Garage stove",
        unique_id=f"{template.unique_id}:garage",
        data={**template.data, "name": "Garage stove"},
        options=dict(template.options),
    )
    await setup_stove(hass, garage)

    # Burners are spoken of with their stove's name; a stove is picked by name.
    assert await _say(hass, "turn off the garage stove") == (
        "Turned off Garage stove Left burner and Garage stove Right burner. Turn the knob to off."
    )
    assert garage_kitchen.relay.channel_state(1) is garage_kitchen.relay.channel_state(2) is True
    assert state_of(hass, LEFT_LAST) != "voice"
    # The same burner name on both stoves: both.
    assert await _say(hass, "turn off the left burner in 5 minutes") == (
        "Test stove Left burner and Garage stove Left burner will turn off in 5 minutes."
    )
    assert await _say(hass, "how long until the garage stove turns off") == (
        "Garage stove Left burner turns off in 5 minutes."
    )
    assert await _say(hass, "cancel the test stove timer") == (
        "Cancelled the timer of Test stove Left burner."
    )
    assert await _say(hass, "is the test stove on") == (
        "Test stove Left burner: ready. Test stove Right burner: ready."
    )


async def test_what_cannot_be_done_is_said(
    hass: HomeAssistant, kitchen: Kitchen, tmp_path: Path, short_relay_timing: None
) -> None:
    await _assist(hass, tmp_path)
    await setup_stove(hass, stove_entry(kitchen))
    unknown = intent.IntentResponseErrorCode.NO_VALID_TARGETS

    assert await _refused(hass, "turn off the back burner", code=unknown) == (
        "I can't find the back burner."
    )
    assert await _refused(hass, "how long until the back burner turns off", code=unknown) == (
        "I can't find the back burner."
    )
    assert await _refused(hass, "关闭后灶", "zh-Hans", code=unknown) == "找不到后灶。"
    assert await _refused(hass, "turn off the kitchen stove", code=unknown) == (
        "I can't find the kitchen stove."
    )
    # An LLM agent or a script may pass the whole name.
    response = await intent.async_handle(
        hass, "test", "GasStoveShutOff", {"burner": {"value": "Back burner"}}, language="en"
    )
    assert response.speech["plain"]["speech"] == "I can't find the Back burner."
    assert await _refused(hass, "turn off the left burner in 500 minutes") == (
        "A stove timer runs from 1 to 480 minutes, not 500."
    )
    assert await _refused(hass, "turn off the left burner in zero minutes") == (
        "A stove timer runs from 1 to 480 minutes, not 0."
    )
    assert await _refused(hass, "左灶九个小时后关火", "zh-Hans") == (
        "关火定时只能设为1到480分钟，不能是540分钟。"
    )
    assert state_of(hass, LEFT_TIMER) == "0"
    assert kitchen.relay.channel_state(1) is False

    # A relay that does not answer: said, naming the burners, once the
    # confirmation budget is spent. Both sentences at once: the second joins the first cut.
    kitchen.relay.faults.drop_requests = 1.0
    english, chinese = await asyncio.gather(
        _converse(hass, "turn off the left burner"), _converse(hass, "关火", "zh-Hans")
    )
    for response in (english, chinese):
        assert response.response_type is intent.IntentResponseType.ERROR
        assert response.error_code is intent.IntentResponseErrorCode.FAILED_TO_HANDLE
    assert english.speech["plain"]["speech"] == (
        "Could not turn off Left burner: the relay did not answer. "
        "The stove's own flame protection still works; check the stove."
        " Turn the knob to off."
    )
    assert chinese.speech["plain"]["speech"] == (
        "无法关闭Left burner和Right burner：继电器没有响应。"
        "灶具自身的熄火保护不受影响，请查看灶台。"
        "关火后请把旋钮拧到关闭位置。"
    )
    # Three polls in a row find the relay gone.
    # (Writes retrying the return to rest share the relay lock with polls.)
    for step in range(1, 90):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11 * step))
        await asyncio.sleep(0.5)
        if state_of(hass, LEFT_GAS) == STATE_UNKNOWN:
            break
    assert state_of(hass, LEFT_GAS) == STATE_UNKNOWN
    assert await _say(hass, "what's the stove status") == (
        "Left burner: relay offline, shut-off not confirmed."
        " Right burner: relay offline, shut-off not confirmed."
    )
    kitchen.relay.faults.drop_requests = 0.0


async def test_no_stove_and_other_devices(hass: HomeAssistant, tmp_path: Path) -> None:
    await _assist(hass, tmp_path)
    assert await async_setup_component(hass, DOMAIN, {})
    assert await async_setup_component(
        hass,
        "input_boolean",
        {
            "input_boolean": {
                "induction": {"name": "电磁灶", "initial": True},
                "camping": {"name": "Camping stove", "initial": True},
            }
        },
    )
    for entity_id in ("input_boolean.induction", "input_boolean.camping"):
        async_expose_entity(hass, conversation.DOMAIN, entity_id, True)
    unknown = intent.IntentResponseErrorCode.NO_VALID_TARGETS

    assert await _refused(hass, "turn off the stove", code=unknown) == "No gas stove is set up."
    assert await _refused(hass, "燃气灶状态", "zh-Hans", code=unknown) == "还没有设置燃气灶。"
    assert await _refused(hass, "turn off the left burner", code=unknown) == (
        "No gas stove is set up."
    )
    # Our sentences take precedence over the built-in ones; a name that is no
    # burner or stove of ours still reaches Home Assistant's own turn-off.
    assert await _say(hass, "关闭电磁灶", "zh-Hans") == "已关闭电磁灶。"
    assert state_of(hass, "input_boolean.induction") == STATE_OFF
    assert await _say(hass, "turn off the camping stove") == "Turned off camping stove."
    assert state_of(hass, "input_boolean.camping") == STATE_OFF


async def test_builtin_turn_off_finds_the_gas_switch(
    hass: HomeAssistant, kitchen: Kitchen, tmp_path: Path
) -> None:
    # Without our sentence files: Home Assistant's own HassTurnOff alone.
    await _assist(hass, tmp_path, sentences=False)
    entry = stove_entry(kitchen)
    entry.options["burners"]["right"]["name"] = "右灶"
    await setup_stove(hass, entry)
    registry = er.async_get(hass)
    right_gas = _entity_id(hass, entry, "right", "gas")
    # Each burner is a device named as the burner, and its Gas switch is the
    # device's main entity: the switch is called "Left burner", no alias needed.
    assert state_attr(hass, LEFT_GAS, "friendly_name") == "Left burner"
    assert state_attr(hass, right_gas, "friendly_name") == "右灶"
    assert not _aliases(registry, LEFT_GAS)
    assert not _aliases(registry, right_gas)

    for text, language, channel in (
        ("turn off the left burner", "en", 1),
        ("关闭右灶", "zh-Hans", 2),
    ):
        response = await _converse(hass, text, language)
        assert response.intent is not None
        assert response.intent.intent_type == intent.INTENT_TURN_OFF, text
        assert response.response_type is intent.IntentResponseType.ACTION_DONE, text
        assert kitchen.relay.channel_state(channel) is True, text
    assert state_of(hass, LEFT_LAST) == "manual"


def test_answer_language() -> None:
    assert response_language("zh-Hans") == response_language("zh-CN") == "zh-Hans"
    assert response_language("zh_Hans_CN") == "zh-Hans"
    # Traditional Chinese and anything else we do not speak: English.
    assert response_language("zh-TW") == response_language("de") == "en"
    assert response_language(None) == "en"
    assert Speech("en").duration(timedelta(seconds=59)) == "less than a minute"
    assert Speech("en").duration(timedelta(seconds=61)) == "2 minutes"
    assert Speech("zh-Hans").duration(timedelta(seconds=59 * 60 + 1)) == "1小时"
    assert Speech("en").names(["A", "B", "C"]) == "A, B and C"
