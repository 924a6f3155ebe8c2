"""What an emulated device saw and did, for assertions in tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class AppliedCommand:
    """One command whose handler ran (loop time, method, params)."""

    time: float
    method: str
    params: Any


@dataclass
class Stats:
    """Packet counters plus the log of applied commands."""

    received: int = 0  # every datagram, whatever became of it
    hellos: int = 0  # handshakes answered (or queued behind a delay)
    dropped_requests: int = 0  # lost by the drop_* faults
    dropped_replies: int = 0
    offline_ignored: int = 0
    malformed: int = 0
    bad_checksum: int = 0  # wrong token: real firmware stays silent
    duplicate_ids: int = 0  # id seen within the last 64 requests since boot
    replies: int = 0  # replies actually sent, hellos included
    applied: list[AppliedCommand] = field(default_factory=list)
    # Loop time of every datagram received (the packet-rate a client keeps).
    received_at: list[float] = field(default_factory=list)

    def busiest_second(self) -> int:
        """The most datagrams received within any one second."""
        times, most, start = self.received_at, 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most

    def methods(self, method: str | None = None) -> list[AppliedCommand]:
        """Applied commands, optionally only those of one method."""
        return [c for c in self.applied if method is None or c.method == method]

    def counters(self) -> dict[str, int]:
        """The counters without the command log (JSON-able)."""
        data = asdict(self)
        data.pop("applied")
        data.pop("received_at")
        return data

    def reset(self) -> None:
        """Zero everything (tests call this between phases)."""
        for name in self.counters():
            setattr(self, name, 0)
        self.applied.clear()
        self.received_at.clear()

    def as_dict(self) -> dict[str, Any]:
        """JSON-able copy including the command log."""
        data: dict[str, Any] = self.counters()
        data["applied"] = [asdict(c) for c in self.applied]
        return data
