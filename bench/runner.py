"""One benchmark run: Home Assistant, emulated relays, rows, extras, results."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
import json
import logging
import os
import platform
import random
import subprocess
import sys
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import __version__ as HA_VERSION
from homeassistant.core import HomeAssistant

from custom_components.gas_stove.const import DOMAIN

from .baseline import BaselineDevice, BaselineRunner, make_device
from .config import IN_FLIGHT_ROWS, POLL_ROW, BenchConfig, row_label, row_loss, row_reply_loss
from .extras import loop_time_per_poll, setup_with_unreachable_relay
from .harness import (
    blocking_call_detection,
    gas_entity_id,
    home_assistant,
    results_path,
    stove_entry,
)
from .kitchen import Addresses, Bench, make_token, start_bench
from .ours import OursRunner, Slot
from .results import baseline_summary, ours_summary, row_result, targets

Progress = Callable[[str], None]


class _Counting(logging.Handler):
    """Counts records per logger and level; keeps a few messages."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.examples: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.name} {record.levelname}"] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{record.name}: {record.getMessage()[:200]}")


@contextmanager
def _quiet_logs() -> Iterator[_Counting]:
    """Count (do not print) the integration's warnings; mute python-miio.

    python-miio logs every lost packet at error level, which is noise here.
    """
    counting = _Counting()
    watched = [
        logging.getLogger("custom_components.gas_stove"),
        logging.getLogger("homeassistant.util.loop"),
    ]
    miio = logging.getLogger("miio")
    saved = [(lg, lg.propagate) for lg in watched]
    miio_level = miio.level
    for lg in watched:
        lg.addHandler(counting)
        lg.propagate = False
    miio.setLevel(logging.CRITICAL)
    try:
        yield counting
    finally:
        for lg, propagate in saved:
            lg.removeHandler(counting)
            lg.propagate = propagate
        miio.setLevel(miio_level)


async def run_bench(
    config: BenchConfig,
    hass: HomeAssistant | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the benchmark; with `hass` None, start (and stop) Home Assistant here."""
    if hass is not None:
        return await _Run(config, hass, progress or _silent).run()
    async with home_assistant() as own:
        return await _Run(config, own, progress or _silent).run()


def _silent(_text: str) -> None:
    """No progress output."""


@dataclass
class _Run:
    config: BenchConfig
    hass: HomeAssistant
    progress: Progress
    benches: list[Bench] = field(default_factory=list)
    baseline: BaselineRunner | None = None
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    async def run(self) -> dict[str, Any]:
        config = self.config
        loop = asyncio.get_running_loop()
        began = loop.time()
        # The integration draws python-miio's start id from `random`.
        random.seed(config.seed)
        addresses = Addresses(config.address_prefix)
        token = make_token(config.seed)
        extras: dict[str, Any] = {"event_loop_per_poll": None, "setup_unreachable": None}
        with _quiet_logs() as logs, blocking_call_detection(config.blocking_detection) as on:
            try:
                if config.setup_check:
                    # First, while gas_stove is not set up yet: the entry's
                    # setup then runs inside the component setup that Home
                    # Assistant's start-up awaits.
                    extras["setup_unreachable"] = await setup_with_unreachable_relay(
                        self.hass, addresses.take(), token, config.seed * 100 + 99
                    )
                    self.progress("setup with an unreachable relay measured")
                slots = await self._start_stove(addresses, token)
                if config.baseline:
                    await self._start_baseline(addresses, token)
                ours = OursRunner(self.hass, slots, pulse=config.pulse, poll_lead=config.poll_lead)
                for row in config.rows:
                    await self._row(row, ours)
                self.notes.extend(ours.notes)
                if config.loop_polls > 0:
                    extras["event_loop_per_poll"] = await loop_time_per_poll(
                        slots[0], config.loop_polls
                    )
                    self.progress("event-loop time per poll measured")
            finally:
                await self._stop()
        if config.baseline and config.n_baseline < config.trials:
            self.notes.append(f"baseline capped at {config.n_baseline} trials per row")
        results = self._results(loop.time() - began, extras)
        results["environment"]["git"] = await loop.run_in_executor(None, _git_state)
        results["blocking_call_detection"] = {
            "enabled": on,
            "detected": logs.counts.get("homeassistant.util.loop WARNING", 0),
        }
        results["log_counts"] = dict(logs.counts)
        results["log_examples"] = logs.examples
        if config.json_path is not None:
            path = results_path(config.json_path)
            text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
            await loop.run_in_executor(None, path.write_text, text)
            results["json_path"] = str(path)
        return results

    async def _start_stove(self, addresses: Addresses, token: str) -> list[Slot]:
        """One stove entry, one burner per emulated relay."""
        config, hass = self.config, self.hass
        loop = asyncio.get_running_loop()
        mine = [
            await start_bench(addresses.take(), token, config.seed * 100 + index)
            for index in range(config.slots)
        ]
        self.benches.extend(mine)
        entry = stove_entry([bench.host for bench in mine], token, pulse=config.pulse)
        entry.add_to_hass(hass)
        started = loop.time()
        if not await hass.config_entries.async_setup(entry.entry_id):
            raise RuntimeError(f"the benchmark stove did not load: {entry.state}")
        await hass.async_block_till_done()
        self.progress(f"stove with {config.slots} burners loaded in {loop.time() - started:.2f} s")
        stove = entry.runtime_data
        return [
            Slot(
                bench=bench,
                burner_id=f"b{index}",
                entity_id=gas_entity_id(hass, entry, f"b{index}"),
                burner=stove.burners[f"b{index}"],
                coordinator=stove.coordinators[bench.host],
                connection=stove.connections[bench.host],
            )
            for index, bench in enumerate(mine, start=1)
        ]

    async def _start_baseline(self, addresses: Addresses, token: str) -> None:
        config = self.config
        devices: list[BaselineDevice] = []
        for index in range(config.baseline_relays):
            bench = await start_bench(addresses.take(), token, config.seed * 100 + 50 + index)
            self.benches.append(bench)
            device = make_device(bench.host, token, config.baseline_timeout)
            devices.append(BaselineDevice(bench, device))
        self.baseline = BaselineRunner(devices, poll_lead=config.poll_lead)

    async def _row(self, row: str, ours: OursRunner) -> None:
        config = self.config
        loop = asyncio.get_running_loop()
        loss, reply_loss, poll = row_loss(row), row_reply_loss(row), row == POLL_ROW
        in_flight = row if row in IN_FLIGHT_ROWS else None
        started = loop.time()
        trials = await ours.run_row(
            config.trials, loss=loss, in_flight=in_flight, reply_loss=reply_loss
        )
        ours_result = ours_summary(trials, loop.time() - started, ours.released_by_person)
        ours_result["busiest_second_packets"] = ours.busiest_second()
        self.progress(
            f"{row_label(row)}: gas_stove {len(trials)} trials in {ours_result['seconds']:.0f} s"
        )
        base_result = None
        # The baseline has no burners: nothing of theirs to be in flight.
        if self.baseline is not None and (in_flight is None or poll):
            started = loop.time()
            base_trials, concurrent = await self.baseline.run_row(
                config.n_baseline, loss=loss, poll=poll, reply_loss=reply_loss
            )
            base_result = baseline_summary(base_trials, concurrent, loop.time() - started)
            self.progress(
                f"{row_label(row)}: python-miio defaults {len(base_trials)} trials in "
                f"{base_result['seconds']:.0f} s"
            )
        self.rows[row] = row_result(row, ours_result, base_result)

    async def _unload(self) -> None:
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                await self.hass.config_entries.async_unload(entry.entry_id)
        await self.hass.async_block_till_done()

    async def _stop(self) -> None:
        if self.baseline is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.baseline.close)
        await self._unload()
        for bench in self.benches:
            await bench.stop()

    def _results(self, runtime: float, extras: dict[str, Any]) -> dict[str, Any]:
        config = self.config
        return {
            "command": config.command,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "runtime_s": round(runtime, 1),
            "config": {
                "trials": config.trials,
                "baseline_trials": config.n_baseline if config.baseline else 0,
                "rows": list(config.rows),
                "seed": config.seed,
                "burners": config.slots,
                "pulse_s": config.pulse,
                "baseline_relays": config.baseline_relays,
                "baseline_timeout_s": config.baseline_timeout or 5,
                "poll_lead_s": config.poll_lead,
            },
            "environment": {
                "python": sys.version.split()[0],
                "home_assistant": HA_VERSION,
                "python_miio": version("python-miio"),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "rows": list(self.rows.values()),
            "targets": targets(self.rows),
            **extras,
            "notes": self.notes,
        }


def _git_state() -> dict[str, Any]:
    """Commit and uncommitted integration files: what exactly was measured."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_integration_files": git(
            "status", "--porcelain", "--", "custom_components"
        ).splitlines(),
    }
