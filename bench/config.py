"""What one benchmark run measures, and how."""

from __future__ import annotations

from dataclasses import dataclass, field
import os
from pathlib import Path

# Issue 15's rows: no loss; 30 % of requests and 10 % of replies lost (the
# emulated firmware ignores a repeated message id, as real firmware does);
# 50 % of requests lost; a poll in flight.
DEFAULT_ROWS = ("0", "30+10", "50", "poll", "second", "rest")
POLL_ROW = "poll"
# Something else in flight on the same relay when the shut-off comes: a
# poll, a second burner's write, a return to rest of the same burner.
IN_FLIGHT_ROWS = {
    POLL_ROW: "poll in flight",
    "second": "second burner's write in flight",
    "rest": "return to rest in flight",
}


def parse_rows(text: str) -> tuple[str, ...]:
    """`0,30+10,50,poll` -> ("0", "30+10", "50", "poll").

    A row is a request-loss percentage, optionally `+` a reply-loss one, or
    one of IN_FLIGHT_ROWS (that call's request was lost, so it is still in
    flight when the shut-off comes).
    """
    rows: list[str] = []
    for raw in text.split(","):
        item = raw.strip().lower().replace("%", "").replace(" ", "")
        if not item:
            continue
        if item not in IN_FLIGHT_ROWS:
            parts = item.split("+")
            if len(parts) > 2:
                raise ValueError(f"row {raw!r}: at most request+reply loss")
            values: list[str] = []
            for part in parts:
                try:
                    value = float(part)
                except ValueError:
                    raise ValueError(
                        f"row {raw!r} is neither a loss percentage nor 'poll'"
                    ) from None
                if not 0 <= value < 100:
                    raise ValueError(f"loss {raw!r} must be within 0..99 %")
                values.append(f"{value:g}")
            if len(values) == 2 and values[1] == "0":
                values.pop()
            item = "+".join(values)
        if item in rows:
            raise ValueError(f"row {raw!r} given twice")
        rows.append(item)
    if not rows:
        raise ValueError("no rows")
    return tuple(rows)


def row_loss(row: str) -> float:
    """Request loss probability of a row (the poll row runs without loss)."""
    return 0.0 if row in IN_FLIGHT_ROWS else float(row.split("+")[0]) / 100


def row_reply_loss(row: str) -> float:
    """Reply loss probability of a row."""
    if row in IN_FLIGHT_ROWS:
        return 0.0
    parts = row.split("+")
    return float(parts[1]) / 100 if len(parts) == 2 else 0.0


def row_label(row: str) -> str:
    """Human name of a row."""
    if row in IN_FLIGHT_ROWS:
        return IN_FLIGHT_ROWS[row]
    if "+" in row:
        requests, replies = row.split("+")
        return f"{requests} % requests + {replies} % replies lost"
    return f"{row} % loss"


def default_prefix() -> str:
    """127.a.b: a loopback /24 that neither the test suite nor a parallel run uses.

    The tests use 127.{10 + worker}.{pid % 250}.n; the benchmark takes
    127.{200 + worker}.{pid % 250}.n.
    """
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    return f"127.{200 + worker % 50}.{os.getpid() % 250}"


@dataclass
class BenchConfig:
    """Everything a run needs; the command line fills it in."""

    trials: int = 200
    rows: tuple[str, ...] = DEFAULT_ROWS
    seed: int = 1
    json_path: Path | None = Path("bench-results.json")
    # Burners (one emulated relay each) the integration's trials rotate over.
    # 1: one burner on one relay, shut-offs back to back (the next as soon as
    # the relay is at rest again); 6 spreads them over six relays.
    slots: int = 1
    pulse: float = 0.5
    baseline: bool = True
    baseline_trials: int | None = None  # None: the same as `trials`
    # Baseline trials run concurrently on this many emulated relays (a lost
    # write costs python-miio 5 s or more).
    baseline_relays: int = 25
    # None = python-miio's default (5 s). Only the smoke test shortens it.
    baseline_timeout: float | None = None
    # How long before the shut-off the in-flight poll's request was lost.
    poll_lead: float = 0.005
    loop_polls: int = 50  # polls timed for the event-loop measurement (0: skip)
    setup_check: bool = True  # time the setup of an entry whose relay is offline
    blocking_detection: bool = True  # Home Assistant's block_async_io
    address_prefix: str = field(default_factory=default_prefix)
    command: str = ""

    def __post_init__(self) -> None:
        """Validate the numbers the command line cannot."""
        if self.trials < 1:
            raise ValueError("trials must be >= 1")
        if not 1 <= self.slots <= 6:
            raise ValueError("slots must be 1..6 (burners of one stove)")
        if self.baseline_relays < 1:
            raise ValueError("baseline relays must be >= 1")
        if not 0.5 <= self.pulse <= 10:
            raise ValueError("pulse must be 0.5..10 s, as in the options flow")

    @property
    def n_baseline(self) -> int:
        """Baseline trials per row."""
        return self.baseline_trials if self.baseline_trials is not None else self.trials
