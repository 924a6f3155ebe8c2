"""Issue 17: a person's first session, in a real browser, against the emulated stove.

scripts/develop runs Home Assistant (current lane) and the emulator with a
third emulated burner; headless Chromium drives Home Assistant's own web UI:
log in, add a second stove through the config flow, cut a burner's flame from
its device page, set its shut-off timer, switch the UI to 简体中文 and look for
untranslated text. What the UI shows is checked in the page; whether it is
true is checked through the emulator's and Home Assistant's APIs.

The steps run in order and build on each other (a failed step skips the rest).
Screenshots: e2e-artifacts/NN_<what>.png (kept when a step fails).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import re
from typing import Any

import pytest

from .harness import (
    DEMO_TOKEN,
    EMULATOR_URL,
    LOGIN,
    NEW_BURNER_INDEX,
    NEW_SIID,
    RELAY_HOST,
    ROOT,
    SENSOR_HOST,
    wait_for,
)
from .story import Story

TRANSLATIONS = ROOT / "custom_components" / "gas_stove" / "translations"
EN = json.loads((TRANSLATIONS / "en.json").read_text(encoding="utf-8"))
ZH = json.loads((TRANSLATIONS / "zh-Hans.json").read_text(encoding="utf-8"))

NEW_STOVE = "Wok stove"
NEW_BURNER = "Wok burner"
TIMER_MINUTES = 10

# The words the flame sensor should show. Today (ef67039) it has the heat
# device class's Normal/Hot (正常/过热); the integration is getting its own
# state names. Change them here if the translations settle on other words.
FLAME_WORDS = {
    "en": {"on": "Lit", "off": "Out"},
    "zh-Hans": {"on": "燃烧中", "off": "已熄灭"},
}


def _snake_case_keys(tree: Any) -> set[str]:
    """Every translation key with an underscore (a raw key shown is a bug)."""
    keys: set[str] = set()
    if isinstance(tree, dict):
        for key, value in tree.items():
            if "_" in key:
                keys.add(key)
            keys |= _snake_case_keys(value)
    return keys


# Raw keys: every snake_case key, and every option value of a selector (in a
# Chinese UI an English "millivolts" or "miot" is an option left untranslated).
RAW_KEYS = sorted(
    _snake_case_keys(EN)
    | {value for selector in EN["selector"].values() for value in selector["options"]},
    key=len,
    reverse=True,
)
# A key on its own (not inside an entity id like switch.x_shut_off_timer, nor
# a name like xiaomi-miot).
RAW_KEY_RE = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, RAW_KEYS)) + r")(?![\w.-])")
# A translation key path or a placeholder left in the text.
UNTRANSLATED_RE = re.compile(
    r"component\.gas_stove\.|\bui\.(panel|dialogs|card|components)\.|\{\w+\}"
)


def untranslated(text: str) -> list[str]:
    """Pieces of text that are translation keys rather than translations."""
    return sorted(
        {m.group(0) for m in UNTRANSLATED_RE.finditer(text)} | set(RAW_KEY_RE.findall(text))
    )


def flame_states_translated() -> bool:
    """Whether the integration names the flame sensor's states (not the device class's)."""
    flame = EN["entity"]["binary_sensor"]["flame"]
    return "state" in flame


def test_01_log_in(story: Story) -> None:
    """The login page takes dev / dev and the frontend starts."""
    ui = story.ui
    ui.go("/")
    ui.wait_login_form()
    story.shot("login_page")
    ui.log_in(*LOGIN)
    ui.wait_logged_in()
    assert ui.user_language() == "en"
    story.shot("logged_in_overview")


def test_02_add_a_second_stove_through_the_config_flow(story: Story) -> None:
    """Settings → Devices & services → Add integration → Gas Stove, on a free relay channel.

    The seeded Demo stove uses the emulated relay's channels 1 and 2; the
    emulator runs with a third burner on channel 3 (siid 4), so this stove is
    added the way a user with a free channel adds one.
    """
    ui, api = story.ui, story.api
    steps = EN["config"]["step"]
    options = EN["selector"]
    assert api.entry(NEW_STOVE) is None

    ui.open_add_integration("Gas Stove", "gas_stove")
    ui.wait_flow_step(steps["user"]["title"])
    ui.flow_fill("name", NEW_STOVE)
    story.shot("flow_stove_name")
    ui.flow_submit()

    ui.wait_flow_step(steps["burner"]["title"].format(number=1))
    ui.flow_fill("name", NEW_BURNER)
    ui.flow_choose(options["backend"]["options"]["miio"])
    ui.flow_choose(options["wiring"]["options"]["series_nc"])
    story.shot("flow_burner")
    ui.flow_submit()

    ui.wait_flow_step(steps["miio"]["title"].format(burner=NEW_BURNER))
    ui.flow_fill("host", RELAY_HOST)
    ui.flow_fill("token", DEMO_TOKEN)
    ui.flow_number("siid", NEW_SIID)
    ui.flow_number("piid", 1)
    story.shot("flow_mi_relay")
    ui.flow_submit()

    ui.wait_flow_step(steps["flame"]["title"].format(burner=NEW_BURNER))
    ui.flow_choose(options["flame_source"]["options"]["miot"])
    story.shot("flow_flame_source")
    ui.flow_submit()

    ui.wait_flow_step(steps["flame_miot"]["title"].format(burner=NEW_BURNER))
    ui.flow_fill("host", SENSOR_HOST)
    ui.flow_fill("token", DEMO_TOKEN)
    ui.flow_number("flame_siid", NEW_SIID)
    ui.flow_number("flame_piid", 1)
    ui.flow_choose(options["flame_kind"]["options"]["millivolts"])
    story.shot("flow_flame_sensor")
    ui.flow_submit()

    ui.wait_flow_step(steps["more"]["title"])
    story.shot("flow_more_burners")
    ui.flow_menu(steps["more"]["menu_options"]["finish"])

    # The success step (name and area of the new device).
    ui.wait_flow_step(EN["config"]["create_entry"]["default"].split(".")[0])
    story.shot("flow_created")
    ui.flow_submit()
    wait_for("the flow dialog to close", lambda: ui.flow_dialog() is None, 10)

    entry = wait_for(
        f"{NEW_STOVE!r} to load",
        lambda: (e := api.entry(NEW_STOVE)) is not None and e["state"] == "loaded" and e,
        30,
    )
    story.facts["entry_id"] = entry["entry_id"]
    ids = {
        key: api.entity_id(entry["entry_id"], key)
        for key in ("gas", "flame", "shut_off_timer", "shut_off_at", "events", "last_shut_off")
    }
    story.facts["ids"] = ids
    story.facts["device_id"] = api.device_id(ids["gas"])
    assert api.wait_state(ids["gas"], lambda s: s["state"] == "on", "relay at rest", 30)
    assert api.wait_state(ids["flame"], lambda s: s["state"] == "off", "out", 30)


def test_03_gas_off_puts_the_flame_out(story: Story) -> None:
    """Light the burner in the emulator; Gas off on its device page cuts the flame."""
    ui, api, emulator = story.ui, story.api, story.emulator
    ids = story.facts["ids"]

    emulator.light(NEW_BURNER_INDEX)
    emulator.wait_lit(NEW_BURNER_INDEX)
    api.wait_state(ids["flame"], lambda s: s["state"] == "on", "lit", 40)
    ui.open_device(story.facts["device_id"], ids["gas"])
    lit = wait_for("the flame row to show a state", lambda: ui.row_state(ids["flame"]), 10)
    assert ui.toggle_is_on(ids["gas"])
    story.shot("device_page_burner_lit")

    ui.toggle(ids["gas"])
    burner = wait_for(
        "the emulated valve to drop and the flame to go out",
        lambda: (b := emulator.burner(NEW_BURNER_INDEX))["flame"] is False
        and not b["valve_open"]
        and b,
        10,
    )
    assert burner["last_valve_close"] is not None
    story.shot("device_page_gas_off_clicked")

    api.wait_state(ids["flame"], lambda s: s["state"] == "off", "out", 60)
    event = api.wait_state(
        ids["events"],
        lambda s: s["attributes"].get("event_type") == "shut_off",
        "a shut_off event",
        20,
    )["attributes"]
    assert event["verified"] is True, event
    out = wait_for(
        "the flame row to show the flame out",
        lambda: (t := ui.row_state(ids["flame"])) != lit and t,
        15,
    )
    # After the pulse the relay is at rest again (Gas on): the knob must be
    # turned back by hand, the burner stays out.
    wait_for("the Gas switch to show on again", lambda: ui.toggle_is_on(ids["gas"]), 15)
    assert emulator.burner(NEW_BURNER_INDEX)["flame"] is False
    manual = EN["entity"]["sensor"]["last_shut_off"]["state"]["manual"]
    assert ui.row_state(ids["last_shut_off"]) == manual
    story.facts["flame_en"] = {"on": lit, "off": out}
    ui.scroll_to(ids["flame"])
    story.shot("device_page_flame_out")

    ui.driver.get(EMULATOR_URL + "/")
    wait_for(
        "the control page to show the burners",
        lambda: NEW_BURNER in ui.text(),
        10,
    )
    story.shot("emulator_page_after_cut")


def test_04_set_the_shut_off_timer(story: Story) -> None:
    """Relight, type 10 minutes into the shut-off timer, see it run."""
    ui, api, emulator = story.ui, story.api, story.emulator
    ids = story.facts["ids"]

    emulator.light(NEW_BURNER_INDEX)
    emulator.wait_lit(NEW_BURNER_INDEX)
    api.wait_state(ids["flame"], lambda s: s["state"] == "on", "lit", 40)
    ui.open_device(story.facts["device_id"], ids["shut_off_timer"])
    before = datetime.now(UTC)
    ui.set_number(ids["shut_off_timer"], TIMER_MINUTES)

    api.wait_state(
        ids["shut_off_timer"],
        lambda s: float(s["state"]) == TIMER_MINUTES,
        f"{TIMER_MINUTES} minutes",
        10,
    )
    at = api.wait_state(
        ids["shut_off_at"], lambda s: s["state"] not in ("unknown", "unavailable"), "a time", 10
    )["state"]
    deadline = datetime.fromisoformat(at)
    expected = before + timedelta(minutes=TIMER_MINUTES)
    assert abs((deadline - expected).total_seconds()) < 60, (at, expected)
    assert ui.number_shown(ids["shut_off_timer"]) == str(TIMER_MINUTES)
    wait_for(
        "the shut-off-at row to show the time",
        lambda: ui.row_state(ids["shut_off_at"]) not in ("", "Unknown"),
        10,
    )
    assert emulator.burner(NEW_BURNER_INDEX)["flame"] is True
    ui.scroll_to(ids["shut_off_at"])
    story.shot("device_page_timer_set")


def test_05_chinese_ui_has_no_untranslated_text(story: Story) -> None:
    """Profile → Localization → 简体中文; the device page and the flow speak Chinese."""
    ui, api = story.ui, story.api
    ids = story.facts["ids"]

    ui.set_language("简体中文", "简体中文")
    wait_for("the user's language to be stored", lambda: api.user_language() == "zh-Hans", 10)
    ui.reload()
    ui.wait_logged_in()
    wait_for("the frontend to run in Chinese", lambda: ui.user_language() == "zh-Hans", 20)
    story.shot("profile_language_zh")

    ui.open_device(story.facts["device_id"], ids["last_shut_off"])
    manual = ZH["entity"]["sensor"]["last_shut_off"]["state"]["manual"]
    wait_for(
        f"the last shut-off row to read {manual!r}",
        lambda: ui.row_state(ids["last_shut_off"]) == manual,
        15,
    )
    page = ui.text()
    story.shot("device_page_zh")
    assert untranslated(page) == [], page

    ui.open_add_integration("Gas Stove", "gas_stove")
    steps = ZH["config"]["step"]
    ui.wait_flow_step(steps["user"]["title"])
    story.shot("flow_stove_name_zh")
    text = ui.flow_text()
    assert untranslated(text) == [], text
    assert steps["user"]["data"]["name"] in text
    ui.flow_submit()

    ui.wait_flow_step(steps["burner"]["title"].format(number=1))
    story.shot("flow_burner_zh")
    text = ui.flow_text()
    assert untranslated(text) == [], text
    for selector in ("backend", "wiring"):
        for label in ZH["selector"][selector]["options"].values():
            assert label in text, (label, text)
    for key in ("name", "backend", "wiring", "pulse"):
        assert steps["burner"]["data"][key] in text, (key, text)

    # A pulse out of range is refused on the field in Chinese, not with Home
    # Assistant's English "Value 20.0 is too large" (review A14).
    ui.flow_number("pulse", 20)
    ui.flow_submit()
    refused = ZH["config"]["error"]["range_0p5_10"]
    wait_for(f"the pulse error {refused!r}", lambda: refused in ui.flow_text(), 10)
    story.shot("flow_pulse_out_of_range_zh")
    assert "too large" not in ui.flow_text()
    ui.flow_close()
    flows = api.ws({"type": "config_entries/flow/progress"})
    assert [f for f in flows if f["handler"] == "gas_stove"] == []


@pytest.mark.xfail(
    not flame_states_translated(),
    reason="the flame sensor has no state names of its own yet (heat device class: 正常/过热)",
    strict=True,
)
def test_06_flame_sensor_shows_lit_and_out_words(story: Story) -> None:
    """The flame sensor says lit/out (燃烧中/已熄灭), not Normal/Hot (正常/过热)."""
    ui, api = story.ui, story.api
    ids = story.facts["ids"]
    seen: dict[str, dict[str, str]] = {"en": story.facts["flame_en"]}

    # The Wok burner is lit (step 4); the Demo stove's burners are out.
    ui.open_device(story.facts["device_id"], ids["flame"])
    lit = wait_for("the flame row to show a state", lambda: ui.row_state(ids["flame"]), 10)
    ui.scroll_to(ids["flame"])
    story.shot("device_page_flame_lit_zh")
    demo = api.entry("Demo stove")
    assert demo is not None
    demo_flame = next(
        e["entity_id"]
        for e in api.ws({"type": "config/entity_registry/list"})
        if e["config_entry_id"] == demo["entry_id"] and e["translation_key"] == "flame"
    )
    assert api.state(demo_flame)["state"] == "off"  # type: ignore[index]
    ui.open_device(api.device_id(demo_flame), demo_flame)
    out = wait_for("the flame row to show a state", lambda: ui.row_state(demo_flame), 10)
    ui.scroll_to(demo_flame)
    story.shot("demo_stove_flame_out_zh")
    seen["zh-Hans"] = {"on": lit, "off": out}

    assert seen == FLAME_WORDS, f"the flame sensor shows {seen}, not {FLAME_WORDS}"


def test_07_nothing_is_fetched_and_no_repair_is_about_the_instance(story: Story) -> None:
    """Brand images come from the seeded cache (no request leaves 127.0.0.0/8:
    in this network namespace a fetch would fail and the image would be a 404),
    and the Repairs page lists nothing about how the dev instance runs."""
    api = story.api
    core = api.get_bytes("/api/brands/integration/backup/icon.png")
    assert core.startswith(b"\x89PNG"), core[:16]
    ours = api.get_bytes("/api/brands/integration/gas_stove/icon.png")
    assert ours == (ROOT / "custom_components" / "gas_stove" / "brand" / "icon.png").read_bytes()
    issues = api.ws({"type": "repairs/list_issues"})["issues"]
    active = [(i["domain"], i["issue_id"]) for i in issues if not i["ignored"]]
    assert [i for i in active if i[0] != "gas_stove"] == [], active
