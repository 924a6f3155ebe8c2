"""Home Assistant in-process, built the way the test harness builds it.

`pytest_homeassistant_custom_component.common.async_test_home_assistant`
gives a real `HomeAssistant` (registries loaded, state "running"); here it is
used as a library, with the custom integration made loadable as the
`enable_custom_integrations` fixture does, and with Home Assistant's own
event-loop policy (its executor, `loop.time = monotonic`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
import logging
from pathlib import Path
import tempfile
from typing import Any

from homeassistant import block_async_io, loader, runner
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, frame
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.gas_stove.const import DOMAIN

from .kitchen import PIID, SIID

_LOGGER = logging.getLogger(__name__)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The loop Home Assistant runs on (64-worker executor, monotonic clock)."""
    create = getattr(runner, "create_event_loop", None)  # Home Assistant 2026.x
    if create is not None:
        loop: asyncio.AbstractEventLoop = create(False)
        return loop
    return runner.HassEventLoopPolicy(False).new_event_loop()  # type: ignore[attr-defined,no-any-return]


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """A running test instance with custom integrations loadable; stopped after."""
    with tempfile.TemporaryDirectory(prefix="gas-stove-bench-") as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            frame.async_setup(hass)
            enable_custom_integrations(hass)
            try:
                yield hass
            finally:
                await unload_all(hass)
                await hass.async_stop(force=True)


def enable_custom_integrations(hass: HomeAssistant) -> None:
    """What the `enable_custom_integrations` fixture does: scan custom_components."""
    hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)


async def unload_all(hass: HomeAssistant) -> None:
    """Unload every gas_stove entry (a pulse under way still ends at rest)."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@contextmanager
def blocking_call_detection(enabled: bool) -> Iterator[bool]:
    """Home Assistant's detection of blocking calls in the event loop.

    Enabled as Home Assistant's bootstrap enables it; undone afterwards (the
    smoke test shares its process with other tests). Yields whether it is on.
    """
    calls = block_async_io._BLOCKED_CALLS.calls  # noqa: SLF001
    if not enabled or calls:
        # Off, or someone (the test harness, a caller) already turned it on.
        yield bool(calls)
        return
    block_async_io.enable()
    try:
        yield True
    finally:
        for blocking_call in list(calls):
            setattr(blocking_call.object, blocking_call.function, blocking_call.original_func)
        calls.clear()


def stove_entry(
    hosts: list[str], token: str, *, pulse: float, title: str = "Bench stove"
) -> MockConfigEntry:
    """A stove entry as the config flow creates it: one burner per relay host."""
    burners: list[dict[str, Any]] = []
    options: dict[str, dict[str, Any]] = {}
    for index, host in enumerate(hosts, start=1):
        burner_id = f"b{index}"
        burners.append(
            {
                "burner_id": burner_id,
                "backend": "miio",
                "host": host,
                "token": token,
                "protocol": "miot",
                "siid": SIID,
                "piid": PIID,
                "model": "emulator.relay.c1",
            }
        )
        options[burner_id] = {"name": f"Burner {index}", "wiring": "series_nc", "pulse": pulse}
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=f"miio:{hosts[0]}:{SIID}:{PIID}",
        data={"name": title, "burners": burners},
        options={"burners": options},
    )


def gas_entity_id(hass: HomeAssistant, entry: MockConfigEntry, burner_id: str) -> str:
    """The entity id of a burner's Gas switch, found by its unique id."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "switch", DOMAIN, f"{entry.entry_id}_{burner_id}_gas"
    )
    if entity_id is None:
        raise RuntimeError(f"no Gas switch for burner {burner_id}")
    return entity_id


def results_path(path: Path) -> Path:
    """Absolute path for the JSON results."""
    return path if path.is_absolute() else Path.cwd() / path
