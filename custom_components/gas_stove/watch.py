"""Watching a burner: did the shut-off work, does a person need to act.

A shut-off that was asked for ends in exactly one of two ways: the flame is
confirmed out within the verification window (a `shut_off` event), or the
Problem state is raised with a `shutoff_failed` event, a second cut is held
until the flame is out, and a repair issue tells the person what to check.
Without a flame source the relay's confirmed cut is all we can know, and the
event says so (`verified: false`).

A verification under way and a failed shut-off are persisted: a restart in
the middle of the window finishes it (with a short grace for the first flame
readings), and a Problem raised before a restart is still raised after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .burner import Burner
from .const import DOMAIN, Problem, ShutOffReason, StoveEvent
from .flame import FlameDetector
from .memory import BurnerMemory, SavedVerification

_LOGGER = logging.getLogger(__name__)

type EventListener = Callable[[StoveEvent, dict[str, Any]], None]
type WatchHook = Callable[[bool], None]

# A window that closed while Home Assistant was down, or nearly so, gets this
# long after the restart: the flame source needs a few readings (and its
# debounce) before it can say "out".
RESUME_GRACE = 5.0


@dataclass(slots=True)
class _Verification:
    reason: ShutOffReason
    requested_at: datetime
    until: datetime
    cancel_timer: CALLBACK_TYPE | None
    failed: bool = False
    # Whether the flame was seen lit since the request. A pushed source that
    # said "out" before the request and never "lit" since reports nothing new.
    saw_flame: bool = False

    def saved(self) -> SavedVerification:
        return SavedVerification(
            self.reason, self.requested_at, self.until, self.failed, self.saw_flame
        )

    @classmethod
    def resume(cls, saved: SavedVerification | None) -> _Verification | None:
        if saved is None:
            return None
        return cls(
            saved.reason, saved.requested_at, saved.until, None, saved.failed, saved.saw_flame
        )


class BurnerWatch:
    """Verification, problems, cooking time and events of one burner."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        burner: Burner,
        flame: FlameDetector | None,
        verify_window: float,
        memory: BurnerMemory,
        watch_hook: WatchHook | None = None,
    ) -> None:
        """`watch_hook(True)` asks a polled flame source to poll fast."""
        self.hass = hass
        self.burner = burner
        self._memory = memory
        self.flame = flame
        self.verify_window = verify_window
        self._entry_id = entry_id
        self._watch_hook = watch_hook
        self._verification: _Verification | None = None
        self._flame_state: bool | None = flame.state if flame else None
        self.flame_since: datetime | None = None
        # Events fired during the start, before the event entity exists.
        self._early_events: list[tuple[StoveEvent, dict[str, Any]]] | None = []
        # Whether the current hold has been in force for a verification
        # window (None: no hold).
        self._hold_matured: bool | None = None
        self._hold_check: CALLBACK_TYPE | None = None
        # The last flame state that was known (not unknown).
        self._last_known_flame: bool | None = self._flame_state
        self.problems: set[Problem] = set()
        self._listeners: list[Callable[[], None]] = []
        self._event_listeners: list[EventListener] = []
        self._unsubs: list[CALLBACK_TYPE] = []
        self._annotations: dict[ShutOffReason, dict[str, Any]] = {}
        # Whether no cut of this burner can be confirmed (None: not looked yet).
        self._unconfirmable: bool | None = None

    @callback
    def annotate(self, reason: ShutOffReason, data: dict[str, Any]) -> None:
        """Add `data` to the next shut_off event of `reason` (e.g. its trigger)."""
        self._annotations[reason] = data

    @property
    def issue_id(self) -> str:
        """Repair issue of an unconfirmed shut-off of this burner."""
        return f"shutoff_unconfirmed_{self._entry_id}_{self.burner.burner_id}"

    @property
    def problem(self) -> Problem | None:
        """The most urgent problem, if any."""
        for problem in Problem:
            if problem in self.problems:
                return problem
        return None

    @property
    def verifying(self) -> bool:
        """Whether a shut-off is waiting for the flame to go out."""
        return self._verification is not None

    @callback
    def async_start(self) -> None:
        """Follow the burner and its flame."""
        self._unsubs.append(self.burner.async_add_cut_listener(self._cut_done))
        self._unsubs.append(self.burner.async_add_listener(self._evaluate))
        self._unsubs.append(self._memory.async_add_listener(self._memory_changed))
        if self.flame is not None:
            self._unsubs.append(self.flame.async_add_listener(self._flame_changed))
            self._unsubs.append(self.flame.async_add_reading_listener(self._check_out))
        self._resume_verification()
        if self.burner.escalated or self._verification is not None:
            # Restarted while verifying or while a second cut was held: keep
            # watching for the flame to go out (then the burner returns to
            # rest by itself).
            self._set_watching(True)
        if self.burner.failed_shutoff is not None:
            self._raise_relay_issue()
        self._flame_changed()

    @callback
    def _resume_verification(self) -> None:
        saved = _Verification.resume(self._memory.verification(self.burner.burner_id))
        if saved is None:
            return
        if self.flame is None:
            # The flame source was removed meanwhile: nothing can verify.
            self._save_verification()
            return
        if saved.failed:
            self._raise_verification_issue()
        else:
            remaining = (saved.until - dt_util.utcnow()).total_seconds()
            saved.cancel_timer = async_call_later(
                self.hass, max(remaining, RESUME_GRACE), self._window_closed
            )
        self._verification = saved
        _LOGGER.info(
            "%s: verifying a shut-off (%s) asked for before the restart",
            self.burner.settings.name,
            saved.reason,
        )

    @property
    def memory_issue_id(self) -> str:
        """The stove's repair issue for safety state that cannot be saved."""
        return f"state_not_saved_{self._entry_id}"

    @callback
    def _memory_changed(self) -> None:
        if self._memory.write_failed:
            raise_critical_issue(
                self.hass,
                self.memory_issue_id,
                "state_not_saved",
                {"path": f".storage/{DOMAIN}.{self._entry_id}"},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, self.memory_issue_id)
        self._evaluate()

    @callback
    def _save_verification(self) -> None:
        verification = self._verification
        self.hass.async_create_task(
            self._memory.async_put_verification(
                self.burner.burner_id, verification.saved() if verification else None
            ),
            f"gas_stove save verification {self.burner.burner_id}",
        )

    @callback
    def async_stop(self) -> None:
        """Unload: stop timers and listeners (the repair issue stays)."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._cancel_hold_check()
        if self._verification and self._verification.cancel_timer:
            self._verification.cancel_timer()
        self._verification = None

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when problems, flame or cooking time change."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_add_event_listener(self, listener: EventListener) -> CALLBACK_TYPE:
        """Be told of stove events (the event entity fires them)."""
        self._event_listeners.append(listener)
        return lambda: self._event_listeners.remove(listener)

    @callback
    def fire(self, event: StoveEvent, data: dict[str, Any]) -> None:
        """Fire a stove event (also used by the timers)."""
        self._fire(event, data)

    @callback
    def _fire(self, event: StoveEvent, data: dict[str, Any]) -> None:
        if event is StoveEvent.SHUT_OFF and data.get("reason") in self._annotations:
            data = {**data, **self._annotations.pop(data["reason"])}
        _LOGGER.debug("%s: %s %s", self.burner.settings.name, event, data)
        if self._early_events is not None:
            # Before the event entity exists (e.g. a verification resumed at
            # start that the first reading already finishes): kept for it.
            self._early_events.append((event, data))
            return
        for listener in list(self._event_listeners):
            listener(event, data)

    @callback
    def async_entities_ready(self) -> None:
        """The event entity exists: deliver what happened during the start."""
        early, self._early_events = self._early_events or [], None
        for event, data in early:
            for listener in list(self._event_listeners):
                listener(event, data)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @callback
    def _set_watching(self, watching: bool) -> None:
        if self._watch_hook is not None:
            self._watch_hook(watching)

    # --- verification ------------------------------------------------------

    @property
    def relay_issue_id(self) -> str:
        """Repair issue of a shut-off the relay did not confirm."""
        return f"relay_not_confirmed_{self._entry_id}_{self.burner.burner_id}"

    @callback
    def _cut_done(self, reason: ShutOffReason, requested_at: datetime, confirmed: bool) -> None:
        if not confirmed:
            self._fire(
                StoveEvent.SHUTOFF_FAILED,
                {"reason": reason, "relay": "not_confirmed", "seconds": _since(requested_at)},
            )
            self._raise_relay_issue()
            self._evaluate()
            return
        self._cut_confirmed(reason, requested_at)

    @callback
    def _raise_relay_issue(self) -> None:
        raise_critical_issue(
            self.hass,
            self.relay_issue_id,
            "relay_not_confirmed",
            {"burner": self.burner.settings.name},
        )

    @callback
    def _raise_verification_issue(self) -> None:
        raise_critical_issue(
            self.hass,
            self.issue_id,
            "shutoff_unconfirmed",
            {"burner": self.burner.settings.name, "window": f"{self.verify_window:g}"},
        )

    @callback
    def _cut_confirmed(self, reason: ShutOffReason, requested_at: datetime) -> None:
        if self.flame is None:
            self._fire(
                StoveEvent.SHUT_OFF,
                {
                    "reason": reason,
                    "verified": False,
                    "seconds": _since(requested_at),
                    # An assumed_state relay only took the action: nothing,
                    # not even its state, confirms the cut.
                    **({"relay": "assumed"} if self.burner.relay.assumed else {}),
                },
            )
            return
        if self._verification is not None:
            # A hold or a second shut-off during verification: same window.
            return
        if self.flame.out_since(requested_at):
            # Already out by a reading taken after the request. An older
            # "out" is not enough: a polled sensor may not have seen a burner
            # lit seconds ago, with the knob still held in.
            self._fire(
                StoveEvent.SHUT_OFF,
                {"reason": reason, "verified": True, "seconds": 0.0, "was_lit": False},
            )
            return
        self._verification = _Verification(
            reason,
            requested_at,
            dt_util.utcnow() + timedelta(seconds=self.verify_window),
            async_call_later(self.hass, self.verify_window, self._window_closed),
        )
        self._save_verification()
        self._set_watching(True)
        self._notify()

    @callback
    def _window_closed(self, _now: datetime) -> None:
        verification = self._verification
        if verification is None:  # pragma: no cover - the timer is cancelled first
            return
        verification.cancel_timer = None
        flame_source = self.flame
        if (
            flame_source is not None
            and flame_source.push
            and flame_source.out_since(None)
            and not verification.saw_flame
        ):
            # A pushed source that said "out" before the request and never
            # "lit" during the whole window: the burner was not burning (such
            # a source reports only changes, so no newer reading comes). A
            # polled one must be read afresh instead: it is, every second.
            self._verification = None
            self._save_verification()
            self._fire(
                StoveEvent.SHUT_OFF,
                {
                    "reason": verification.reason,
                    "verified": True,
                    "seconds": _since(verification.requested_at),
                    "was_lit": False,
                },
            )
            self._set_watching(False)
            self._evaluate()
            return
        # The second cut reaches the disk first: a crash between the two
        # writes must not restart with the Problem shown and no cut held.
        self.hass.async_create_task(self.burner.async_escalate())
        verification.failed = True
        self._save_verification()
        flame = self.flame.state if self.flame else None
        self._fire(
            StoveEvent.SHUTOFF_FAILED,
            {
                "reason": verification.reason,
                "flame": "unknown" if flame is None else "on",
                "seconds": _since(verification.requested_at),
            },
        )
        self._raise_verification_issue()
        _LOGGER.error(
            "%s: flame still %s %g s after the shut-off; holding the cut until it is out",
            self.burner.settings.name,
            "unknown" if flame is None else "on",
            self.verify_window,
        )
        self._evaluate()

    @callback
    def _flame_out_confirmed(self) -> None:
        verification, self._verification = self._verification, None
        if verification is not None:
            self._save_verification()
            if verification.cancel_timer:
                verification.cancel_timer()
            self._fire(
                StoveEvent.SHUT_OFF,
                {
                    "reason": verification.reason,
                    "verified": True,
                    "seconds": _since(verification.requested_at),
                    "late": verification.failed,
                },
            )
        ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        if self.burner.escalated:
            self.hass.async_create_task(self.burner.async_end_escalation())
        self._set_watching(False)

    # --- flame and problems -------------------------------------------------

    @callback
    def _check_assumed_relay(self) -> None:
        """A relay that only assumes its state, and no flame source: say so once.

        Not a Problem of the burner (nothing is wrong right now), but no cut
        of it can ever be confirmed, which a person must know.
        """
        relay = self.burner.relay
        unconfirmable = self.flame is None and relay.assumed
        if unconfirmable is self._unconfirmable:
            return  # asked on every change of the burner: act on a change of this
        self._unconfirmable = unconfirmable
        issue_id = _assumed_relay_issue_id(self._entry_id, self.burner.burner_id)
        if unconfirmable:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                is_persistent=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ASSUMED_RELAY_ISSUE,
                translation_placeholders={
                    "burner": self.burner.settings.name,
                    "relay": relay.key.removeprefix("entity:"),
                },
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def _flame_changed(self) -> None:
        flame = self.flame.state if self.flame else None
        if flame != self._flame_state:
            self._flame_state = flame
            if flame is True:
                if self._verification is not None and not self._verification.saw_flame:
                    self._verification.saw_flame = True
                    self._save_verification()
                if self._last_known_flame is not True:
                    self.flame_since = dt_util.utcnow()
                    self._fire(StoveEvent.FLAME_ON, {})
                self._last_known_flame = True
            elif flame is False:
                if self._last_known_flame is True:
                    seconds = _since(self.flame_since) if self.flame_since else 0.0
                    self._fire(StoveEvent.FLAME_OFF, {"seconds": seconds})
                self.flame_since = None
                self._last_known_flame = False
            # Unknown (one lost poll, a sensor integration still loading):
            # nothing starts or ends. Only a reading of "out" ends a session,
            # or the maximum burn time would start again after every dropout.
        self._check_out()
        self._evaluate()

    @callback
    def _check_out(self) -> None:
        """End a verification or a second cut once the flame is seen out."""
        if self.flame is None:
            return
        verification = self._verification
        since = verification.requested_at if verification is not None else None
        if (verification is not None or self.burner.escalated) and self.flame.out_since(since):
            self._flame_out_confirmed()
            self._evaluate()

    @callback
    def _hold_check_due(self, _now: datetime) -> None:
        self._hold_check = None
        if self._hold_matured is False:
            self._hold_matured = True
        self._evaluate()

    @callback
    def _cancel_hold_check(self) -> None:
        if self._hold_check is not None:
            self._hold_check()
            self._hold_check = None

    @callback
    def _evaluate(self) -> None:
        """Recompute the problems that follow from the current state."""
        self._check_assumed_relay()
        flame = self.flame.state if self.flame else None
        lit = flame is True
        if not self.burner.hold:
            self._hold_matured = None
            self._cancel_hold_check()
        elif self._hold_matured is None:
            # Look again once the hold is old enough to judge a flame.
            self._hold_matured = False
            self._hold_check = async_call_later(self.hass, self.verify_window, self._hold_check_due)
        # A burner locked while lit burns on for a moment (the valve drops in
        # about a second, the sensor follows): the shut-off's verification
        # judges that. A flame while a hold has been in force longer than
        # that window is a flame the hold does not stop.
        held_long = self._hold_matured is True
        if self.burner.failed_shutoff is None:
            ir.async_delete_issue(self.hass, DOMAIN, self.relay_issue_id)
        checks = {
            Problem.SHUTOFF_UNCONFIRMED: self.burner.failed_shutoff is not None
            or (self._verification is not None and self._verification.failed)
            or self.burner.escalated,
            Problem.RELAY_UNREACHABLE_WHILE_LIT: lit and not self.burner.available,
            # During verification a lit flame is expected for a moment.
            Problem.FLAME_WHILE_LOCKED: lit
            and self.burner.hold
            and self._verification is None
            and held_long,
            Problem.HOLD_NOT_KEPT: self.burner.hold_not_kept,
            Problem.STATE_NOT_SAVED: self._memory.write_failed,
            Problem.FLAME_SOURCE_UNAVAILABLE: self.flame is not None and not self.flame.available,
        }
        for problem, active in checks.items():
            if active and problem not in self.problems:
                self.problems.add(problem)
                _LOGGER.warning("%s: problem %s", self.burner.settings.name, problem)
            elif not active:
                self.problems.discard(problem)
        self._notify()


ASSUMED_RELAY_ISSUE = "relay_assumed_state"


def _assumed_relay_issue_id(entry_id: str, burner_id: str) -> str:
    return f"{ASSUMED_RELAY_ISSUE}_{entry_id}_{burner_id}"


@callback
def raise_critical_issue(
    hass: HomeAssistant, issue_id: str, translation_key: str, placeholders: dict[str, str]
) -> None:
    """A repair issue a person must act on; raised again after a restart if still true."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        is_persistent=False,
        severity=ir.IssueSeverity.CRITICAL,
        translation_key=translation_key,
        translation_placeholders=placeholders,
    )


def _since(moment: datetime) -> float:
    return round((dt_util.utcnow() - moment).total_seconds(), 2)
