"""The stove: burners bound to relay channels, plus a combined snapshot."""

from __future__ import annotations

import asyncio
from dataclasses import replace
import random
from typing import Any, Self

from .burner import BurnerParams, EmulatedBurner, Wiring
from .relay import EmulatedRelay


class StoveModel:
    """All burners of one hob; owns their timers and the noise RNG."""

    def __init__(
        self, *, seed: int | None = None, loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        self.loop = loop if loop is not None else asyncio.get_running_loop()
        self.rng = random.Random(seed)
        self.burners: list[EmulatedBurner] = []

    def add_burner(
        self,
        name: str,
        relay: EmulatedRelay,
        channel: int,
        wiring: Wiring = "series_nc",
        params: BurnerParams | None = None,
        **overrides: float,
    ) -> EmulatedBurner:
        """Bind a new burner to ``relay`` channel ``channel`` (1-based)."""
        for burner in self.burners:
            if burner.relay is relay and burner.channel == channel:
                raise ValueError(f"channel {channel} already drives {burner.name!r}")
            if burner.name == name:
                raise ValueError(f"burner {name!r} already exists")
        params = replace(params or BurnerParams(), **overrides)
        burner = EmulatedBurner(
            name, relay, channel, wiring, loop=self.loop, rng=self.rng, params=params
        )
        self.burners.append(burner)
        return burner

    def burner(self, key: int | str) -> EmulatedBurner:
        """Burner by 1-based index or by name."""
        if isinstance(key, int):
            if not 1 <= key <= len(self.burners):
                raise KeyError(key)
            return self.burners[key - 1]
        for burner in self.burners:
            if burner.name == key:
                return burner
        raise KeyError(key)

    @property
    def relays(self) -> list[EmulatedRelay]:
        """Distinct relays the burners are wired to, in burner order."""
        relays: list[EmulatedRelay] = []
        for burner in self.burners:
            if all(relay is not burner.relay for relay in relays):
                relays.append(burner.relay)
        return relays

    def close(self) -> None:
        """Cancel every burner timer and detach from the relays."""
        for burner in self.burners:
            burner.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()

    def snapshot(self) -> dict[str, Any]:
        """JSON-able state of everything (relays with faults, burners)."""
        return {
            "time": self.loop.time(),
            "relays": [relay.describe() for relay in self.relays],
            "burners": [
                {"index": index, **burner.snapshot()}
                for index, burner in enumerate(self.burners, start=1)
            ],
        }
