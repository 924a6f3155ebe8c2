"""What the Assist intents say, in English and Simplified Chinese.

Spoken answers live here rather than in translations/*.json: Home Assistant
loads those only for the frontend and for exception messages, and an intent
answers in the language of the sentence it heard, which need not be the
language Home Assistant runs in.
"""

from __future__ import annotations

from datetime import timedelta
import math
from typing import Final

from .const import Problem

EN: Final = "en"
ZH_HANS: Final = "zh-Hans"

# Language tags that mean Simplified Chinese. Assist itself calls it zh-cn
# (the sentence folder Home Assistant reads); the frontend calls it zh-Hans.
_SIMPLIFIED = ("zh", "zh-cn", "zh-sg", "zh-hans", "zh-my")

RESPONSES: Final[dict[str, dict[str, str]]] = {
    EN: {
        "no_stove": "No gas stove is set up.",
        "unknown_stove": "I can't find the {name} stove.",
        "unknown_burner": "I can't find the {name} burner.",
        "shut_off": "Turned off {burners}.",
        "turn_knob_off": "Turn the knob to off.",
        "shut_off_failed": (
            "Could not turn off {burners}: the relay did not answer. "
            "The stove's own flame protection still works; check the stove."
        ),
        "timer_set": "{burners} will turn off in {duration}.",
        "timer_out_of_range": "A stove timer runs from 1 to {max} minutes, not {minutes}.",
        "nothing_lit": "No burner is lit, so no timer was set.",
        "burner_not_lit": "{burner} is not lit, so no timer was set.",
        "timer_cancelled": "Cancelled the timer of {burners}.",
        "no_timer": "No stove timer is running.",
        "no_timer_for": "No timer is running for {burners}.",
        "timer_left": "{burner} turns off in {duration}.",
        "status": "{burner}: {details}.",
        "lit": "lit",
        "out": "out",
        "flame_unknown": "flame unknown",
        "child_lock": "child lock on",
        "cut": "gas cut",
        "offline": "relay offline",
        "ready": "ready",
        "turns_off_in": "turns off in {duration}",
        "hours_one": "1 hour",
        "hours_other": "{n} hours",
        "minutes_one": "1 minute",
        "minutes_other": "{n} minutes",
        "under_a_minute": "less than a minute",
        "duration_join": "{hours} and {minutes}",
        "sentence_sep": " ",
        "detail_sep": ", ",
        "list_sep": ", ",
        "list_last": " and ",
        "stove_burner": "{stove} {burner}",
        Problem.SHUTOFF_UNCONFIRMED: "shut-off not confirmed",
        Problem.RELAY_UNREACHABLE_WHILE_LIT: "relay unreachable while lit",
        Problem.FLAME_WHILE_LOCKED: "flame while child-locked",
        Problem.HOLD_NOT_KEPT: "the relay does not keep the lock",
        Problem.FLAME_SOURCE_UNAVAILABLE: "flame sensor unavailable",
        Problem.STATE_NOT_SAVED: "its safety state cannot be saved",
    },
    ZH_HANS: {
        "no_stove": "还没有设置燃气灶。",
        "unknown_stove": "找不到{name}燃气灶。",
        "unknown_burner": "找不到{name}灶。",
        "shut_off": "已关闭{burners}。",
        "turn_knob_off": "关火后请把旋钮拧到关闭位置。",
        "shut_off_failed": (
            "无法关闭{burners}：继电器没有响应。灶具自身的熄火保护不受影响，请查看灶台。"
        ),
        "timer_set": "{burners}将在{duration}后关火。",
        "timer_out_of_range": "关火定时只能设为1到{max}分钟，不能是{minutes}分钟。",
        "nothing_lit": "没有正在燃烧的灶，未设置定时。",
        "burner_not_lit": "{burner}没有点燃，未设置定时。",
        "timer_cancelled": "已取消{burners}的关火定时。",
        "no_timer": "没有正在运行的关火定时。",
        "no_timer_for": "{burners}没有关火定时。",
        "timer_left": "{burner}还有{duration}关火。",
        "status": "{burner}：{details}。",
        "lit": "燃烧中",
        "out": "已熄灭",
        "flame_unknown": "火焰状态未知",
        "child_lock": "童锁已开启",
        "cut": "燃气已切断",
        "offline": "继电器离线",
        "ready": "正常",
        "turns_off_in": "{duration}后关火",
        "hours_one": "1小时",
        "hours_other": "{n}小时",
        "minutes_one": "1分钟",
        "minutes_other": "{n}分钟",
        "under_a_minute": "不到1分钟",
        "duration_join": "{hours}{minutes}",
        "sentence_sep": "",
        "detail_sep": "，",
        "list_sep": "、",
        "list_last": "和",
        "stove_burner": "{stove}{burner}",
        Problem.SHUTOFF_UNCONFIRMED: "关火未确认",
        Problem.RELAY_UNREACHABLE_WHILE_LIT: "燃烧时继电器无法连接",
        Problem.FLAME_WHILE_LOCKED: "童锁时仍有火焰",
        Problem.HOLD_NOT_KEPT: "继电器保持不住锁定",
        Problem.FLAME_SOURCE_UNAVAILABLE: "火焰传感器不可用",
        Problem.STATE_NOT_SAVED: "安全状态无法保存",
    },
}


def response_language(language: str | None) -> str:
    """The language of our answers for a sentence's language tag."""
    tag = (language or "").replace("_", "-").lower()
    if tag in _SIMPLIFIED or tag.startswith("zh-hans"):
        return ZH_HANS
    return EN


class Speech:
    """Answers in one language."""

    def __init__(self, language: str | None) -> None:
        """Pick the language; anything we do not speak gets English."""
        self.language = response_language(language)
        self._texts = RESPONSES[self.language]

    def __call__(self, key: str, **placeholders: object) -> str:
        """One answer, placeholders filled in."""
        return self._texts[key].format(**placeholders)

    def names(self, names: list[str]) -> str:
        """'A', 'A and B', 'A, B and C' (A、B和C)."""
        if len(names) <= 1:
            return "".join(names)
        return self("list_sep").join(names[:-1]) + self("list_last") + names[-1]

    def sentences(self, parts: list[str]) -> str:
        """Several answers spoken one after the other."""
        return self("sentence_sep").join(parts)

    def details(self, parts: list[str]) -> str:
        """Several facts about one burner."""
        return self("detail_sep").join(parts)

    def duration(self, remaining: timedelta) -> str:
        """Whole minutes, rounded up as the timer entity shows them."""
        if remaining < timedelta(minutes=1):
            return self("under_a_minute")
        total = math.ceil(remaining.total_seconds() / 60)
        hours, minutes = divmod(total, 60)
        spoken_minutes = self._count("minutes", minutes)
        if not hours:
            return spoken_minutes
        spoken_hours = self._count("hours", hours)
        if not minutes:
            return spoken_hours
        return self("duration_join", hours=spoken_hours, minutes=spoken_minutes)

    def _count(self, unit: str, n: int) -> str:
        return self(f"{unit}_one") if n == 1 else self(f"{unit}_other", n=n)
