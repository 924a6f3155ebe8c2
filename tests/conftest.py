"""Shared fixtures: Home Assistant with our integration, and emulated stoves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
import itertools
import logging
import os
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
import pytest

from emulator import EmulatedBurner, EmulatedFlameSensor, EmulatedRelay, StoveModel

TOKEN = "9f86d081884c7d659a2feaa0c55ad015"
OTHER_TOKEN = "60303ae22b998861bce3b28f33eec1be"

_addresses = itertools.count()

# The browser test runs in a lane of its own (scripts/test, GAS_STOVE_LANES=e2e)
# with its own venv and pytest.ini; the Home Assistant lanes do not collect it.
collect_ignore = ["e2e"]


def next_address() -> str:
    """A loopback address no other test (or xdist worker) uses."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    n = next(_addresses)
    # The pid keeps two test runs on one machine (a developer's and CI's)
    # apart; addresses are reused only after the relay on them was stopped.
    return f"127.{10 + worker}.{os.getpid() % 250}.{n % 250 + 2}"


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (in real time) until the predicate holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--soak`: thousands of random examples for the safety invariants."""
    parser.addoption(
        "--soak",
        action="store_true",
        help="run the safety-invariant tests with 2000 random examples each",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Pass --soak on as GAS_STOVE_SOAK (read when the test module loads)."""
    if config.getoption("--soak"):
        os.environ["GAS_STOVE_SOAK"] = "1"


SHORT_CONFIRM_DEADLINE = 1.5


@pytest.fixture
def short_relay_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shorter confirmation deadline and round trips; the logic is unchanged.

    For tests that run many failing writes; the latency benchmark measures
    the real figures.
    """
    from custom_components.gas_stove import relay

    monkeypatch.setattr(relay, "CONFIRM_DEADLINE", SHORT_CONFIRM_DEADLINE)
    monkeypatch.setattr(relay, "MAX_TIMEOUT", 0.3)
    monkeypatch.setattr(relay, "INITIAL_TIMEOUT", 0.25)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/gas_stove."""


# Where Home Assistant reports code that uses an API on its way out ("...will
# stop working in Home Assistant 2026.12"): helpers.frame for calls, and
# helpers.deprecation for names.
DEPRECATION_LOGGERS = ("homeassistant.helpers.frame", "homeassistant.helpers.deprecation")


class _DeprecationReports(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "gas_stove" in message:
            self.reports.append(message)


@pytest.fixture(autouse=True)
def no_deprecated_api() -> Iterator[None]:
    """Fail a test in which Home Assistant reports a deprecated use by gas_stove.

    So that the next removal shows up a year ahead, in the lane of the newest
    release, rather than as an ImportError after it lands.
    """
    # Home Assistant reports each use once per process; every test must see it.
    reported: set[str] = getattr(frame, "_REPORTED_INTEGRATIONS", set())
    for key in [k for k in reported if k.startswith("gas_stove:")]:
        reported.discard(key)
    handler = _DeprecationReports()
    loggers = [logging.getLogger(name) for name in DEPRECATION_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert not handler.reports, "Home Assistant reports a deprecated use:\n" + "\n".join(
        handler.reports
    )


@dataclass
class Kitchen:
    """An emulated two-channel relay with one burner per channel."""

    relay: EmulatedRelay
    stove: StoveModel
    burners: list[EmulatedBurner] = field(default_factory=list)
    sensor: EmulatedFlameSensor | None = None

    @property
    def left(self) -> EmulatedBurner:
        return self.burners[0]

    @property
    def right(self) -> EmulatedBurner:
        return self.burners[1]


KitchenFactory = Callable[..., Awaitable[Kitchen]]


@pytest.fixture
async def make_kitchen(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[KitchenFactory]:
    """Start emulated kitchens on fresh loopback addresses; stop them after.

    Stoves are unloaded while their relays still run, as a person would
    remove the integration before unplugging the relay.
    """
    started: list[Kitchen] = []

    async def factory(
        wiring: str = "series_nc",
        *,
        protocol: str = "miot",
        burners: int = 2,
        token: str = TOKEN,
        sensor: bool = False,
        countdown_unit: float = 1.0,
        **params: Any,
    ) -> Kitchen:
        relay = EmulatedRelay(
            next_address(),
            channels=burners,
            protocol=protocol,
            token=token,
            seed=7,
            countdown_unit=countdown_unit,
        )
        await relay.start()
        stove = StoveModel(seed=7)
        kitchen = Kitchen(relay, stove)
        # Short times so tests run fast; the physics stays the same.
        params = {
            "hold_time": 0.05,
            "light_margin": 0.05,
            "heat_tau": 0.2,
            "cool_tau": 0.3,
            **params,
        }
        names = ["Left burner", "Right burner", "Back burner", "Wok burner"]
        for channel in range(1, burners + 1):
            kitchen.burners.append(
                stove.add_burner(names[channel - 1], relay, channel, wiring, **params)
            )
        if sensor:
            kitchen.sensor = EmulatedFlameSensor(next_address(), stove, token=token, seed=7)
            await kitchen.sensor.start()
        started.append(kitchen)
        return kitchen

    yield factory
    await hass.async_block_till_done()
    for entry in hass.config_entries.async_entries("gas_stove"):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    for kitchen in started:
        kitchen.stove.close()
        if kitchen.sensor is not None:
            await kitchen.sensor.stop()
        await kitchen.relay.stop()


@pytest.fixture
async def kitchen(make_kitchen: KitchenFactory) -> Kitchen:
    """The usual two-burner stove, series_nc."""
    return await make_kitchen()
