"""Emulated relays with one burner each, on their own loopback addresses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
import random

from emulator import BurnerParams, EmulatedBurner, EmulatedRelay, StoveModel

CHANNEL = 1  # the burner's channel: siid 2, piid 1
SIID = 2
PIID = 1
# A second channel (siid 3) with no burner on it: what a second burner's
# write on the same relay goes to.
SECOND_SIID = 3
# series_nc: the relay is energised ("on") to open the thermocouple loop.
CUT = True
# Short lighting so relighting between trials is quick; the cut physics
# (0.2 s from loop open to valve shut) stays at its default.
BURNER_PARAMS = BurnerParams(hold_time=0.05, light_margin=0.05, heat_tau=0.2, cool_tau=0.3)


class Addresses:
    """Hands out 127.a.b.n, n = 2..254, within one /24 of the loopback net."""

    def __init__(self, prefix: str) -> None:
        """`prefix` is the first three octets, e.g. 127.200.17."""
        octets = prefix.split(".")
        if len(octets) != 3 or octets[0] != "127":
            raise ValueError(f"address prefix {prefix!r} is not 127.a.b")
        self.prefix = prefix
        self._next = 2

    def take(self) -> str:
        """The next unused address."""
        if self._next > 254:
            raise RuntimeError(f"no addresses left in {self.prefix}.0/24")
        address = f"{self.prefix}.{self._next}"
        self._next += 1
        return address


@dataclass
class Bench:
    """One emulated relay with one burner, plus what the trials record."""

    relay: EmulatedRelay
    stove: StoveModel
    burner: EmulatedBurner
    cut_times: list[float] = field(default_factory=list)
    _remove: Callable[[], None] | None = None

    @property
    def host(self) -> str:
        """The relay's loopback address."""
        return self.relay.host

    def start_recording(self) -> None:
        """Record the loop time of every change of the channel to "cut"."""
        loop = asyncio.get_running_loop()

        def changed(channel: int, on: bool) -> None:
            if channel == CHANNEL and on is CUT:
                self.cut_times.append(loop.time())

        self._remove = self.relay.add_listener(changed)

    def first_cut_after(self, moment: float) -> float | None:
        """Loop time the channel reached "cut" at or after `moment`."""
        return next((t for t in self.cut_times if t >= moment), None)

    def valve_closed_after(self, moment: float) -> float | None:
        """Loop time the emulated valve closed at or after `moment`."""
        event = self.burner.last_valve_close
        return event.time if event is not None and event.time >= moment else None

    async def ensure_lit(self, attempts: int = 3) -> bool:
        """Light the burner (a person pushing the knob) unless it burns."""
        for _ in range(attempts):
            if self.burner.flame:
                return True
            if self.relay.channel_state(CHANNEL) is CUT:
                return False  # a lighting attempt could not hold the valve
            await self.burner.light()
        return self.burner.flame

    async def stop(self) -> None:
        """Detach, cancel the burner's timers and free the address."""
        if self._remove is not None:
            self._remove()
            self._remove = None
        self.stove.close()
        await self.relay.stop()


async def start_bench(host: str, token: str, seed: int) -> Bench:
    """Start a two-channel MIoT relay with one series_nc burner on its first channel."""
    relay = EmulatedRelay(host, channels=2, token=token, seed=seed)
    await relay.start()
    stove = StoveModel(seed=seed)
    burner = stove.add_burner("Bench burner", relay, CHANNEL, "series_nc", BURNER_PARAMS)
    bench = Bench(relay, stove, burner)
    bench.start_recording()
    return bench


def make_token(seed: int) -> str:
    """A 32-hex-digit token derived from the seed."""
    return f"{random.Random(f'token-{seed}').getrandbits(128):032x}"
