"""Event-loop time per poll, and setup time with an unreachable relay."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from homeassistant.core import HomeAssistant

from custom_components.gas_stove.const import DOMAIN

from .harness import stove_entry
from .kitchen import start_bench
from .ours import Slot
from .stats import summary


@dataclass
class LoopMeter:
    """Time the event loop spends in callbacks, split by who they belong to."""

    task: asyncio.Task[Any] | None = None
    task_time: float = 0.0
    task_steps: int = 0
    busy_time: float = 0.0
    callbacks: int = 0
    longest: float = 0.0
    samples: list[float] = field(default_factory=list)

    def reset(self, task: asyncio.Task[Any] | None) -> None:
        """Start a new window that attributes callbacks to `task`."""
        self.task = task
        self.task_time = self.busy_time = self.longest = 0.0
        self.task_steps = self.callbacks = 0

    def record(self, callback: Any, seconds: float) -> None:
        """Account for one callback the loop ran."""
        self.busy_time += seconds
        self.callbacks += 1
        if getattr(callback, "__self__", None) is self.task and self.task is not None:
            self.task_time += seconds
            self.task_steps += 1
            self.longest = max(self.longest, seconds)


@contextmanager
def metered_loop(meter: LoopMeter) -> Iterator[None]:
    """Time every callback the (pure-Python) asyncio loop runs; undone after."""
    handle_cls = asyncio.events.Handle
    original = handle_cls._run  # noqa: SLF001
    loop = asyncio.get_running_loop()

    def _run(handle: asyncio.Handle) -> None:
        started = loop.time()
        try:
            original(handle)
        finally:
            meter.record(handle._callback, loop.time() - started)  # type: ignore[attr-defined]  # noqa: SLF001

    handle_cls._run = _run  # type: ignore[method-assign,assignment]  # noqa: SLF001
    try:
        yield
    finally:
        handle_cls._run = original  # type: ignore[method-assign]  # noqa: SLF001


async def loop_time_per_poll(slot: Slot, polls: int) -> dict[str, Any]:
    """Run `polls` coordinator refreshes and time the loop's part of each.

    The refresh runs as a plain task, so every step of it (and of what it
    awaits inline: the coordinator, the entity updates) is a loop callback
    attributed to it. Waiting for the reply is not loop time (the datagram
    arrives through the loop's own protocol callback); `window_busy` also
    counts everything else the loop ran meanwhile (the emulator answering on
    the same loop).
    """
    loop = asyncio.get_running_loop()
    meter = LoopMeter()
    task_times: list[float] = []
    steps: list[int] = []
    longest: list[float] = []
    busy: list[float] = []
    walls: list[float] = []
    failed = 0
    with metered_loop(meter):
        for _ in range(polls):
            await asyncio.sleep(0.02)
            task = loop.create_task(slot.coordinator.async_refresh())
            meter.reset(task)
            started = loop.time()
            await task
            walls.append(loop.time() - started)
            task_times.append(meter.task_time)
            steps.append(meter.task_steps)
            longest.append(meter.longest)
            busy.append(meter.busy_time)
            failed += not slot.coordinator.last_update_success
    return {
        "polls": polls,
        "failed_polls": failed,
        "loop_time_ms": summary(task_times),
        "loop_steps_per_poll": {"min": min(steps), "max": max(steps)},
        "longest_callback_ms": summary(longest),
        "window_busy_ms": summary(busy),
        "wall_ms": summary(walls),
    }


async def setup_with_unreachable_relay(
    hass: HomeAssistant, host: str, token: str, seed: int
) -> dict[str, Any]:
    """Time `async_setup` of an entry whose relay answers nothing.

    Home Assistant's bootstrap awaits this same first attempt before it
    counts the integration as set up. The stove loads all the same (its
    burner unknown until the relay answers).
    """
    loop = asyncio.get_running_loop()
    bench = await start_bench(host, token, seed)
    bench.relay.faults.offline = True
    entry = stove_entry([host], token, pulse=2.0, title="Unreachable stove")
    entry.add_to_hass(hass)
    component_setup = DOMAIN not in hass.config.components
    try:
        started = loop.time()
        loaded = await hass.config_entries.async_setup(entry.entry_id)
        seconds = loop.time() - started
        return {
            "seconds": round(seconds, 3),
            "returned": loaded,
            "state": entry.state.value,
            "packets_sent_to_relay": bench.relay.stats.received,
            # True: timed as part of the component setup start-up awaits.
            "within_component_setup": component_setup,
        }
    finally:
        await hass.config_entries.async_remove(entry.entry_id)
        await bench.stop()
