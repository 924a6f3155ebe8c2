"""Start relay, stove, flame sensor and web page together (CLI and scripts)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import secrets
from typing import Self, cast

from .burner import WIRINGS, BurnerParams, Wiring
from .device import MiioDevice
from .flame_sensor import PIID_FLAME, PIID_MILLIVOLTS, EmulatedFlameSensor, burner_siid
from .net import require_loopback
from .relay import (
    MAX_CHANNELS,
    PIID_COUNTDOWN,
    PIID_ON,
    EmulatedRelay,
    RelayProtocol,
    channel_siid as relay_siid,
)
from .stove import StoveModel
from .web import WebServer

DEFAULT_BURNERS = "Left burner:series_nc,Right burner:series_nc"


@dataclass(frozen=True, slots=True)
class BurnerSpec:
    """Name and wiring of one burner; burner i uses relay channel i."""

    name: str
    wiring: Wiring = "series_nc"


def parse_burners(text: str) -> list[BurnerSpec]:
    """Parse ``"Left burner:series_nc,Right burner:series_no"``."""
    specs: list[BurnerSpec] = []
    for part in text.split(","):
        name, _, wiring = part.strip().partition(":")
        wiring = wiring.strip() or "series_nc"
        if not name.strip():
            raise ValueError(f"empty burner name in {text!r}")
        if wiring not in WIRINGS:
            raise ValueError(f"wiring {wiring!r} is not one of {', '.join(WIRINGS)}")
        specs.append(BurnerSpec(name.strip(), cast(Wiring, wiring)))
    if not 1 <= len(specs) <= MAX_CHANNELS:
        raise ValueError(f"1..{MAX_CHANNELS} burners (one relay channel each)")
    return specs


@dataclass
class DemoConfig:
    """Everything the CLI can set; ``None`` hosts switch that part off."""

    relay_host: str = "127.0.0.2"
    sensor_host: str | None = "127.0.0.3"
    token: str | None = None  # random when omitted
    sensor_token: str | None = None  # defaults to ``token``
    burners: list[BurnerSpec] = field(default_factory=lambda: parse_burners(DEFAULT_BURNERS))
    protocol: RelayProtocol = "miot"
    web_host: str | None = "127.0.0.1"
    web_port: int = 8300  # 0 picks a free port
    seed: int | None = None
    params: BurnerParams = field(default_factory=BurnerParams)
    countdown_unit: float = 1.0


class Demo:
    """The running set of emulated devices."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        # Validate every address before anything is bound.
        require_loopback(config.relay_host)
        if config.sensor_host is not None:
            require_loopback(config.sensor_host)
        if config.web_host is not None:
            require_loopback(config.web_host)
        self.token = config.token or secrets.token_hex(16)
        self.stove: StoveModel | None = None
        self.relay: EmulatedRelay | None = None
        self.sensor: EmulatedFlameSensor | None = None
        self.web: WebServer | None = None

    async def start(self) -> None:
        """Bind the devices and the web page on the running loop."""
        config = self.config
        try:
            relay = EmulatedRelay(
                config.relay_host,
                channels=len(config.burners),
                protocol=config.protocol,
                token=self.token,
                seed=config.seed,
                countdown_unit=config.countdown_unit,
            )
            self.relay = relay
            stove = StoveModel(seed=config.seed)
            self.stove = stove
            for channel, spec in enumerate(config.burners, start=1):
                stove.add_burner(spec.name, relay, channel, spec.wiring, config.params)
            await relay.start()
            if config.sensor_host is not None:
                self.sensor = EmulatedFlameSensor(
                    config.sensor_host,
                    stove,
                    token=config.sensor_token or self.token,
                    seed=None if config.seed is None else config.seed + 1,
                )
                await self.sensor.start()
            if config.web_host is not None:
                devices: dict[str, MiioDevice] = {"relay": relay}
                if self.sensor is not None:
                    devices["sensor"] = self.sensor
                self.web = WebServer(stove, devices, config.web_host, config.web_port)
                await self.web.start()
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Undo start(), whatever part of it succeeded."""
        if self.web is not None:
            await self.web.stop()
        if self.stove is not None:
            self.stove.close()
        if self.sensor is not None:
            await self.sensor.stop()
        if self.relay is not None:
            await self.relay.stop()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def banner(self) -> str:
        """What a user needs to configure the integration against us."""
        assert self.relay is not None and self.stove is not None
        relay = self.relay
        lines = [
            "gas_stove emulator running (Ctrl-C to stop)",
            f"Relay:        {relay.host} port {relay.port}  model {relay.model}"
            f"  protocol {relay.protocol}  did {relay.did}",
            f"  token:      {relay.token}",
        ]
        for burner in self.stove.burners:
            if relay.protocol == "miot":
                siid = relay_siid(burner.channel)
                where = (
                    f"on = siid {siid} piid {PIID_ON}, "
                    f"countdown = siid {siid} piid {PIID_COUNTDOWN}"
                )
            else:
                suffix = "" if burner.channel == 1 else str(burner.channel)
                where = f'get_prop ["power{suffix}"] / set_power'
            lines.append(f"  {burner.name}: channel {burner.channel}, {burner.wiring}, {where}")
        if self.sensor is not None:
            sensor = self.sensor
            lines += [
                f"Flame sensor: {sensor.host} port {sensor.port}  model {sensor.model}"
                f"  did {sensor.did}",
                f"  token:      {sensor.token}",
            ]
            for index, burner in enumerate(self.stove.burners, start=1):
                siid = burner_siid(index)
                lines.append(
                    f"  {burner.name}: millivolts = siid {siid} piid {PIID_MILLIVOLTS},"
                    f" flame = siid {siid} piid {PIID_FLAME}"
                )
        if self.web is not None:
            lines.append(f"Web page:     {self.web.url}")
        return "\n".join(lines)


async def run_demo(
    config: DemoConfig,
    *,
    stop: asyncio.Event | None = None,
    out: Callable[[str], None] = print,
) -> None:
    """Run everything until ``stop`` is set (or the task is cancelled)."""
    async with Demo(config) as demo:
        out(demo.banner())
        await (stop or asyncio.Event()).wait()
