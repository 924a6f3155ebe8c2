"""First-order thermal model of a thermocouple tip.

The tip temperature is kept as a fraction of its flame-hot value (0 cold,
1 hot) and relaxes exponentially toward the target whenever the flame
changes. It is evaluated lazily from loop time, so reading it costs nothing
and needs no periodic timer.
"""

from __future__ import annotations

from dataclasses import dataclass
import math


@dataclass
class Thermocouple:
    """Heat fraction as a function of time since the last flame change."""

    start_fraction: float = 0.0
    start_time: float = 0.0
    heating: bool = False
    tau: float = 1.0

    def fraction(self, now: float) -> float:
        """Heat fraction 0..1 at loop time ``now``."""
        # Clamp: a Home Assistant test may run a timer before loop time reaches it.
        elapsed = max(0.0, now - self.start_time)
        decay = math.exp(-elapsed / self.tau)
        if self.heating:
            return 1.0 - (1.0 - self.start_fraction) * decay
        return self.start_fraction * decay

    def change(self, now: float, *, heating: bool, tau: float) -> None:
        """Start heating or cooling from wherever the tip is now."""
        self.start_fraction = self.fraction(now)
        self.start_time = now
        self.heating = heating
        self.tau = tau

    def settle(self, now: float) -> None:
        """Snap to the target (5 tau later the difference is < 1 %)."""
        self.start_fraction = 1.0 if self.heating else 0.0
        self.start_time = now

    def settle_time(self) -> float:
        """When :meth:`settle` makes no visible jump."""
        return 5.0 * self.tau
