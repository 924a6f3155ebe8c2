"""Tracked loop timers.

The Home Assistant test harness fails a test that leaves a timer handle
behind, and it may also run due handles early (``async_fire_time_changed``).
Every delayed action of the emulator therefore goes through a ``TimerSet``
so that ``cancel_all()`` leaves nothing behind and each callback tolerates
being run early.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
import itertools


class TimerSet:
    """Keyed ``loop.call_later`` handles that can all be cancelled at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._handles: dict[Hashable, asyncio.TimerHandle] = {}
        self._anonymous = itertools.count()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop the timers run on."""
        return self._loop

    def schedule(
        self, delay: float, callback: Callable[[], None], key: Hashable | None = None
    ) -> Hashable:
        """Run ``callback`` after ``delay`` s; a keyed timer replaces its predecessor."""
        if key is None:
            key = ("anonymous", next(self._anonymous))
        self.cancel(key)

        def fire() -> None:
            # Forget the handle before running, so the callback may re-arm the key.
            self._handles.pop(key, None)
            callback()

        self._handles[key] = self._loop.call_later(max(0.0, delay), fire)
        return key

    def cancel(self, key: Hashable) -> None:
        """Cancel the timer stored under ``key``, if any."""
        handle = self._handles.pop(key, None)
        if handle is not None:
            handle.cancel()

    def is_active(self, key: Hashable) -> bool:
        """Whether a timer under ``key`` is still pending."""
        return key in self._handles

    def when(self, key: Hashable) -> float | None:
        """Loop time at which the timer under ``key`` is due, if pending."""
        handle = self._handles.get(key)
        return None if handle is None else handle.when()

    def cancel_all(self) -> None:
        """Cancel every pending timer."""
        handles = list(self._handles.values())
        self._handles.clear()
        for handle in handles:
            handle.cancel()

    def __len__(self) -> int:
        return len(self._handles)
