"""The baseline: python-miio with its default settings, as a plain integration uses it.

`miio.Device(ip, token)`: 5 s timeout, 3 retries, lazy discovery. Each
emulated relay gets one Device for the whole run (python-miio's ids must keep
counting up) and a lock, because python-miio is not thread-safe: a
straightforward integration that polls and writes serialises the two. The
write runs in an executor thread and is timed from the moment it is handed
to the executor to the emulated channel change.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
import threading
from typing import Any

from miio.device import Device

from .kitchen import CHANNEL, PIID, SIID, Bench
from .ours import GRACE, VALVE_WAIT, wait_until

SET_CUT = [{"did": f"{SIID}-{PIID}", "siid": SIID, "piid": PIID, "value": True}]
GET_ON = [{"did": f"{SIID}-{PIID}", "siid": SIID, "piid": PIID}]


@dataclass
class BaselineTrial:
    """One write with python-miio's defaults (loop times, seconds)."""

    start: float
    returned: float
    cut: float | None
    valve: float | None
    error: str | None = None

    @property
    def reached_cut(self) -> bool:
        """A write that raised counts as never reaching "cut" (nobody knows it did)."""
        return self.cut is not None and self.error is None

    @property
    def cut_latency(self) -> float | None:
        """Write handed to the executor to channel in "cut"."""
        return self.cut - self.start if self.reached_cut and self.cut is not None else None

    @property
    def valve_latency(self) -> float | None:
        """Write handed to the executor to the emulated valve closing."""
        if not self.reached_cut or self.valve is None:
            return None
        return self.valve - self.start

    @property
    def lost_reason(self) -> str | None:
        """Why it counts as never reached (None when it did)."""
        if self.reached_cut:
            return None
        if self.error is not None:
            return "raised_but_cut" if self.cut is not None else "raised"
        return "no_cut"


@dataclass
class BaselineDevice:
    """One emulated relay and the Device a plain integration keeps for it."""

    bench: Bench
    device: Any
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, method: str, params: list[dict[str, Any]]) -> Any:
        """One python-miio call with its default retries, serialised per device."""
        with self.lock:
            return self.device.send(method, params)


def make_device(host: str, token: str, timeout: float | None) -> Any:
    """`miio.Device(ip, token)`; `timeout` only overrides the default when given."""
    if timeout is None:
        return Device(host, token)
    return Device(host, token, timeout=timeout)  # type: ignore[arg-type]


class BaselineRunner:
    """Trials spread over several relays at once: a lost write costs seconds."""

    def __init__(self, devices: list[BaselineDevice], *, poll_lead: float) -> None:
        """`devices` are started and recording."""
        self.devices = devices
        self.poll_lead = poll_lead
        # One thread per device and one for its poll; shut down by close().
        self.executor = ThreadPoolExecutor(
            max_workers=2 * len(devices), thread_name_prefix="bench-baseline"
        )

    def close(self) -> None:
        """Join the worker threads."""
        self.executor.shutdown(wait=True)

    async def run_row(
        self, trials: int, *, loss: float, poll: bool, reply_loss: float = 0.0
    ) -> tuple[list[BaselineTrial], int]:
        """`trials` writes; returns them and how many relays ran concurrently.

        Without loss the writes are serialised (a write takes milliseconds,
        and concurrent ones would only measure the GIL); lighting and
        resetting still overlap.
        """
        concurrent = loss > 0 or reply_loss > 0 or poll
        devices = self.devices if concurrent else self.devices[: min(8, len(self.devices))]
        for dev in devices:
            dev.bench.relay.faults.update(
                drop_requests=loss, drop_replies=reply_loss, drop_next_requests=0
            )
        exclusive = None if concurrent else asyncio.Lock()
        remaining = [trials]
        results: list[BaselineTrial] = []

        async def worker(dev: BaselineDevice) -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                results.append(await self._trial(dev, poll=poll, exclusive=exclusive))

        try:
            await asyncio.gather(*(worker(dev) for dev in devices))
        finally:
            for dev in devices:
                dev.bench.relay.faults.update(
                    drop_requests=0.0, drop_replies=0.0, drop_next_requests=0
                )
        return results, len(devices) if concurrent else 1

    async def _trial(
        self, dev: BaselineDevice, *, poll: bool, exclusive: asyncio.Lock | None
    ) -> BaselineTrial:
        loop = asyncio.get_running_loop()
        bench = dev.bench
        relay = bench.relay
        await bench.ensure_lit()
        poll_job: asyncio.Future[Any] | None = None
        if poll:
            lost_before = relay.stats.dropped_requests
            relay.faults.drop_next_requests = 1
            poll_job = loop.run_in_executor(self.executor, dev.send, "get_properties", GET_ON)
            await wait_until(lambda: relay.stats.dropped_requests > lost_before, 3.0)
            await asyncio.sleep(self.poll_lead)
        if exclusive is not None:
            await exclusive.acquire()
        try:
            start = loop.time()
            error: str | None = None
            try:
                await loop.run_in_executor(self.executor, dev.send, "set_properties", SET_CUT)
            except Exception as err:  # any failure counts as not reached
                error = f"{type(err).__name__}: {err}"
            returned = loop.time()
        finally:
            if exclusive is not None:
                exclusive.release()
        if bench.first_cut_after(start) is None:
            await wait_until(lambda: bench.first_cut_after(start) is not None, GRACE)
        cut = bench.first_cut_after(start)
        valve = None
        if cut is not None:
            await wait_until(lambda: bench.valve_closed_after(start) is not None, VALVE_WAIT)
            valve = bench.valve_closed_after(start)
        if poll_job is not None:
            # The poll's own fate is not measured.
            with suppress(Exception):
                await poll_job
            relay.faults.drop_next_requests = 0
        # Back to rest by hand (a local change, not a miIO command).
        relay.set_channel(CHANNEL, False)
        return BaselineTrial(start=start, returned=returned, cut=cut, valve=valve, error=error)
