"""The supervised commissioning test of one burner, free of entity code.

A person proves, once after wiring, that a cut really puts this burner's
flame out. The test talks to the person through a persistent notification:

- With a flame source: press → "light the burner" → as soon as the flame is
  seen the relay cuts → the flame-out is measured → pass or fail.
- Without one: press → "light the burner, then press again" → the relay
  cuts → "did the flame go out? press again to confirm" → pass, or
  "unconfirmed" when nobody confirms.

The result and its date are kept across restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
import logging
import time

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


class Step(StrEnum):
    """Where a commissioning test stands."""

    IDLE = "idle"
    WAITING_FOR_FLAME = "waiting_for_flame"
    WAITING_FOR_PRESS = "waiting_for_press"
    MEASURING = "measuring"
    WAITING_FOR_CONFIRMATION = "waiting_for_confirmation"


class Result(StrEnum):
    """How the last commissioning test ended."""

    PASSED = "passed"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    ABORTED = "aborted"


_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Commissioning test: {burner}",
        "light": (
            "Light **{burner}** now and let it burn. As soon as the flame is seen, the relay "
            "cuts it and the test measures how fast it goes out. Stay at the stove. "
            "(The test gives up after {seconds} s.)"
        ),
        "light_then_press": (
            "Light **{burner}** now, then press **Commissioning test** again: the relay cuts "
            "the burner. Stay at the stove. (The test gives up after {seconds} s.)"
        ),
        "confirm": (
            "The relay has cut **{burner}**. Did the flame go out within a second or two? If "
            "yes, press **Commissioning test** again within {seconds} s to record a pass. If "
            "not, turn the knob off by hand and check the wiring (hardware/README.md)."
        ),
        "passed": "**{burner}** passed: the flame went out {seconds} s after the cut.",
        "passed_by_hand": "**{burner}** passed: you confirmed the flame went out.",
        "failed": (
            "**{burner}** FAILED: the flame was still on {seconds} s after the cut. Turn the "
            "knob off by hand. Check that the relay contact is in series in this burner's "
            "thermocouple loop and opens; do not rely on the shut-off until this test passes."
        ),
        "failed_relay": (
            "**{burner}** FAILED: the relay did not confirm the cut. Check the relay; do not "
            "rely on the shut-off until this test passes."
        ),
        "unconfirmed": "**{burner}**: nobody confirmed the flame went out; the test is not passed.",
        "aborted": "**{burner}**: the burner was not lit in time; the test was stopped.",
    },
    "zh-Hans": {
        "title": "调试测试：{burner}",
        "light": (
            "现在点燃**{burner}**并保持燃烧。一旦检测到火焰，继电器就会切断，测试会测量火焰"
            "多快熄灭。请守在灶前。（{seconds} 秒后测试自动放弃。）"
        ),
        "light_then_press": (
            "现在点燃**{burner}**，然后再按一次**调试测试**：继电器会切断这个灶眼。请守在灶"
            "前。（{seconds} 秒后测试自动放弃。）"
        ),
        "confirm": (
            "继电器已切断**{burner}**。火焰是否在一两秒内熄灭？如果是，请在 {seconds} 秒内再按"
            "一次**调试测试**记录为通过。如果没有，请用手关闭旋钮并检查接线"
            "（hardware/README.zh-Hans.md）。"
        ),
        "passed": "**{burner}**通过：切断后 {seconds} 秒火焰熄灭。",
        "passed_by_hand": "**{burner}**通过：你已确认火焰熄灭。",
        "failed": (
            "**{burner}**未通过：切断 {seconds} 秒后火焰仍在燃烧。请用手关闭旋钮。检查继电器"
            "触点是否串联在这个灶眼的热电偶回路中并能断开；在测试通过之前不要依赖关火功能。"
        ),
        "failed_relay": (
            "**{burner}**未通过：继电器没有确认切断。请检查继电器；在测试通过之前不要依赖关火功能。"
        ),
        "unconfirmed": "**{burner}**：没有人确认火焰熄灭；测试未通过。",
        "aborted": "**{burner}**：没有及时点燃灶眼；测试已停止。",
    },
}


class CommissioningTest:
    """A supervised cut with a report, for one burner."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        burner: Burner,
        watch: BurnerWatch,
        memory: BurnerMemory,
    ) -> None:
        """Load nothing yet; `async_load` reads the last result."""
        self.hass = hass
        self.burner = burner
        self.watch = watch
        self._memory = memory
        self._notification_id = f"gas_stove_commissioning_{entry_id}_{burner.burner_id}"
        self.step = Step.IDLE
        self.result: Result | None = None
        self.tested_at: datetime | None = None
        self.seconds: float | None = None
        self._cut_at = 0.0
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

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when the step or the result changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _say(self, key: str, **placeholders: object) -> None:
        language = "zh-Hans" if self.hass.config.language.startswith("zh") else "en"
        text = _TEXT[language]
        values = {"burner": self.burner.settings.name, **placeholders}
        persistent_notification.async_create(
            self.hass,
            text[key].format(**values),
            title=text["title"].format(**values),
            notification_id=self._notification_id,
        )

    # --- the steps ----------------------------------------------------------

    async def async_press(self) -> None:
        """Start the test, or take the next step of a test under way."""
        if self.step is Step.WAITING_FOR_PRESS:
            await self._async_cut()
        elif self.step is Step.WAITING_FOR_CONFIRMATION:
            await self._async_finish(Result.PASSED, "passed_by_hand")
        elif self.step is Step.IDLE:
            self._start()
        # During WAITING_FOR_FLAME and MEASURING a press changes nothing.

    @callback
    def _start(self) -> None:
        if self.watch.flame is not None:
            self.step = Step.WAITING_FOR_FLAME
            self._unsub_flame = self.watch.flame.async_add_listener(self._flame_changed)
            self._say("light", seconds=int(LIGHT_WITHIN))
            self._flame_changed()
        else:
            self.step = Step.WAITING_FOR_PRESS
            self._say("light_then_press", seconds=int(LIGHT_WITHIN))
        self._arm_timeout(LIGHT_WITHIN)
        self._notify()

    @callback
    def _flame_changed(self) -> None:
        flame = self.watch.flame.state if self.watch.flame else None
        if self.step is Step.WAITING_FOR_FLAME and flame is True:
            self.hass.async_create_task(self._async_cut())
        elif self.step is Step.MEASURING and flame is False:
            seconds = round(time.monotonic() - self._cut_at, 1)
            self.hass.async_create_task(self._async_finish(Result.PASSED, "passed", seconds))

    async def _async_cut(self) -> None:
        self._disarm_timeout()
        measuring = self.watch.flame is not None
        self.step = Step.MEASURING if measuring else Step.WAITING_FOR_CONFIRMATION
        self._notify()
        self._cut_at = time.monotonic()
        try:
            await self.burner.async_shut_off(ShutOffReason.MANUAL)
        except RelayError:
            await self._async_finish(Result.FAILED, "failed_relay")
            return
        if measuring:
            self._arm_timeout(self.watch.verify_window)
        else:
            self._say("confirm", seconds=int(CONFIRM_WITHIN))
            self._arm_timeout(CONFIRM_WITHIN)

    @callback
    def _timed_out(self, _now: datetime) -> None:
        self._cancel_timeout = None
        step = self.step
        if step is Step.MEASURING:
            seconds = round(time.monotonic() - self._cut_at, 1)
            self.hass.async_create_task(self._async_finish(Result.FAILED, "failed", seconds))
        elif step is Step.WAITING_FOR_CONFIRMATION:
            self.hass.async_create_task(self._async_finish(Result.UNCONFIRMED, "unconfirmed"))
        else:
            self.hass.async_create_task(self._async_finish(Result.ABORTED, "aborted"))

    async def _async_finish(
        self, result: Result, message: str, seconds: float | None = None
    ) -> None:
        self._disarm_timeout()
        if self._unsub_flame:
            self._unsub_flame()
            self._unsub_flame = None
        self.step = Step.IDLE
        self.result = result
        self.seconds = seconds
        self.tested_at = dt_util.utcnow()
        self._say(message, seconds=seconds)
        _LOGGER.info("%s: commissioning test %s", self.burner.settings.name, result)
        await self._memory.async_put_commissioning(
            self.burner.burner_id, SavedCommissioning(result.value, self.tested_at, seconds)
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
    def async_stop(self) -> None:
        """Unload: a test under way is abandoned."""
        self._disarm_timeout()
        if self._unsub_flame:
            self._unsub_flame()
            self._unsub_flame = None
