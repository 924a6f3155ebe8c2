"""A relay reached through a vendor cloud, as Xiaomi Home or xiaomi-miot reach it.

Such an integration does not talk to the relay on the LAN: a command travels
to the cloud and on to the device, and the device's new state comes back as
a report (a push, or the integration's next poll). So, unlike our miIO path:

- a command lands after ``command_delay`` seconds, or fails while the cloud
  is unreachable (``online = False``, the entity shows *unavailable*);
- the state the entity shows is the last *report*: each change of the relay
  is reported ``echo_delay`` seconds later, in order, and a report is lost
  with probability ``drop_echo`` (the entity keeps showing the old state
  until a later report);
- Xiaomi Home and xiaomi-miot show the commanded state as soon as the cloud
  took the command (``optimistic``), before any report, without declaring
  ``assumed_state``; a command the cloud took can still get lost on the way to
  the device (``lose_commands``);
- an ``assumed_state`` entity (a one-way switch) shows what it was last told,
  whatever happened (the entity's flag, with ``optimistic``).

`CloudLink` is plain Python on the caller's event loop: the Home Assistant
side (a switch entity) is a thin view onto it (tests/integration/cloud_switch.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import random

from .relay import EmulatedRelay

Listener = Callable[[], None]


class CloudUnreachable(Exception):
    """The cloud (or the internet) cannot be reached: the command was not sent."""


class CloudLink:
    """One relay channel as a cloud-backed switch entity sees it."""

    def __init__(
        self,
        relay: EmulatedRelay,
        channel: int,
        *,
        command_delay: tuple[float, float] = (0.1, 0.4),
        echo_delay: tuple[float, float] = (0.3, 3.0),
        drop_echo: float = 0.0,
        optimistic: bool = False,
        lose_commands: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.relay = relay
        self.channel = channel
        self.command_delay = command_delay
        self.echo_delay = echo_delay
        self.drop_echo = drop_echo
        self.optimistic = optimistic
        self.lose_commands = lose_commands
        self.online = True
        self.rng = random.Random(seed)
        # What the entity shows: the last report (or, optimistic, the last command).
        self.reported: bool | None = relay.channel_state(channel)
        self.commands: list[bool] = []
        self.reports: list[bool] = []
        self.dropped = 0
        self._listeners: list[Listener] = []
        self._last_delivery = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self._remove = relay.add_listener(self._relay_changed)

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Be told whenever what the entity shows (or its availability) changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def set_online(self, online: bool) -> None:
        """The cloud goes away or comes back (the entity's availability).

        Coming back, the integration fetches the device's state afresh.
        """
        self.online = online
        if online:
            self.reported = self.relay.channel_state(self.channel)
        self._notify()

    async def async_command(self, on: bool) -> None:
        """Send on/off through the cloud; returns once the cloud took it."""
        if not self.online:
            raise CloudUnreachable
        self.commands.append(on)
        lost = self.rng.random() < self.lose_commands
        await asyncio.sleep(self.rng.uniform(*self.command_delay))
        if self.optimistic:
            # Shown as done once the cloud took it, whatever happens next.
            self.reported = on
            self._notify()
        if lost or not self.online:
            # Lost on the way: the caller was told "sent", nothing happened.
            return
        self.relay.set_channel(self.channel, on)

    def close(self) -> None:
        """Stop following the relay; pending reports are dropped."""
        self._remove()
        for task in self._tasks:
            task.cancel()

    def _relay_changed(self, channel: int, on: bool) -> None:
        if channel != self.channel:
            return
        if self.rng.random() < self.drop_echo:
            self.dropped += 1
            return
        loop = asyncio.get_running_loop()
        # Reports arrive in the order the device sent them.
        due = max(loop.time() + self.rng.uniform(*self.echo_delay), self._last_delivery)
        self._last_delivery = due
        task = loop.create_task(self._deliver(on, due - loop.time()))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, on: bool, delay: float) -> None:
        await asyncio.sleep(delay)
        self.reports.append(on)
        if self.online:
            self.reported = on
            self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
