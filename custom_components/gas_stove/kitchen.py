"""The kitchen around the stove: hood linkage, emergency shut-off, unattended guard.

Stove-level rules over all burners, free of entity code:

- Hood linkage (烟灶联动): any burner lit → hood on after a delay; all out →
  hood off after a run-on. Only a hood the linkage turned on is turned off; a
  person who switches it off while cooking makes the linkage stand down until
  the next cooking session; a hood that was on before cooking stays on.
- Emergency: a smoke, gas, CO or heat sensor turning on cuts and holds every
  burner (child lock). Only a person releases the hold.
- Unattended cooking: a lit burner with no presence for the absence time
  gets a warning, then after the grace time the lit burners shut off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_ENTITY_ID,
    STATE_HOME,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later, async_track_state_change_event
from homeassistant.util import dt as dt_util

from .burner import Burner
from .const import DOMAIN, ShutOffReason, StoveEvent
from .memory import BurnerMemory, SavedKitchen
from .relay import RelayError
from .watch import BurnerWatch, raise_critical_issue

_LOGGER = logging.getLogger(__name__)

# How stale the saved "last seen at the stove" may be: saved at most this
# often (a motion sensor reports every few seconds; an SD card wears), so a
# restart can only bring the unattended warning this much earlier.
PRESENCE_SAVE_INTERVAL = timedelta(seconds=60)
PRESENT_STATES = {STATE_ON, STATE_HOME, "detected", "occupied"}


@dataclass(frozen=True, slots=True)
class KitchenSettings:
    """Stove-level options."""

    hood_entity: str | None = None
    hood_percentage: int = 0
    hood_preset: str | None = None
    hood_delay: float = 0.0
    hood_run_on_minutes: float = 3.0
    emergency_sensors: tuple[str, ...] = ()
    emergency_hood: bool = True
    emergency_hood_gas: bool = False
    presence_entities: tuple[str, ...] = ()
    absence_minutes: float = 10.0
    grace_minutes: float = 5.0


_TEXT = {
    "en": (
        "Emergency shut-off: {stove}",
        "**{sensor}** reported an emergency. Every burner of {stove} was cut and is held "
        "(child lock). {hood}Check the kitchen. The burners stay locked until a person unlocks "
        "each burner's Child lock; turning the gas on does not release them, and nothing "
        "releases them automatically. Turn the knobs to off.",
        "The range hood was turned on at full speed. ",
    ),
    "zh-Hans": (
        "紧急关火：{stove}",
        "**{sensor}** 报告了紧急情况。{stove}的所有灶眼都已切断并保持（童锁）。{hood}请检查"
        "厨房。在有人解锁各灶眼的童锁之前，灶眼会一直锁住；打开燃气不会解除，也不会自动解除。"
        "关火后请把旋钮拧到关闭位置。",
        "烟机已以最高风速打开。",
    ),
}


@dataclass
class _HoodState:
    session: bool = False
    stood_down: bool = False
    ours: bool = False
    commanded: str | None = None
    cancel_start: CALLBACK_TYPE | None = None
    cancel_stop: CALLBACK_TYPE | None = None


@dataclass
class _AbsenceState:
    last_presence: datetime = field(default_factory=dt_util.utcnow)
    warned: bool = False
    cancel: CALLBACK_TYPE | None = None


class KitchenGuards:
    """Hood linkage, emergency shut-off and the unattended-cooking guard."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        stove_name: str,
        burners: dict[str, Burner],
        watches: dict[str, BurnerWatch],
        memory: BurnerMemory,
        settings: KitchenSettings,
    ) -> None:
        """Nothing is followed until `async_start`."""
        self.hass = hass
        self.entry_id = entry_id
        self.stove_name = stove_name
        self.burners = burners
        self.watches = watches
        self.settings = settings
        self._memory = memory
        self._hood = _HoodState()
        self._absence = _AbsenceState()
        self._emergency_active: set[str] = set()
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []
        self.hood_linkage_enabled = True
        self._presence_saved = self._absence.last_presence

    # --- life cycle ------------------------------------------------------

    @property
    def has_flame(self) -> bool:
        """Whether any burner has a flame source (the guards need one)."""
        return any(watch.flame is not None for watch in self.watches.values())

    @property
    def hood_linkage_available(self) -> bool:
        """The linkage needs a hood and a flame source."""
        return self.settings.hood_entity is not None and self.has_flame

    @property
    def emergency_issue_id(self) -> str:
        """Repair issue of an emergency shut-off of this stove."""
        return f"emergency_{self.entry_id}"

    @callback
    def async_start(self) -> None:
        """Follow flames, the hood, emergency and presence sensors."""
        saved = self._memory.kitchen()
        self.hood_linkage_enabled = saved.hood_linkage
        if saved.last_presence is not None:
            # A restart does not give an unattended burner a new absence time.
            self._absence.last_presence = min(saved.last_presence, dt_util.utcnow())
        self._presence_saved = self._absence.last_presence
        for listener in list(self._listeners):
            listener()
        for watch in self.watches.values():
            self._unsubs.append(watch.async_add_listener(self._flames_changed))
        for burner in self.burners.values():
            self._unsubs.append(burner.async_add_listener(self._burners_changed))
        if self.settings.hood_entity:
            self._unsubs.append(
                async_track_state_change_event(
                    self.hass, self.settings.hood_entity, self._hood_changed
                )
            )
        if self.settings.emergency_sensors:
            self._unsubs.append(
                async_track_state_change_event(
                    self.hass, list(self.settings.emergency_sensors), self._emergency_changed
                )
            )
            for entity_id in self.settings.emergency_sensors:
                state = self.hass.states.get(entity_id)
                if state is not None and state.state == STATE_ON:
                    self._trigger_emergency(entity_id)
        if self.settings.presence_entities:
            self._unsubs.append(
                async_track_state_change_event(
                    self.hass, list(self.settings.presence_entities), self._presence_changed
                )
            )
        self._flames_changed()

    @callback
    def async_stop(self) -> None:
        """Unload: stop timers and listeners."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._cancel_hood_timers()
        if self._absence.cancel:
            self._absence.cancel()
            self._absence.cancel = None

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Be told when the linkage switch changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _lit(self) -> list[Burner]:
        return [
            self.burners[burner_id]
            for burner_id, watch in self.watches.items()
            if watch.flame is not None and watch.flame.state is True
        ]

    @callback
    def _flames_changed(self) -> None:
        self._evaluate_hood()
        self._evaluate_absence()

    # --- hood linkage --------------------------------------------------------

    async def async_set_hood_linkage(self, enabled: bool) -> None:
        """Turn the linkage on or off (persisted); the hood is left as it is."""
        self.hood_linkage_enabled = enabled
        if not enabled:
            self._cancel_hood_timers()
            self._hood.ours = False
        await self._async_save()
        self._evaluate_hood()
        for listener in list(self._listeners):
            listener()

    @callback
    def _evaluate_hood(self) -> None:
        hood = self._hood
        if not self.hood_linkage_available or not self.hood_linkage_enabled:
            return
        if self._lit():
            if hood.cancel_stop:
                # Lit again during the run-on: the hood stays on.
                hood.cancel_stop()
                hood.cancel_stop = None
            if not hood.session:
                hood.session = True
                hood.stood_down = False
                hood.cancel_start = async_call_later(
                    self.hass, self.settings.hood_delay, self._hood_start
                )
        elif hood.session:
            if hood.cancel_start:
                hood.cancel_start()
                hood.cancel_start = None
            if hood.ours and hood.cancel_stop is None:
                hood.cancel_stop = async_call_later(
                    self.hass, self.settings.hood_run_on_minutes * 60, self._hood_stop
                )
            elif not hood.ours:
                hood.session = False

    @callback
    def _hood_start(self, _now: datetime) -> None:
        self._hood.cancel_start = None
        if self._hood.stood_down or not self._lit():
            return
        state = self.hass.states.get(self.settings.hood_entity or "")
        if state is not None and state.state == STATE_ON:
            # A person switched it on before cooking: it is theirs.
            return
        self._hood.ours = True
        self.hass.async_create_task(self._async_hood_on(full=False))

    @callback
    def _hood_stop(self, _now: datetime) -> None:
        hood = self._hood
        hood.cancel_stop = None
        hood.session = False
        if hood.ours:
            hood.ours = False
            self.hass.async_create_task(self._async_hood_call("turn_off", {}))

    @callback
    def _hood_changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is None or new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        hood = self._hood
        expected = hood.commanded
        hood.commanded = None
        if new.state == expected:
            return
        if hood.session and (hood.ours or hood.cancel_start) and new.state != STATE_ON:
            # Someone switched the hood off while cooking (or before the start
            # delay ran out): respect that until the next cooking session. In
            # the run-on, with nothing lit, that session is over now: the next
            # lighting starts a new one.
            _LOGGER.info("%s: hood switched off by hand; linkage stands down", self.stove_name)
            hood.ours = False
            hood.stood_down = True
            self._cancel_hood_timers()
            hood.session = bool(self._lit())

    async def _async_hood_on(self, *, full: bool) -> None:
        data: dict[str, Any] = {}
        if (self.settings.hood_entity or "").startswith("fan."):
            if full:
                data["percentage"] = 100
            elif self.settings.hood_preset:
                data["preset_mode"] = self.settings.hood_preset
            elif self.settings.hood_percentage:
                data["percentage"] = self.settings.hood_percentage
        await self._async_hood_call("turn_on", data)

    async def _async_hood_call(self, service: str, data: dict[str, Any]) -> None:
        entity_id = self.settings.hood_entity
        if entity_id is None:  # pragma: no cover - callers check
            return
        self._hood.commanded = STATE_ON if service == "turn_on" else "off"
        try:
            await self.hass.services.async_call(
                entity_id.split(".", 1)[0],
                service,
                {ATTR_ENTITY_ID: entity_id, **data},
                blocking=True,
            )
        except Exception as err:
            self._hood.commanded = None
            _LOGGER.warning("%s: hood %s failed: %s", self.stove_name, service, err)

    @callback
    def _cancel_hood_timers(self) -> None:
        hood = self._hood
        for cancel in (hood.cancel_start, hood.cancel_stop):
            if cancel:
                cancel()
        hood.cancel_start = hood.cancel_stop = None

    # --- emergency shut-off ----------------------------------------------------

    @callback
    def _emergency_changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        entity_id = event.data["entity_id"]
        if new is not None and new.state == STATE_ON:
            self._trigger_emergency(entity_id)
        else:
            # Clearing never releases the hold: a person does that.
            self._emergency_active.discard(entity_id)

    @callback
    def _trigger_emergency(self, entity_id: str) -> None:
        if entity_id in self._emergency_active:
            return
        self._emergency_active.add(entity_id)
        state = self.hass.states.get(entity_id)
        name = state.name if state else entity_id
        gas = state is not None and state.attributes.get(ATTR_DEVICE_CLASS) == "gas"
        # A gas leak: a running fan motor could ignite it, so the hood is
        # only started where the person chose that.
        hood = self.settings.hood_entity is not None and (
            self.settings.emergency_hood_gas if gas else self.settings.emergency_hood
        )
        _LOGGER.error(
            "%s: emergency from %s; cutting and holding every burner", self.stove_name, entity_id
        )
        for watch in self.watches.values():
            watch.annotate(ShutOffReason.EMERGENCY, {"trigger": entity_id})
        for burner in self.burners.values():
            self.hass.async_create_task(self._async_hold(burner))
        # Whatever the hood does now, the linkage must not switch it: not off
        # at the end of a run-on (a motor switched in a gas-filled kitchen),
        # not on after a start delay.
        self._hood.stood_down = True
        self._hood.ours = False
        self._cancel_hood_timers()
        if hood:
            self.hass.async_create_task(self._async_hood_on(full=True))
        language = "zh-Hans" if self.hass.config.language.startswith("zh") else "en"
        title, message, hood_text = _TEXT[language]
        persistent_notification.async_create(
            self.hass,
            message.format(sensor=name, stove=self.stove_name, hood=hood_text if hood else ""),
            title=title.format(stove=self.stove_name),
            notification_id=self.emergency_issue_id,
        )
        raise_critical_issue(
            self.hass,
            self.emergency_issue_id,
            "emergency",
            {"sensor": name, "stove": self.stove_name},
        )

    async def _async_hold(self, burner: Burner) -> None:
        try:
            await burner.async_hold(ShutOffReason.EMERGENCY)
        except RelayError as err:
            # The burner reports it (Problem, repair issue) and retries.
            _LOGGER.error("%s: emergency hold not confirmed: %s", burner.settings.name, err)

    @callback
    def _burners_changed(self) -> None:
        if not any(burner.hold for burner in self.burners.values()):
            # Every hold released by a person: the emergency is over for us.
            ir.async_delete_issue(self.hass, DOMAIN, self.emergency_issue_id)

    # --- unattended cooking --------------------------------------------------------

    @callback
    def _presence_changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.state in PRESENT_STATES:
            self._present()
        self._evaluate_absence()

    @callback
    def _present(self) -> None:
        now = dt_util.utcnow()
        self._absence.last_presence = now
        self._absence.warned = False
        if now - self._presence_saved >= PRESENCE_SAVE_INTERVAL:
            self._presence_saved = now
            self.hass.async_create_task(self._async_save(), "gas_stove save presence")

    async def _async_save(self) -> None:
        await self._memory.async_put_kitchen(
            SavedKitchen(self.hood_linkage_enabled, self._absence.last_presence)
        )

    def _presence(self) -> bool | None:
        """True: someone is there now; False: nobody; None: no entity can tell.

        Unavailable presence entities do not count as absence.
        """
        states = [self.hass.states.get(e) for e in self.settings.presence_entities]
        known = [
            s for s in states if s is not None and s.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        ]
        if not known:
            return None
        return any(s.state in PRESENT_STATES for s in known)

    @callback
    def _evaluate_absence(self) -> None:
        absence = self._absence
        if absence.cancel:
            absence.cancel()
            absence.cancel = None
        if not self.settings.presence_entities or not self._lit():
            absence.warned = False
            return
        presence = self._presence()
        if presence is None:
            return
        if presence:
            # Someone is there right now (a motion sensor that stays on).
            self._present()
        step = timedelta(
            minutes=self.settings.grace_minutes if absence.warned else self.settings.absence_minutes
        )
        if absence.warned:
            due = absence.last_presence + timedelta(minutes=self.settings.absence_minutes) + step
        else:
            due = absence.last_presence + step
        delay = max((due - dt_util.utcnow()).total_seconds(), 0)
        absence.cancel = async_call_later(self.hass, delay, self._absence_due)

    @callback
    def _absence_due(self, _now: datetime) -> None:
        absence = self._absence
        absence.cancel = None
        lit = self._lit()
        if not lit:
            return
        presence = self._presence()
        if presence is None:
            return
        if presence:
            self._present()
            self._evaluate_absence()
            return
        # Presence meanwhile would have re-armed this timer: it is due.
        minutes = self.settings.absence_minutes
        if not absence.warned:
            absence.warned = True
            for burner in lit:
                self.watches[burner.burner_id].fire(
                    StoveEvent.UNATTENDED_WARNING,
                    {
                        "minutes_unattended": minutes,
                        "shut_off_in_seconds": round(self.settings.grace_minutes * 60),
                    },
                )
            self._evaluate_absence()
            return
        _LOGGER.warning(
            "%s: unattended for %s min; shutting off lit burners",
            self.stove_name,
            minutes + self.settings.grace_minutes,
        )
        for burner in lit:
            self.hass.async_create_task(self._async_shut_off(burner))
        absence.warned = False

    async def _async_shut_off(self, burner: Burner) -> None:
        try:
            await burner.async_shut_off(ShutOffReason.UNATTENDED)
        except RelayError as err:
            _LOGGER.error("%s: unattended shut-off not confirmed: %s", burner.settings.name, err)
