"""An emulated 1-4 channel Wi-Fi relay (MIoT or legacy chuangmi.plug style)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
import math
from typing import Any, Literal

from .device import ERROR_INVALID_PARAMS, MiioDevice, MiioError
from .miot import MiotProperties, MiotProperty, MiotValueError, is_bool, is_int
from .net import MIIO_PORT

RelayProtocol = Literal["miot", "legacy"]
Listener = Callable[[int, bool], None]

MAX_CHANNELS = 4
MAX_COUNTDOWN = 86_400  # one day, like typical plug firmware
PIID_ON = 1
PIID_COUNTDOWN = 2
LEGACY_MODEL = "chuangmi.plug.m1"  # python-miio's ChuangmiPlug default model
LEGACY_TEMPERATURE = 35  # chuangmi plugs report their own temperature
ERROR_INVALID_ARG = -5001


def channel_siid(channel: int) -> int:
    """MIoT service of relay channel n (1-based): siid 2, 3, 4, 5."""
    return 1 + channel


class EmulatedRelay(MiioDevice):
    """Relay whose channels a client switches over miIO.

    MIoT: channel n is ``on`` (bool) at siid 1+n/piid 1 and ``countdown``
    (int, in ``countdown_unit`` seconds, 0 = off) at siid 1+n/piid 2; when a
    countdown runs out the channel turns OFF. That on-device off-delay lets a
    client make a pulse that ends even if the client dies mid-pulse.

    Legacy: ``get_prop ["power", "power2", ...]`` -> ``["on"|"off", ...]`` and
    ``set_power ["on"|"off"(, channel)]`` -> ``["ok"]``.
    """

    def __init__(
        self,
        host: str,
        *,
        channels: int = 1,
        protocol: RelayProtocol = "miot",
        power_on_state: bool | Sequence[bool] = False,
        countdown_unit: float = 1.0,
        model: str | None = None,
        token: str | None = None,
        did: int | None = None,
        seed: int | None = None,
        port: int = MIIO_PORT,
    ) -> None:
        if not 1 <= channels <= MAX_CHANNELS:
            raise ValueError(f"channels must be 1..{MAX_CHANNELS}")
        if protocol not in ("miot", "legacy"):
            raise ValueError(f"unknown protocol {protocol!r}")
        if countdown_unit <= 0:
            raise ValueError("countdown_unit must be > 0")
        if model is None:
            model = LEGACY_MODEL if protocol == "legacy" else f"emulator.relay.c{channels}"
        super().__init__(host, token=token, did=did, model=model, seed=seed, port=port)
        self.protocol: RelayProtocol = protocol
        self.channel_count = channels
        if isinstance(power_on_state, bool):
            power_on_state = [power_on_state] * channels
        if len(power_on_state) != channels:
            raise ValueError("power_on_state needs one value per channel")
        self.power_on_state = list(power_on_state)
        # Tests shrink the unit so a "2 s" countdown takes milliseconds.
        self.countdown_unit = countdown_unit
        self._states = list(self.power_on_state)
        self._listeners: list[Listener] = []
        self.properties = MiotProperties()
        if protocol == "miot":
            self._setup_miot()
        else:
            self.register("get_prop", self._get_prop)
            self.register("set_power", self._set_power)

    # ------------------------------------------------------------ channels

    def channel_state(self, channel: int) -> bool:
        """Whether channel n (1-based) is ON."""
        return self._states[self._index(channel)]

    @property
    def states(self) -> list[bool]:
        """All channel states, channel 1 first."""
        return list(self._states)

    def set_channel(self, channel: int, on: bool) -> None:
        """Local change (wall button, Mi Home app): not a miIO command."""
        self._apply(channel, on)

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(channel, on)`` on every change; returns a remover."""
        self._listeners.append(listener)
        return lambda: self.remove_listener(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop notifying ``listener`` (no error if absent)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def set_countdown(self, channel: int, units: int) -> None:
        """Arm (units > 0) or cancel (0) the off-delay of channel n."""
        self._index(channel)
        if not 0 <= units <= MAX_COUNTDOWN:
            raise ValueError(f"countdown must be 0..{MAX_COUNTDOWN}")
        key = ("countdown", channel)
        if units == 0:
            self.timers.cancel(key)
            return
        self.timers.schedule(units * self.countdown_unit, lambda: self._apply(channel, False), key)

    def countdown_remaining(self, channel: int) -> int:
        """Remaining countdown in units, rounded up; 0 when none runs."""
        self._index(channel)
        if self._timers is None:
            return 0
        when = self._timers.when(("countdown", channel))
        if when is None:
            return 0
        return max(0, math.ceil((when - self.loop.time()) / self.countdown_unit))

    def describe(self) -> dict[str, Any]:
        data = super().describe()
        data.update(
            protocol=self.protocol,
            channels=[
                {
                    "channel": n,
                    "on": self.channel_state(n),
                    "countdown": self.countdown_remaining(n),
                    "power_on_state": self.power_on_state[n - 1],
                    "siid": channel_siid(n) if self.protocol == "miot" else None,
                }
                for n in range(1, self.channel_count + 1)
            ],
        )
        return data

    def _index(self, channel: int) -> int:
        if not 1 <= channel <= self.channel_count:
            raise ValueError(f"channel must be 1..{self.channel_count}")
        return channel - 1

    def _apply(self, channel: int, on: bool) -> None:
        index = self._index(channel)
        if self._states[index] == on:
            return
        self._states[index] = on
        for listener in list(self._listeners):
            listener(channel, on)

    def _on_reboot(self) -> None:
        # Countdown timers were cancelled with every other timer by reboot().
        for channel, on in enumerate(self.power_on_state, start=1):
            self._apply(channel, on)

    # ---------------------------------------------------------------- MIoT

    def _setup_miot(self) -> None:
        self.properties.add_device_information(self)
        for channel in range(1, self.channel_count + 1):
            siid = channel_siid(channel)
            self.properties.add(
                MiotProperty(
                    siid,
                    PIID_ON,
                    "on",
                    getter=partial(self.channel_state, channel),
                    setter=partial(self._apply, channel),
                    accepts=is_bool,
                )
            )
            self.properties.add(
                MiotProperty(
                    siid,
                    PIID_COUNTDOWN,
                    "countdown",
                    getter=partial(self.countdown_remaining, channel),
                    setter=partial(self._set_countdown_item, channel),
                    accepts=is_int,
                )
            )
        self.register("get_properties", self.properties.get_properties)
        self.register("set_properties", self.properties.set_properties)

    def _set_countdown_item(self, channel: int, value: int) -> None:
        try:
            self.set_countdown(channel, value)
        except ValueError as err:
            raise MiotValueError(str(err)) from err

    # -------------------------------------------------------------- legacy

    def _get_prop(self, params: Any) -> list[Any]:
        if not isinstance(params, list):
            raise MiioError(ERROR_INVALID_PARAMS, "params must be a list")
        return [self._legacy_value(name) for name in params]

    def _legacy_value(self, name: Any) -> Any:
        if name == "temperature":
            return LEGACY_TEMPERATURE
        channel = _legacy_channel(name)
        if channel is None or channel > self.channel_count:
            return None  # firmware answers null for an unknown property
        return "on" if self.channel_state(channel) else "off"

    def _set_power(self, params: Any) -> list[str]:
        if not isinstance(params, list) or not 1 <= len(params) <= 2:
            raise MiioError(ERROR_INVALID_ARG, "invalid arg")
        value = params[0]
        channel = params[1] if len(params) == 2 else 1
        if value not in ("on", "off") or not is_int(channel):
            raise MiioError(ERROR_INVALID_ARG, "invalid arg")
        if not 1 <= channel <= self.channel_count:
            raise MiioError(ERROR_INVALID_ARG, "invalid arg")
        self._apply(channel, value == "on")
        return ["ok"]


def _legacy_channel(name: Any) -> int | None:
    """ "power" -> 1, "power2" -> 2, anything else -> None."""
    if not isinstance(name, str) or not name.startswith("power"):
        return None
    suffix = name.removeprefix("power")
    if suffix == "":
        return 1
    return int(suffix) if suffix.isdigit() and int(suffix) >= 1 else None
