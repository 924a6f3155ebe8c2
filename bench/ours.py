"""Shut-offs through Home Assistant and the gas_stove integration."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
import logging
from typing import Any

from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_UNAVAILABLE,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from custom_components.gas_stove.burner import Burner
from custom_components.gas_stove.coordinator import MiioRelayCoordinator
from custom_components.gas_stove.relay import MiioChannelAddress, MiioRelay

from .kitchen import CHANNEL, CUT, PIID, SECOND_SIID, Bench

_LOGGER = logging.getLogger(__name__)

# After the action returned, how long a cut may still show up on the relay.
GRACE = 0.3
# After the pulse, how long the return to rest may take (a write at 30 %
# loss may retry for its whole 6 s budget, then again 2 s later).
REST_WAIT = 10.0
# The emulated valve drops 0.2 s after the loop opened.
VALVE_WAIT = 0.5


@dataclass
class Trial:
    """One shut-off as the emulator saw it (loop times, seconds)."""

    start: float
    returned: float
    cut: float | None
    valve: float | None = None
    error: str | None = None
    unavailable: bool = False
    in_flight_now: bool | None = None
    poll_timeout: float | None = None
    # Datagrams the integration sent to the relay for this shut-off (hellos
    # and hedged copies included), until the action returned.
    packets: int = 0

    @property
    def cut_latency(self) -> float | None:
        """Service call to relay channel in "cut"."""
        return None if self.cut is None else self.cut - self.start

    @property
    def valve_latency(self) -> float | None:
        """Service call to the emulated valve closing."""
        return None if self.valve is None else self.valve - self.start

    @property
    def lost_reason(self) -> str | None:
        """Why the channel never reached "cut" (None when it did)."""
        if self.cut is not None:
            return None
        if self.unavailable:
            return "entity_unavailable"
        return "error" if self.error else "no_cut"


@dataclass
class Slot:
    """One burner of the benchmark stove and everything around it."""

    bench: Bench
    burner_id: str
    entity_id: str
    burner: Burner
    coordinator: MiioRelayCoordinator
    connection: MiioRelay
    healthy: bool = True

    def at_rest(self) -> bool:
        """Relay back at rest, pulse over, and the integration knows it."""
        return (
            self.bench.relay.channel_state(CHANNEL) is not CUT
            and not self.burner.pulsing
            and self.burner.relay_cut is not True
        )


async def wait_until(predicate: Callable[[], bool], seconds: float) -> bool:
    """Poll `predicate` every 5 ms; False when `seconds` passed first."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + seconds
    while not predicate():
        if loop.time() >= give_up:
            return False
        await asyncio.sleep(0.005)
    return True


class OursRunner:
    """One shut-off at a time; the other burners get back to rest meanwhile.

    A burner that was cut waits out its pulse and the return to rest in the
    background, is lit again, and its relay is polled once (as Home
    Assistant does every 10 s; writes postpone that poll, so without this a
    fast benchmark would hardly ever poll) before it queues for its next
    shut-off. The switch's availability is then what the last poll left,
    as it is for a person at a random moment.
    """

    def __init__(
        self, hass: HomeAssistant, slots: list[Slot], *, pulse: float, poll_lead: float
    ) -> None:
        """Slots must be loaded, at rest and recording."""
        self.hass = hass
        self.slots = slots
        self.pulse = pulse
        self.poll_lead = poll_lead
        self.notes: list[str] = []
        self.released_by_person = 0
        self._second_on = False

    async def run_row(
        self, trials: int, *, loss: float, in_flight: str | None, reply_loss: float = 0.0
    ) -> list[Trial]:
        """`trials` shut-offs with request (and reply) loss, or a poll in flight."""
        loop = asyncio.get_running_loop()
        self.released_by_person = 0
        for slot in self.slots:
            slot.bench.relay.faults.update(
                drop_requests=loss, drop_replies=reply_loss, drop_next_requests=0
            )
            slot.bench.relay.stats.received_at.clear()
        ready: asyncio.Queue[Slot] = asyncio.Queue()
        background: list[asyncio.Task[None]] = []
        results: list[Trial] = []
        try:
            for slot in self.slots:
                if slot.healthy:
                    background.append(loop.create_task(self._recycle(slot, None, ready)))
            while len(results) < trials:
                slot = await self._next(ready)
                trial = await self._trial(slot, in_flight=in_flight)
                results.append(trial)
                background.append(loop.create_task(self._recycle(slot, trial, ready)))
            await asyncio.gather(*background)
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            for slot in self.slots:
                slot.bench.relay.faults.update(
                    drop_requests=0.0, drop_replies=0.0, drop_next_requests=0
                )
        return results

    def busiest_second(self) -> int:
        """The most datagrams any relay received within one second this row."""
        return max(slot.bench.relay.stats.busiest_second() for slot in self.slots)

    async def _next(self, ready: asyncio.Queue[Slot]) -> Slot:
        while True:
            try:
                async with asyncio.timeout(1.0):
                    return await ready.get()
            except TimeoutError:
                if not any(slot.healthy for slot in self.slots):
                    raise RuntimeError(
                        "no burner got back to rest: " + "; ".join(self.notes)
                    ) from None

    async def _trial(self, slot: Slot, *, in_flight: str | None) -> Trial:
        loop = asyncio.get_running_loop()
        relay = slot.bench.relay
        state = self.hass.states.get(slot.entity_id)
        unavailable = state is None or state.state == STATE_UNAVAILABLE
        poll_task: asyncio.Task[Any] | None = None
        in_flight_now: bool | None = None
        poll_timeout: float | None = None
        if in_flight is not None:
            # That call's request is lost: it waits (a poll a whole timeout,
            # a write a hedge interval) for a reply; the shut-off comes
            # meanwhile.
            poll_timeout = slot.connection.timeout
            lost_before = relay.stats.dropped_requests
            relay.faults.drop_next_requests = 1
            poll_task = loop.create_task(self._start_in_flight(slot, in_flight))
            await wait_until(lambda: relay.stats.dropped_requests > lost_before, 3.0)
            await asyncio.sleep(self.poll_lead)
            in_flight_now = not poll_task.done()
        start = loop.time()
        sent_before = slot.connection.packets_sent
        error: str | None = None
        try:
            await self.hass.services.async_call(
                "switch", SERVICE_TURN_OFF, {ATTR_ENTITY_ID: slot.entity_id}, blocking=True
            )
        except HomeAssistantError as err:
            error = f"{type(err).__name__}: {err}"
        returned = loop.time()
        packets = slot.connection.packets_sent - sent_before
        if slot.bench.first_cut_after(start) is None:
            await wait_until(lambda: slot.bench.first_cut_after(start) is not None, GRACE)
        if poll_task is not None:
            # A return to rest is called off by the cut (an error is its
            # right answer); the others complete.
            with suppress(HomeAssistantError):
                await poll_task
            relay.faults.drop_next_requests = 0
        return Trial(
            start=start,
            returned=returned,
            cut=slot.bench.first_cut_after(start),
            error=error,
            unavailable=unavailable,
            in_flight_now=in_flight_now,
            poll_timeout=poll_timeout,
            packets=packets,
        )

    async def _start_in_flight(self, slot: Slot, kind: str) -> Any:
        """The call that is in flight when the shut-off comes."""
        if kind == "second":
            # What the second burner's Gas off sends to its channel.
            address = MiioChannelAddress(SECOND_SIID, PIID)
            self._second_on = not self._second_on
            return await slot.connection.async_write(address, self._second_on)
        if kind == "rest":
            # A person's Gas on: the write toward rest a pulse's end makes too.
            return await self.hass.services.async_call(
                "switch", SERVICE_TURN_ON, {ATTR_ENTITY_ID: slot.entity_id}, blocking=True
            )
        return await slot.coordinator.async_refresh()

    async def _recycle(self, slot: Slot, trial: Trial | None, ready: asyncio.Queue[Slot]) -> None:
        """Valve time, back to rest, lit again, one poll; then queue the slot."""
        if trial is not None and trial.cut is not None:
            await wait_until(
                lambda: slot.bench.valve_closed_after(trial.start) is not None, VALVE_WAIT
            )
            trial.valve = slot.bench.valve_closed_after(trial.start)
        if not await self._back_to_rest(slot) or not await slot.bench.ensure_lit():
            slot.healthy = False
            note = (
                f"{slot.entity_id} did not get back to rest and relit; left the run "
                f"(channel cut {slot.bench.relay.channel_state(CHANNEL)}, pulsing "
                f"{slot.burner.pulsing}, relay_cut {slot.burner.relay_cut}, flame "
                f"{slot.bench.burner.flame}, last error {slot.burner.last_error!r})"
            )
            _LOGGER.warning(note)
            self.notes.append(note)
            return
        await slot.coordinator.async_refresh()
        ready.put_nowait(slot)

    async def _back_to_rest(self, slot: Slot) -> bool:
        """Wait for the pulse to end at rest.

        After a shut-off the relay cut but never confirmed, the integration
        leaves the cut alone: a person turns Gas on, as the README says.
        """
        for _ in range(3):
            if await wait_until(slot.at_rest, self.pulse + REST_WAIT):
                return True
            if slot.burner.pulsing:
                continue
            self.released_by_person += 1
            with suppress(HomeAssistantError):
                await self.hass.services.async_call(
                    "switch", SERVICE_TURN_ON, {ATTR_ENTITY_ID: slot.entity_id}, blocking=True
                )
        return await wait_until(slot.at_rest, self.pulse + REST_WAIT)
