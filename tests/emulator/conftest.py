"""Fixtures for testing the emulator itself with real python-miio over UDP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
import itertools
import os
import random
from typing import Any

from miio.device import Device
import pytest

from emulator import (
    BurnerParams,
    EmulatedBurner,
    EmulatedFlameSensor,
    EmulatedRelay,
    MiioDevice,
    StoveModel,
)

RELAY_TOKEN = "0123456789abcdef0123456789abcdef"
SENSOR_TOKEN = "fedcba9876543210fedcba9876543210"
WRONG_TOKEN = "ffffffffffffffffffffffffffffffff"

# Short physics so the whole folder runs in seconds.
FAST = BurnerParams(
    hold_time=0.05,
    dropout_delay=0.1,
    natural_flameout_delay=0.3,
    heat_tau=0.02,
    cool_tau=0.02,
    noise_mv=0.0,
    light_margin=0.05,
)

_hosts = itertools.count(1)


_SESSION = os.getpid() % 200


def next_host() -> str:
    """A fresh loopback address: 2nd octet from the xdist worker (100+).

    The 3rd octet starts from the pid so that two pytest sessions running at
    the same time on one machine (two developers, an editor's test runner)
    do not try to bind the same address.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    n = next(_hosts)
    # 127.10x.* keeps clear of 127.0.0.1 and of the integration tests' range.
    third = (_SESSION + n // 250) % 256
    return f"127.{100 + int(worker or 0)}.{third}.{n % 250 + 2}"


async def wait_for(predicate: Callable[[], bool], timeout: float = 3.0) -> None:
    """Poll in real time until ``predicate`` holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)


class MiioClient:
    """Real python-miio Device, called in the executor as the integration does."""

    def __init__(
        self,
        device: MiioDevice | str,
        *,
        token: str | None = None,
        timeout: float = 0.3,
        lazy_discover: bool = False,
        start_id: int | None = None,
        model: str | None = None,
        cls: Callable[..., Any] = Device,
    ) -> None:
        if isinstance(device, MiioDevice):
            host, token, model = device.host, token or device.token, model or device.model
        else:
            host = device
        # miio is partly untyped: keep it behind Any.
        self.device: Any = cls(
            host,
            token,
            start_id=random.randint(1, 5000) if start_id is None else start_id,
            lazy_discover=lazy_discover,
            timeout=timeout,
            model=model,
        )

    async def send(self, method: str, params: Any = None, *, retries: int = 0) -> Any:
        """``Device.send`` with few retries so failures are quick."""
        return await self.call(partial(self.device.send, method, params, retries))

    async def call(self, func: Callable[[], Any]) -> Any:
        """Run any blocking python-miio call in the executor."""
        return await asyncio.get_running_loop().run_in_executor(None, func)


@dataclass
class Rig:
    """Started two-channel relay, two-burner stove and flame sensor."""

    relay: EmulatedRelay
    stove: StoveModel
    sensor: EmulatedFlameSensor

    @property
    def left(self) -> EmulatedBurner:
        return self.stove.burners[0]

    @property
    def right(self) -> EmulatedBurner:
        return self.stove.burners[1]


@pytest.fixture
async def rig(socket_enabled: None) -> AsyncIterator[Rig]:
    """A started relay + stove (series_nc) + flame sensor, stopped afterwards."""
    relay = EmulatedRelay(next_host(), channels=2, token=RELAY_TOKEN, seed=1, countdown_unit=0.05)
    stove = StoveModel(seed=1)
    stove.add_burner("Left burner", relay, 1, "series_nc", params=FAST)
    stove.add_burner("Right burner", relay, 2, "series_nc", params=FAST)
    sensor = EmulatedFlameSensor(next_host(), stove, token=SENSOR_TOKEN, seed=2)
    await relay.start()
    try:
        await sensor.start()
        yield Rig(relay, stove, sensor)
    finally:
        stove.close()
        await sensor.stop()
        await relay.stop()
