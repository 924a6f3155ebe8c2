"""The supervised commissioning test of one burner, free of entity code.

A person proves, once after wiring, two things, guided through a persistent
notification and the burner's Commissioning test button:

1. **The cut works.** With a flame source: press → "light the burner" → as
   soon as the flame is seen the relay cuts → the time until the source reads
   "out" is measured. Without one: press → light → press → the relay cuts →
   the person confirms by a third press.
2. **The stove's own protection still works** after the relay went into its
   thermocouple loop (GB 16410-2020 limits; hardware review D3), each timed
   from press to press:
   - natural blow-out: the valve must close ≤ 60 s after the flame is blown
     out (if nobody presses by then, the relay cuts: gas may be flowing);
   - opening time: the knob must be held ≤ 10 s before the flame stays;
   - on a stove with more than one burner, the blow-out again with another
     burner burning on high (the only test that finds cross-fed loops).

The result, its date and every measured time are kept across restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
import logging
import math
from time import monotonic

from homeassistant.components import persistent_notification
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .burner import Burner
from .const import ShutOffReason
from .memory import BurnerMemory, SavedCommissioning
from .relay import RelayError
from .watch import BurnerWatch

_LOGGER = logging.getLogger(__name__)

# How long the person has to light the burner, and to confirm by hand.
LIGHT_WITHIN = 120.0
CONFIRM_WITHIN = 300.0
# A thermocouple reads "out" only once it has cooled (tens of seconds): the
# test waits at least this long for it, so a slow source is measured and the
# person told to widen the verification window, not failed.
MEASURE_AT_LEAST = 90.0
# Burning a minute, turning to low and blowing out, or lighting a second
# burner, takes a while.
PREPARE_WITHIN = 600.0
# GB 16410-2020: the flame-failure valve closes within 60 s of flame loss,
# and the knob needs holding at most 10 s before the flame stays.
BLOW_OUT_LIMIT = 60.0
OPENING_LIMIT = 10.0
# A person who pressed, pushed the knob and forgot: stop waiting.
OPENING_WITHIN = 60.0
# A source that needs more than this share of the window to read "out" will
# raise false "not confirmed" problems on a slower day.
WINDOW_MARGIN = 0.75


class Step(StrEnum):
    """Where a commissioning test stands."""

    IDLE = "idle"
    WAITING_FOR_FLAME = "waiting_for_flame"
    WAITING_FOR_PRESS = "waiting_for_press"
    MEASURING = "measuring"
    WAITING_FOR_CONFIRMATION = "waiting_for_confirmation"
    BLOW_OUT_READY = "blow_out_ready"
    BLOW_OUT_TIMING = "blow_out_timing"
    OPENING_READY = "opening_ready"
    OPENING_TIMING = "opening_timing"
    BLOW_OUT_OTHER_LIT_READY = "blow_out_other_lit_ready"
    BLOW_OUT_OTHER_LIT_TIMING = "blow_out_other_lit_timing"


class Result(StrEnum):
    """How the last commissioning test ended."""

    PASSED = "passed"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    ABORTED = "aborted"
    # The cut passed; the stove's own protection was not (fully) tested.
    PROTECTION_UNTESTED = "protection_untested"


_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Commissioning test: {burner}",
        "light": (
            "Part 1 of {parts}, the cut. Light **{burner}** now and let it burn. As soon as the "
            "flame is seen, the relay cuts it and the test measures how fast your flame source "
            "reads it out. Stay at the stove. (The test gives up after {seconds} s.)"
        ),
        "light_then_press": (
            "Part 1 of {parts}, the cut. Light **{burner}** now, then press **Commissioning "
            "test** again: the relay cuts the burner. Stay at the stove. (The test gives up "
            "after {seconds} s.)"
        ),
        "confirm": (
            "The relay has cut **{burner}**. Did the flame go out within a second or two? If "
            "yes, press **Commissioning test** again within {seconds} s to record it. If not, "
            "turn the knob to off and check the wiring (hardware/README.md)."
        ),
        "cut_measured": (
            "Part 1 passed: the relay cut **{burner}** and your flame source read the flame out "
            "{seconds} s later. That is the source's delay, not the flame's: the flame goes "
            "out within about a second, a thermocouple reads out only once it has cooled. "
            "Turn the knob to off."
        ),
        "cut_confirmed": (
            "Part 1 passed: you confirmed the cut put **{burner}** out. Turn the knob to off."
        ),
        "widen_window": (
            "**Raise this burner's verification window** from {window} s to at least "
            "{suggested} s (Settings → Devices & services → Gas Stove → Configure → the burner "
            "→ flame source → flame thresholds), or a slow cool-down will be reported as a "
            "shut-off not confirmed."
        ),
        "blow_out_ready": (
            "Part 2 of {parts}, the stove's own flame-failure device. Light **{burner}**, let it "
            "burn for one minute, turn it to low, blow the flame out and press **Commissioning "
            "test** at once. (The test gives up after {minutes} minutes.)"
        ),
        "blow_out_other_lit_ready": (
            "Part 4 of {parts}, the blow-out with another burner lit (it finds loops that feed "
            "each other). Light another burner on high and leave it burning. Then, as in part "
            "2: let **{burner}** burn for one minute, turn it to low, blow the flame out and "
            "press **Commissioning test** at once. (The test gives up after {minutes} minutes.)"
        ),
        "blow_out_timing": (
            "The clock runs. Listen for the click of the valve, or after about 20 s hold a "
            "lighter to the burner: it must not relight. Press **Commissioning test** as soon "
            "as the valve has closed. If it has not closed within {seconds} s, the relay cuts "
            "and the test fails."
        ),
        "blow_out_done": "Part {part} passed: the valve closed {seconds} s after the blow-out.",
        "opening_ready": (
            "Part 3 of {parts}, the opening time. Turn the knob of **{burner}** to off and let it "
            "cool for two minutes (a warm thermocouple hides a slow one). Then press "
            "**Commissioning test**, at once push the knob in (it lights) and hold it; let go "
            "after 3 s. If the flame goes out, push again at once and hold longer. Press "
            "**Commissioning test** again the moment you let go for the last time, if the flame "
            "then stays lit. (The time "
            "measured runs from press to press: the knob's hold time plus your reaction.)"
        ),
        "opening_timing": (
            "The clock runs: hold the knob in and let go after 3 s. Press **Commissioning test** "
            "as you let go for the last time, and only if the flame stays lit; if it goes out, "
            "push again at once and hold longer first."
        ),
        "opening_done": (
            "Part 3 passed: {seconds} s from press to press (the knob's hold time plus your "
            "reaction). Compare it with the time you wrote down before the modification: it "
            "must not be noticeably longer. Turn the knob to off."
        ),
        "passed": (
            "**{burner}** passed every part of the test. Turn every knob to off, the other "
            "burner's too."
        ),
        "failed": (
            "**{burner}** FAILED: the flame source still read a flame {seconds} s after the "
            "cut. Turn the knob to off. Check that the relay contact is in series in this "
            "burner's thermocouple loop and opens; do not rely on the shut-off until this test "
            "passes."
        ),
        "failed_relay": (
            "**{burner}** FAILED: the relay did not confirm the cut. Turn the knob to off. "
            "Check the relay; do not rely on the shut-off until this test passes."
        ),
        "failed_blow_out": (
            "**{burner}** FAILED: the valve had not closed {seconds} s after the blow-out (the "
            "limit is 60 s). **Turn the knob to off now** and air the kitchen; the relay has "
            "cut the loop. The stove's own flame-failure device is not working as it must: "
            "restore the original wiring and have the stove checked before using this burner."
        ),
        "failed_opening": (
            "**{burner}** FAILED: {seconds} s from press to press (the knob's hold time plus "
            "your reaction; the limit is 10 s). "
            "Resistance added to the loop (the relay contact, its leads, a tap) slows the "
            "opening: check every connection and the contact (hardware/README.md). Turn the "
            "knob to off."
        ),
        "unconfirmed": (
            "**{burner}**: nobody confirmed the flame went out; the test is not passed. Turn "
            "the knob to off."
        ),
        "aborted": "**{burner}**: the burner was not lit in time; the test was stopped.",
        "protection_untested": (
            "**{burner}**: the cut passed, but the test of the stove's own protection was not "
            "finished. Press **Commissioning test** to run the whole test again. Turn the knob "
            "to off."
        ),
        "summary_cut": "- the cut: your flame source read out {seconds} s after it",
        "summary_cut_by_hand": "- the cut: confirmed by you",
        "summary_blow_out": "- the blow-out: the valve closed after {seconds} s (limit 60 s)",
        "summary_opening": "- the opening time: {seconds} s (limit 10 s)",
        "summary_blow_out_other_lit": (
            "- the blow-out with another burner lit: {seconds} s (limit 60 s)"
        ),
    },
    "zh-Hans": {
        "title": "调试测试：{burner}",
        "light": (
            "第 1 部分（共 {parts} 部分）：切断。现在点燃**{burner}**并保持燃烧。一旦检测到火焰，"
            "继电器就会切断，测试会测量火焰来源多久读到熄火。请守在灶前。（{seconds} 秒后测试自动"
            "放弃。）"
        ),
        "light_then_press": (
            "第 1 部分（共 {parts} 部分）：切断。现在点燃**{burner}**，然后再按一次**调试测试**："
            "继电器会切断这个灶眼。请守在灶前。（{seconds} 秒后测试自动放弃。）"
        ),
        "confirm": (
            "继电器已切断**{burner}**。火焰是否在一两秒内熄灭？如果是，请在 {seconds} 秒内再按"
            "一次**调试测试**记录结果。如果没有，请把旋钮拧到关闭位置并检查接线"
            "（hardware/README.zh-Hans.md）。"
        ),
        "cut_measured": (
            "第 1 部分通过：继电器切断了**{burner}**，火焰来源在 {seconds} 秒后读到熄火。这是"
            "火焰来源的延迟，不是火焰的：火焰在约一秒内熄灭，热电偶要冷却后才读到熄火。"
            "关火后请把旋钮拧到关闭位置。"
        ),
        "cut_confirmed": (
            "第 1 部分通过：你已确认切断让**{burner}**熄火。关火后请把旋钮拧到关闭位置。"
        ),
        "widen_window": (
            "**请把这个灶眼的确认时间窗口**从 {window} 秒调高到至少 {suggested} 秒（设置 → 设备与"
            "服务 → 燃气灶 → 配置 → 该灶眼 → 火焰来源 → 火焰阈值），否则冷却较慢时会被报告为关火"
            "未确认。"
        ),
        "blow_out_ready": (
            "第 2 部分（共 {parts} 部分）：灶具自带的熄火保护。点燃**{burner}**，燃烧一分钟后调到"
            "小火，把火吹灭，并立即按一次**调试测试**。（{minutes} 分钟后测试自动放弃。）"
        ),
        "blow_out_other_lit_ready": (
            "第 4 部分（共 {parts} 部分）：另一个灶眼燃烧时再吹灭一次（可发现相互串联的回路）。"
            "把另一个灶眼开到大火并保持燃烧。然后和第 2 部分一样：让**{burner}**燃烧一分钟，调到"
            "小火，把火吹灭，并立即按一次**调试测试**。（{minutes} 分钟后测试自动放弃。）"
        ),
        "blow_out_timing": (
            "开始计时。请听阀门的咔哒声，或在约 20 秒后用打火机靠近灶眼：不得重新点燃。阀门一关闭"
            "就按一次**调试测试**。如果 {seconds} 秒内仍未关闭，继电器会切断，测试判为不通过。"
        ),
        "blow_out_done": "第 {part} 部分通过：吹灭后 {seconds} 秒阀门关闭。",
        "opening_ready": (
            "第 3 部分（共 {parts} 部分）：开阀时间。把**{burner}**的旋钮拧到关闭位置，让它冷却两"
            "分钟（热电偶还热时会掩盖开阀慢的问题）。然后按一次**调试测试**，立即按下旋钮（点火）"
            "并按住；3 秒后松手。如果火熄灭，立即再按下并按住更久。最后一次松手、火焰保持燃烧时，"
            "再按一次**调试测试**。（测得的是两次按下之间的时间：按住旋钮的时间加上你的反应时间。）"
        ),
        "opening_timing": (
            "开始计时：按住旋钮，3 秒后松手。最后一次松手时按**调试测试**，并且只在火焰保持燃烧时"
            "才按；如果火熄灭，先立即再按下旋钮并按住更久。"
        ),
        "opening_done": (
            "第 3 部分通过：两次按下之间 {seconds} 秒（按住旋钮的时间加上反应时间）。请与改装前"
            "记录的时间比较：不得明显变长。关火后请把旋钮拧到关闭位置。"
        ),
        "passed": (
            "**{burner}**的各部分测试全部通过。请把所有旋钮（包括另一个灶眼的）拧到关闭位置。"
        ),
        "failed": (
            "**{burner}**未通过：切断 {seconds} 秒后火焰来源仍读到火焰。请把旋钮拧到关闭位置。"
            "检查继电器触点是否串联在这个灶眼的热电偶回路中并能断开；在测试通过之前不要依赖关火"
            "功能。"
        ),
        "failed_relay": (
            "**{burner}**未通过：继电器没有确认切断。请把旋钮拧到关闭位置。请检查继电器；在测试"
            "通过之前不要依赖关火功能。"
        ),
        "failed_blow_out": (
            "**{burner}**未通过：吹灭 {seconds} 秒后阀门仍未关闭（上限 60 秒）。**请立即把旋钮"
            "拧到关闭位置**并开窗通风；继电器已切断回路。灶具自带的熄火保护工作不正常：请恢复原"
            "接线，并在使用这个灶眼之前请专业人员检查灶具。"
        ),
        "failed_opening": (
            "**{burner}**未通过：两次按下之间 {seconds} 秒（按住旋钮的时间加上反应时间，上限 10 "
            "秒）。回路中增加的电阻（继电器触点、引线、取样接头）会让开阀变慢：请检查每个接点和触点"
            "（hardware/README.zh-Hans.md）。请把旋钮拧到关闭位置。"
        ),
        "unconfirmed": "**{burner}**：没有人确认火焰熄灭；测试未通过。请把旋钮拧到关闭位置。",
        "aborted": "**{burner}**：没有及时点燃灶眼；测试已停止。",
        "protection_untested": (
            "**{burner}**：切断测试已通过，但灶具自带熄火保护的测试没有完成。请按**调试测试**重新"
            "进行整个测试。请把旋钮拧到关闭位置。"
        ),
        "summary_cut": "- 切断：切断后 {seconds} 秒火焰来源读到熄火",
        "summary_cut_by_hand": "- 切断：你已确认",
        "summary_blow_out": "- 吹灭：{seconds} 秒后阀门关闭（上限 60 秒）",
        "summary_opening": "- 开阀时间：{seconds} 秒（上限 10 秒）",
        "summary_blow_out_other_lit": "- 另一个灶眼燃烧时吹灭：{seconds} 秒（上限 60 秒）",
    },
}


class CommissioningTest:
    """A supervised cut, then the stove's own protection, with a report."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        burner: Burner,
        watch: BurnerWatch,
        memory: BurnerMemory,
        *,
        burners_on_stove: int = 1,
    ) -> None:
        """Load nothing yet; `load` reads the last result."""
        self.hass = hass
        self.burner = burner
        self.watch = watch
        self._memory = memory
        self._notification_id = f"gas_stove_commissioning_{entry_id}_{burner.burner_id}"
        # The two-burner blow-out needs another burner to light.
        self.parts = 4 if burners_on_stove > 1 else 3
        self.step = Step.IDLE
        self.result: Result | None = None
        self.tested_at: datetime | None = None
        self.seconds: float | None = None
        self.blow_out: float | None = None
        self.opening: float | None = None
        self.blow_out_other_lit: float | None = None
        self._cut_confirmed_by_hand = False
        self._clock_from = 0.0
        self._cancel_timeout: CALLBACK_TYPE | None = None
        self._unsub_flame: CALLBACK_TYPE | None = None
        self._listeners: list[Callable[[], None]] = []

    def load(self) -> None:
        """Take the last result from storage."""
        saved = self._memory.commissioning(self.burner.burner_id)
        self.result = (
            Result(saved.result)
            if saved.result is not None and saved.result in Result.__members__.values()
            else None
        )
        self.tested_at = saved.at
        self.seconds = saved.seconds
        self.blow_out = saved.blow_out
        self.opening = saved.opening
        self.blow_out_other_lit = saved.blow_out_other_lit

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when the step or the result changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _say(self, *parts: tuple[str, dict[str, object]]) -> None:
        """Show the paragraphs `(key, placeholders)` as the test's notification."""
        language = "zh-Hans" if self.hass.config.language.startswith("zh") else "en"
        text = _TEXT[language]
        common = {"burner": self.burner.settings.name, "parts": self.parts}
        paragraphs = [text[key].format(**(common | values)) for key, values in parts]
        persistent_notification.async_create(
            self.hass,
            "\n\n".join(paragraphs),
            title=text["title"].format(**common),
            notification_id=self._notification_id,
        )

    def _elapsed(self) -> float:
        return round(monotonic() - self._clock_from, 1)

    # --- the steps ----------------------------------------------------------

    async def async_press(self) -> None:
        """Start the test, or take the next step of a test under way."""
        step = self.step
        if step is Step.IDLE:
            self._start()
        elif step is Step.WAITING_FOR_PRESS:
            await self._async_cut()
        elif step is Step.WAITING_FOR_CONFIRMATION:
            self._cut_confirmed_by_hand = True
            self._cut_passed([("cut_confirmed", {})])
        elif step in (Step.BLOW_OUT_READY, Step.BLOW_OUT_OTHER_LIT_READY):
            self._start_clock(
                Step.BLOW_OUT_TIMING
                if step is Step.BLOW_OUT_READY
                else Step.BLOW_OUT_OTHER_LIT_TIMING,
                BLOW_OUT_LIMIT,
                ("blow_out_timing", {"seconds": int(BLOW_OUT_LIMIT)}),
            )
        elif step is Step.BLOW_OUT_TIMING:
            self.blow_out = self._elapsed()
            self._next(
                Step.OPENING_READY,
                ("blow_out_done", {"part": 2, "seconds": self.blow_out}),
                ("opening_ready", {}),
            )
        elif step is Step.OPENING_READY:
            self._start_clock(Step.OPENING_TIMING, OPENING_WITHIN, ("opening_timing", {}))
        elif step is Step.OPENING_TIMING:
            await self._async_opening_timed(self._elapsed())
        elif step is Step.BLOW_OUT_OTHER_LIT_TIMING:
            self.blow_out_other_lit = self._elapsed()
            await self._async_finish(Result.PASSED, ("passed", {}))
        # During WAITING_FOR_FLAME and MEASURING a press changes nothing.

    @callback
    def _start(self) -> None:
        self.seconds = self.blow_out = self.opening = self.blow_out_other_lit = None
        self._cut_confirmed_by_hand = False
        if self.watch.flame is not None:
            self.step = Step.WAITING_FOR_FLAME
            self._unsub_flame = self.watch.flame.async_add_listener(self._flame_changed)
            self._say(("light", {"seconds": int(LIGHT_WITHIN)}))
            self._flame_changed()
        else:
            self.step = Step.WAITING_FOR_PRESS
            self._say(("light_then_press", {"seconds": int(LIGHT_WITHIN)}))
        self._arm_timeout(LIGHT_WITHIN)
        self._notify()

    @callback
    def _flame_changed(self) -> None:
        flame = self.watch.flame.state if self.watch.flame else None
        if self.step is Step.WAITING_FOR_FLAME and flame is True:
            self.hass.async_create_task(self._async_cut())
        elif self.step is Step.MEASURING and flame is False:
            self._stop_following_flame()
            self.seconds = self._elapsed()
            paragraphs: list[tuple[str, dict[str, object]]] = [
                ("cut_measured", {"seconds": self.seconds})
            ]
            window = self.watch.verify_window
            if self.seconds > WINDOW_MARGIN * window:
                suggested = 5 * math.ceil(self.seconds / WINDOW_MARGIN / 5)
                paragraphs.append(
                    ("widen_window", {"window": f"{window:g}", "suggested": suggested})
                )
            self._cut_passed(paragraphs)

    async def _async_cut(self) -> None:
        self._disarm_timeout()
        measuring = self.watch.flame is not None
        self.step = Step.MEASURING if measuring else Step.WAITING_FOR_CONFIRMATION
        self._notify()
        self._clock_from = monotonic()
        try:
            await self.burner.async_shut_off(ShutOffReason.MANUAL)
        except RelayError:
            await self._async_finish(Result.FAILED, ("failed_relay", {}))
            return
        if measuring:
            self._arm_timeout(max(self.watch.verify_window, MEASURE_AT_LEAST))
        else:
            self._say(("confirm", {"seconds": int(CONFIRM_WITHIN)}))
            self._arm_timeout(CONFIRM_WITHIN)

    @callback
    def _cut_passed(self, paragraphs: list[tuple[str, dict[str, object]]]) -> None:
        self._next(
            Step.BLOW_OUT_READY,
            *paragraphs,
            ("blow_out_ready", {"minutes": int(PREPARE_WITHIN // 60)}),
        )

    @callback
    def _next(self, step: Step, *paragraphs: tuple[str, dict[str, object]]) -> None:
        """Wait for the person's press that starts the next part."""
        self.step = step
        self._say(*paragraphs)
        self._arm_timeout(PREPARE_WITHIN)
        self._notify()

    @callback
    def _start_clock(
        self, step: Step, limit: float, paragraph: tuple[str, dict[str, object]]
    ) -> None:
        self.step = step
        self._clock_from = monotonic()
        self._say(paragraph)
        self._arm_timeout(limit)
        self._notify()

    async def _async_opening_timed(self, seconds: float) -> None:
        self.opening = seconds
        if seconds > OPENING_LIMIT:
            await self._async_finish(Result.FAILED, ("failed_opening", {"seconds": seconds}))
        elif self.parts == 4:
            self._next(
                Step.BLOW_OUT_OTHER_LIT_READY,
                ("opening_done", {"seconds": seconds}),
                ("blow_out_other_lit_ready", {"minutes": int(PREPARE_WITHIN // 60)}),
            )
        else:
            await self._async_finish(Result.PASSED, ("passed", {}))

    @callback
    def _timed_out(self, _now: datetime) -> None:
        self._cancel_timeout = None
        self.hass.async_create_task(self._async_time_out(self.step))

    async def _async_time_out(self, step: Step) -> None:
        if step is Step.MEASURING:
            seconds = self._elapsed()
            await self._async_finish(Result.FAILED, ("failed", {"seconds": seconds}))
        elif step is Step.WAITING_FOR_CONFIRMATION:
            await self._async_finish(Result.UNCONFIRMED, ("unconfirmed", {}))
        elif step in (Step.BLOW_OUT_TIMING, Step.BLOW_OUT_OTHER_LIT_TIMING):
            # Nobody saw the valve close: unburnt gas may be flowing, so the
            # relay takes it away (software may always take gas away).
            if step is Step.BLOW_OUT_TIMING:
                self.blow_out = None
            else:
                self.blow_out_other_lit = None
            try:
                await self.burner.async_shut_off(ShutOffReason.MANUAL)
            except RelayError:
                _LOGGER.warning("%s: the relay did not confirm the cut", self.burner.settings.name)
            await self._async_finish(
                Result.FAILED, ("failed_blow_out", {"seconds": int(BLOW_OUT_LIMIT)})
            )
        elif step in (Step.WAITING_FOR_FLAME, Step.WAITING_FOR_PRESS):
            await self._async_finish(Result.ABORTED, ("aborted", {}))
        elif step is not Step.IDLE:
            # Between the parts of the protection test, or an opening never timed.
            await self._async_finish(Result.PROTECTION_UNTESTED, ("protection_untested", {}))

    def _summary(self) -> list[tuple[str, dict[str, object]]]:
        lines: list[tuple[str, dict[str, object]]] = []
        if self._cut_confirmed_by_hand:
            lines.append(("summary_cut_by_hand", {}))
        elif self.seconds is not None:
            lines.append(("summary_cut", {"seconds": self.seconds}))
        for key, value in (
            ("summary_blow_out", self.blow_out),
            ("summary_opening", self.opening),
            ("summary_blow_out_other_lit", self.blow_out_other_lit),
        ):
            if value is not None:
                lines.append((key, {"seconds": value}))
        return lines

    async def _async_finish(self, result: Result, message: tuple[str, dict[str, object]]) -> None:
        self._disarm_timeout()
        self._stop_following_flame()
        self.step = Step.IDLE
        self.result = result
        self.tested_at = dt_util.utcnow()
        self._say(message, *self._summary())
        _LOGGER.info("%s: commissioning test %s", self.burner.settings.name, result)
        await self._memory.async_put_commissioning(
            self.burner.burner_id,
            SavedCommissioning(
                result.value,
                self.tested_at,
                self.seconds,
                self.blow_out,
                self.opening,
                self.blow_out_other_lit,
            ),
        )
        self._notify()

    @callback
    def _arm_timeout(self, seconds: float) -> None:
        self._disarm_timeout()
        self._cancel_timeout = async_call_later(self.hass, seconds, self._timed_out)

    @callback
    def _disarm_timeout(self) -> None:
        if self._cancel_timeout:
            self._cancel_timeout()
            self._cancel_timeout = None

    @callback
    def _stop_following_flame(self) -> None:
        if self._unsub_flame:
            self._unsub_flame()
            self._unsub_flame = None

    @callback
    def async_stop(self) -> None:
        """Unload: a test under way is abandoned."""
        self._disarm_timeout()
        self._stop_following_flame()
