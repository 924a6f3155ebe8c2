"""Runtime-switchable misbehaviour of an emulated device."""

from __future__ import annotations

from dataclasses import asdict, dataclass
import random
from typing import Any


@dataclass
class Faults:
    """Faults a test (or the web page) flips while the device runs.

    Probabilities use the device's seeded RNG, so a seeded run is repeatable.
    The ``drop_next_*`` counters affect command packets only, not hellos:
    python-miio sends three hellos per handshake, so losing one of them would
    change nothing and make "lose the next request" ambiguous.
    """

    drop_requests: float = 0.0  # request (hello included) lost before it is applied
    drop_replies: float = 0.0  # command applied, reply lost
    drop_next_requests: int = 0
    drop_next_replies: int = 0
    delay: float = 0.0  # seconds before every reply
    offline: bool = False  # answers nothing at all
    error_code: int | None = None  # per-item MIoT code for get/set_properties
    request_error: int | None = None  # whole-request error reply
    # A firmware quirk rather than a fault: set_properties applies the values
    # but answers this (0 like python-miio's simulator, or ["ok"]) instead of
    # per-item codes.
    bare_set_ack: int | list[str] | None = None
    # MIoT code 1, "accepted, completes asynchronously": set_properties
    # answers code 1 per item and applies the values this many seconds later.
    accepted_later: float | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ValueError on out-of-range values."""
        for name in ("drop_requests", "drop_replies"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within 0..1, got {value}")
        if self.delay < 0:
            raise ValueError("delay must be >= 0")
        if self.accepted_later is not None and self.accepted_later < 0:
            raise ValueError("accepted_later must be >= 0")
        if self.drop_next_requests < 0 or self.drop_next_replies < 0:
            raise ValueError("drop_next_* must be >= 0")

    def update(self, **changes: Any) -> None:
        """Set several fields at once (web API), validating the result."""
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        before = asdict(self)
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            self.validate()
        except ValueError:
            for name, value in before.items():
                setattr(self, name, value)
            raise

    def take_request_drop(self, rng: random.Random, *, is_hello: bool) -> bool:
        """Decide whether the incoming packet is lost (consumes a counter)."""
        if not is_hello and self.drop_next_requests > 0:
            self.drop_next_requests -= 1
            return True
        return self.drop_requests > 0 and rng.random() < self.drop_requests

    def take_reply_drop(self, rng: random.Random) -> bool:
        """Decide whether a command reply is lost (consumes a counter)."""
        if self.drop_next_replies > 0:
            self.drop_next_replies -= 1
            return True
        return self.drop_replies > 0 and rng.random() < self.drop_replies

    def as_dict(self) -> dict[str, Any]:
        """JSON-able copy."""
        return asdict(self)
