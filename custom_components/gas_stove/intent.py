"""Assist intents: shut off, timers and status of the stove by voice.

The sentences live in custom_sentences/<language>/gas_stove.yaml of the
repository; a person copies them into Home Assistant's configuration. Burner
and stove names arrive as free text (wildcards), so every answer is built
here, in the language of the sentence, and says which burner it means.

An intent that cannot do its job answers with an error response carrying its
own text. Raising IntentHandleError instead would make the default agent
speak a generic "An unexpected error occurred" and log a stack trace.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
import asyncio
from dataclasses import dataclass
from datetime import timedelta
import re
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, intent

from .burner import Burner
from .compat import vol
from .const import DOMAIN, MAX_TIMER_MINUTES, Problem, ShutOffReason
from .intent_responses import ZH_HANS, Speech
from .relay import RelayError
from .stove import GasStoveConfigEntry, GasStoveData
from .timer import BurnerNotLit, BurnerTimer
from .watch import BurnerWatch

INTENT_SHUT_OFF: Final = "GasStoveShutOff"
INTENT_SET_TIMER: Final = "GasStoveSetTimer"
INTENT_CANCEL_TIMER: Final = "GasStoveCancelTimer"
INTENT_TIMER_STATUS: Final = "GasStoveTimerStatus"
INTENT_STATUS: Final = "GasStoveStatus"

SLOT_BURNER: Final = "burner"
SLOT_STOVE: Final = "stove"
SLOT_HOURS: Final = "hours"
SLOT_MINUTES: Final = "minutes"

# Words a person may say after a name ("the left burner", "左灶"); a name
# matches with or without them, so "Left burner" is found from "left".
_BURNER_WORDS = ("burner", "ring", "灶眼", "炉头", "灶")
_STOVE_WORDS = ("stove", "hob", "cooktop", "cooker", "燃气灶", "煤气灶", "灶台", "炉灶", "灶")
# The word the sentence files put right after a captured name, per language.
# A name we do not know is handed to Home Assistant's own HassTurnOff with
# it ("电磁灶", "kitchen burner"), so our sentences never swallow a turn-off
# meant for another device.
_SPOKEN_SUFFIXES: Final[dict[str, tuple[str, ...]]] = {
    "en": (" burner", " stove", " hob", " cooktop"),
    ZH_HANS: ("灶", "燃气灶", "煤气灶", "灶台"),
}
_FILLER = re.compile(r"^(?:(?:the|my|our)\s+|把|将)|的$", re.IGNORECASE)

_NAME_SLOTS: dict[vol.Marker, Any] = {
    vol.Optional(SLOT_BURNER): cv.string,
    vol.Optional(SLOT_STOVE): cv.string,
}
_DURATION_SLOTS: dict[vol.Marker, Any] = {
    vol.Optional(SLOT_HOURS): vol.Coerce(float),
    vol.Optional(SLOT_MINUTES): vol.Coerce(float),
}


async def async_setup_intents(hass: HomeAssistant) -> None:
    """Register the stove's intents.

    Home Assistant's intent component calls this for every loaded integration
    that has an intent.py, so __init__.py does not register them itself.
    """
    for handler in (
        ShutOffIntent(),
        SetTimerIntent(),
        CancelTimerIntent(),
        TimerStatusIntent(),
        StatusIntent(),
    ):
        intent.async_register(hass, handler)


@dataclass(frozen=True, slots=True)
class _Target:
    """One burner as an intent sees it."""

    label: str
    burner: Burner
    timer: BurnerTimer
    watch: BurnerWatch


class _Refusal(Exception):
    """The intent cannot do what was asked; the answer says why."""

    def __init__(
        self, key: str, code: intent.IntentResponseErrorCode, **placeholders: object
    ) -> None:
        super().__init__(key)
        self.key = key
        self.code = code
        self.placeholders = placeholders


def _compact(text: str) -> str:
    """Case, spaces, punctuation and fillers do not matter in a name."""
    text = _FILLER.sub("", text.strip())
    return "".join(char for char in text.casefold() if char.isalnum())


def _keys(text: str, words: tuple[str, ...]) -> set[str]:
    compact = _compact(text)
    keys = {compact}
    for word in words:
        if compact.endswith(word) and len(compact) > len(word):
            keys.add(compact.removesuffix(word))
    return keys


def _bare(text: str, words: tuple[str, ...]) -> str:
    """A spoken name without a trailing 'burner'/'灶', for 'the {name} burner'."""
    stripped = text.strip()
    for word in words:
        if stripped.casefold().endswith(word) and len(stripped) > len(word):
            return stripped[: -len(word)].strip()
    return stripped


def _text_slot(slots: dict[str, Any], name: str) -> str | None:
    value = slots.get(name, {}).get("value")
    return (value.strip() or None) if isinstance(value, str) else None


def _number_slot(slots: dict[str, Any], name: str) -> float:
    value = slots.get(name, {}).get("value")
    return float(value) if isinstance(value, int | float) else 0.0


def _stoves(hass: HomeAssistant) -> list[GasStoveData]:
    entries: list[GasStoveConfigEntry] = hass.config_entries.async_loaded_entries(DOMAIN)
    return [entry.runtime_data for entry in entries]


def _targets(hass: HomeAssistant, slots: dict[str, Any], speech: Speech) -> list[_Target]:
    """The burners a sentence names: one burner, one stove, or everything."""
    stoves = everything = _stoves(hass)
    if not stoves:
        raise _Refusal("no_stove", intent.IntentResponseErrorCode.NO_VALID_TARGETS)
    if stove_name := _text_slot(slots, SLOT_STOVE):
        wanted = _keys(stove_name, _STOVE_WORDS)
        stoves = [s for s in stoves if wanted & _keys(s.name, _STOVE_WORDS)]
        if not stoves:
            raise _Refusal(
                "unknown_stove",
                intent.IntentResponseErrorCode.NO_VALID_TARGETS,
                name=_bare(stove_name, _STOVE_WORDS),
            )
    # With several stoves a burner is spoken of with its stove's name.
    several = len(everything) > 1
    targets = [
        _Target(
            speech("stove_burner", stove=stove.name, burner=burner.settings.name)
            if several
            else burner.settings.name,
            burner,
            stove.timers[burner_id],
            stove.watches[burner_id],
        )
        for stove in stoves
        for burner_id, burner in stove.burners.items()
    ]
    if burner_name := _text_slot(slots, SLOT_BURNER):
        exact = [t for t in targets if _compact(t.burner.settings.name) == _compact(burner_name)]
        wanted = _keys(burner_name, _BURNER_WORDS)
        # The same burner name on two stoves means both: for a shut-off that
        # is the safe reading, for the rest it is what was said.
        targets = exact or [
            t for t in targets if wanted & _keys(t.burner.settings.name, _BURNER_WORDS)
        ]
        if not targets:
            raise _Refusal(
                "unknown_burner",
                intent.IntentResponseErrorCode.NO_VALID_TARGETS,
                name=_bare(burner_name, _BURNER_WORDS),
            )
    return targets


class _StoveIntent(intent.IntentHandler, ABC):
    """Common ground: slots, language, and refusals turned into answers."""

    @property
    def slot_schema(self) -> dict[vol.Marker, Any]:
        """A burner and/or a stove by name; all optional."""
        return _NAME_SLOTS

    async def async_handle(self, intent_obj: intent.Intent) -> intent.IntentResponse:
        """Answer in the sentence's language; a refusal is an error answer."""
        slots = self.async_validate_slots(intent_obj.slots)
        speech = Speech(intent_obj.language)
        response = intent_obj.create_response()
        try:
            response = await self._async_answer(intent_obj, slots, speech, response)
        except _Refusal as refusal:
            response.async_set_error(refusal.code, speech(refusal.key, **refusal.placeholders))
        return response

    @abstractmethod
    async def _async_answer(
        self,
        intent_obj: intent.Intent,
        slots: dict[str, Any],
        speech: Speech,
        response: intent.IntentResponse,
    ) -> intent.IntentResponse:
        """Do the job and say so, or raise _Refusal."""


class ShutOffIntent(_StoveIntent):
    """Cut one named burner, or every burner of a stove, now."""

    intent_type = INTENT_SHUT_OFF
    description = "Shuts off one burner of a gas stove by name, or all burners of a stove"

    async def _async_answer(
        self,
        intent_obj: intent.Intent,
        slots: dict[str, Any],
        speech: Speech,
        response: intent.IntentResponse,
    ) -> intent.IntentResponse:
        try:
            targets = _targets(intent_obj.hass, slots, speech)
        except _Refusal:
            handed_over = await _async_turn_off_elsewhere(intent_obj, slots, speech)
            if handed_over is None:
                raise
            return handed_over
        # All at once: one dead relay must not delay the others.
        results = await asyncio.gather(
            *(t.burner.async_shut_off(ShutOffReason.VOICE) for t in targets),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, RelayError):
                # Not the relay: a bug, reported as an unexpected intent error.
                raise result  # pragma: no cover
        done = [t.label for t, r in zip(targets, results, strict=True) if r is None]
        failed = [t.label for t, r in zip(targets, results, strict=True) if r is not None]
        parts = [speech("shut_off", burners=speech.names(done))] if done else []
        if failed:
            parts.append(speech("shut_off_failed", burners=speech.names(failed)))
        # A cut closes the flame-failure valve, not the tap: pushing the knob
        # would let gas through again.
        parts.append(speech("turn_knob_off"))
        if failed:
            response.async_set_error(
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE, speech.sentences(parts)
            )
            return response
        response.async_set_speech(speech.sentences(parts))
        return response


# Where turning off takes energy away. HassTurnOff on a lock unlocks it: a
# turn-off we hand on must never reach a lock (or anything else that moves).
_HAND_OFF_DOMAINS = (
    "switch",
    "climate",
    "water_heater",
    "fan",
    "light",
    "valve",
    "humidifier",
    "input_boolean",
    "media_player",
)


async def _async_turn_off_elsewhere(
    intent_obj: intent.Intent, slots: dict[str, Any], speech: Speech
) -> intent.IntentResponse | None:
    """Give a turn-off for a name that is no burner to Home Assistant's own intent.

    The sentence files take precedence over the built-in ones, so without
    this "关闭电磁灶" would no longer reach an induction cooker called 电磁灶.
    """
    name = _text_slot(slots, SLOT_BURNER) or _text_slot(slots, SLOT_STOVE)
    if name is None:
        return None
    for suffix in _SPOKEN_SUFFIXES[speech.language]:
        spoken = f"{name}{suffix}"
        try:
            response = await intent.async_handle(
                intent_obj.hass,
                intent_obj.platform,
                intent.INTENT_TURN_OFF,
                {"name": {"value": spoken}, "domain": {"value": list(_HAND_OFF_DOMAINS)}},
                intent_obj.text_input,
                intent_obj.context,
                intent_obj.language,
                assistant=intent_obj.assistant,
                device_id=intent_obj.device_id,
                conversation_agent_id=intent_obj.conversation_agent_id,
            )
        except (intent.MatchFailedError, intent.UnknownIntent):
            continue
        response.async_set_speech(speech("shut_off", burners=spoken))
        return response
    return None


class SetTimerIntent(_StoveIntent):
    """Shut a burner (or every lit burner) off after a while."""

    intent_type = INTENT_SET_TIMER
    description = "Sets the shut-off timer of one gas burner, or of every lit burner"

    @property
    def slot_schema(self) -> dict[vol.Marker, Any]:
        """Names as for every intent, plus hours and minutes."""
        return {**_NAME_SLOTS, **_DURATION_SLOTS}

    async def _async_answer(
        self,
        intent_obj: intent.Intent,
        slots: dict[str, Any],
        speech: Speech,
        response: intent.IntentResponse,
    ) -> intent.IntentResponse:
        minutes = _number_slot(slots, SLOT_HOURS) * 60 + _number_slot(slots, SLOT_MINUTES)
        if not 0 < minutes <= MAX_TIMER_MINUTES:
            raise _Refusal(
                "timer_out_of_range",
                intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                max=MAX_TIMER_MINUTES,
                minutes=f"{minutes:g}",
            )
        targets = _targets(intent_obj.hass, slots, speech)
        await _read_flames_now(targets)
        if _text_slot(slots, SLOT_BURNER) is None:
            # "The stove" means the burners that are lit. A burner without a
            # flame source (or one not read yet) may be lit: it is included.
            targets = [t for t in targets if t.watch.flame is None or not t.watch.flame.known_out]
            if not targets:
                raise _Refusal("nothing_lit", intent.IntentResponseErrorCode.FAILED_TO_HANDLE)
        duration = timedelta(minutes=minutes)
        for target in targets:
            try:
                await target.timer.async_set(duration)
            except BurnerNotLit as err:
                raise _Refusal(
                    "burner_not_lit",
                    intent.IntentResponseErrorCode.FAILED_TO_HANDLE,
                    burner=target.label,
                ) from err
        response.async_set_speech(
            speech(
                "timer_set",
                burners=speech.names([t.label for t in targets]),
                duration=speech.duration(duration),
            )
        )
        return response


class CancelTimerIntent(_StoveIntent):
    """Cancel the shut-off timer of one burner or of all."""

    intent_type = INTENT_CANCEL_TIMER
    description = "Cancels the shut-off timer of one gas burner, or of all burners"

    async def _async_answer(
        self,
        intent_obj: intent.Intent,
        slots: dict[str, Any],
        speech: Speech,
        response: intent.IntentResponse,
    ) -> intent.IntentResponse:
        targets = _targets(intent_obj.hass, slots, speech)
        running = [t for t in targets if t.timer.deadline is not None]
        for target in running:
            await target.timer.async_cancel()
        response.async_set_speech(
            _no_timer(slots, speech, targets, running)
            or speech("timer_cancelled", burners=speech.names([t.label for t in running]))
        )
        return response


def _no_timer(
    slots: dict[str, Any], speech: Speech, targets: list[_Target], running: list[_Target]
) -> str | None:
    """What to say when none of the burners asked about has a timer."""
    if running:
        return None
    if _text_slot(slots, SLOT_BURNER) is None:
        return speech("no_timer")
    return speech("no_timer_for", burners=speech.names([t.label for t in targets]))


class TimerStatusIntent(_StoveIntent):
    """How long until each timed burner shuts off."""

    intent_type = INTENT_TIMER_STATUS
    description = "Tells how long until the gas burners with a timer shut off"

    async def _async_answer(
        self,
        intent_obj: intent.Intent,
        slots: dict[str, Any],
        speech: Speech,
        response: intent.IntentResponse,
    ) -> intent.IntentResponse:
        targets = _targets(intent_obj.hass, slots, speech)
        left = [(t, t.timer.remaining) for t in targets]
        running = [t for t, remaining in left if remaining is not None]
        answer = _no_timer(slots, speech, targets, running) or speech.sentences(
            [
                speech("timer_left", burner=t.label, duration=speech.duration(remaining))
                for t, remaining in left
                if remaining is not None
            ]
        )
        response.async_set_speech(answer)
        return response


class StatusIntent(_StoveIntent):
    """Lit, locked, cut, timed or in trouble: burner by burner."""

    intent_type = INTENT_STATUS
    description = "Tells which gas burners are lit, locked, timed or have a problem"

    async def _async_answer(
        self,
        intent_obj: intent.Intent,
        slots: dict[str, Any],
        speech: Speech,
        response: intent.IntentResponse,
    ) -> intent.IntentResponse:
        targets = _targets(intent_obj.hass, slots, speech)
        await _read_flames_now(targets)
        response.async_set_speech(
            speech.sentences(
                [
                    speech("status", burner=t.label, details=speech.details(_details(t, speech)))
                    for t in targets
                ]
            )
        )
        return response


async def _read_flames_now(targets: list[_Target]) -> None:
    """A fresh reading of every polled flame source, side by side.

    A person asks right after lighting: the answer must not come from a poll
    taken before the knob was turned (an idle stove is polled every 10 s).
    """
    await asyncio.gather(
        *(t.watch.flame.async_read_now() for t in targets if t.watch.flame is not None)
    )


def _details(target: _Target, speech: Speech) -> list[str]:
    burner, watch = target.burner, target.watch
    details: list[str] = []
    if watch.flame is not None:
        # The newest reading, even one still being debounced.
        flame = watch.flame.latest
        details.append(speech("flame_unknown" if flame is None else "lit" if flame else "out"))
    if not burner.available:
        details.append(speech("offline"))
    elif burner.hold:
        details.append(speech("child_lock"))
    elif burner.relay_cut:
        details.append(speech("cut"))
    if (remaining := target.timer.remaining) is not None:
        details.append(speech("turns_off_in", duration=speech.duration(remaining)))
    # Most urgent first, as the Problem sensor orders them.
    details.extend(speech(problem) for problem in Problem if problem in watch.problems)
    return details or [speech("ready")]
