"""Turning trials into the JSON results and the targets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from .baseline import BaselineTrial
from .config import POLL_ROW, row_label, row_loss
from .ours import Trial
from .stats import ratio, summary

TARGET_P99_NO_LOSS_MS = 50.0
TARGET_P99_30_LOSS_MS = 2000.0


def ours_summary(
    trials: Sequence[Trial], seconds: float, released_by_person: int = 0
) -> dict[str, Any]:
    """Latencies and losses of the integration's shut-offs."""
    lost = Counter(t.lost_reason for t in trials if t.lost_reason is not None)
    result: dict[str, Any] = {
        "trials": len(trials),
        "reached_cut": sum(t.cut is not None for t in trials),
        "never_reached_cut": sum(lost.values()),
        "lost_reasons": dict(lost),
        "errors": sum(t.error is not None for t in trials),
        "error_examples": sorted({t.error for t in trials if t.error})[:3],
        "cut_ms": summary([v for t in trials if (v := t.cut_latency) is not None]),
        "valve_ms": summary([v for t in trials if (v := t.valve_latency) is not None]),
        # The action returns once the read-back confirmed the cut.
        "confirmed_ms": summary(
            [t.returned - t.start for t in trials if t.cut is not None and t.error is None]
        ),
        # Cuts that were never confirmed stay cut until a person turns Gas on.
        "released_by_person": released_by_person,
        "seconds": round(seconds, 1),
        # In trial order; null = never reached "cut".
        "cut_samples_ms": _samples([t.cut_latency for t in trials]),
    }
    polls = [t for t in trials if t.poll_in_flight is not None]
    if polls:
        result["poll_in_flight"] = sum(bool(t.poll_in_flight) for t in polls)
        result["poll_timeout_ms"] = summary([t.poll_timeout or 0.0 for t in polls])
    return result


def baseline_summary(
    trials: Sequence[BaselineTrial], concurrent: int, seconds: float
) -> dict[str, Any]:
    """Latencies and losses of python-miio's default write."""
    lost = Counter(t.lost_reason for t in trials if t.lost_reason is not None)
    return {
        "trials": len(trials),
        "concurrent_relays": concurrent,
        "reached_cut": sum(t.reached_cut for t in trials),
        "never_reached_cut": sum(lost.values()),
        "lost_reasons": dict(lost),
        "raised": sum(t.error is not None for t in trials),
        "error_examples": sorted({t.error for t in trials if t.error})[:3],
        "cut_ms": summary([v for t in trials if (v := t.cut_latency) is not None]),
        "valve_ms": summary([v for t in trials if (v := t.valve_latency) is not None]),
        "returned_ms": summary([t.returned - t.start for t in trials]),
        "seconds": round(seconds, 1),
        "cut_samples_ms": _samples([t.cut_latency for t in trials]),
    }


def _samples(values: Sequence[float | None]) -> list[float | None]:
    return [None if v is None else round(v * 1000, 2) for v in values]


def row_result(
    row: str, ours: dict[str, Any] | None, baseline: dict[str, Any] | None
) -> dict[str, Any]:
    """One row of the table with the baseline/ours ratios."""
    ratios: dict[str, float | None] = {}
    if ours is not None and baseline is not None:
        for key in ("p50", "p95", "p99", "max"):
            ratios[key] = ratio(baseline["cut_ms"][key], ours["cut_ms"][key])
    return {
        "row": row,
        "label": row_label(row),
        "request_loss": row_loss(row),
        "poll_in_flight": row == POLL_ROW,
        "ours": ours,
        "baseline": baseline,
        "ratio_baseline_over_ours": ratios,
    }


def _ours(rows: dict[str, dict[str, Any]], row: str) -> dict[str, Any] | None:
    found = rows.get(row)
    return None if found is None else found["ours"]


def targets(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The three targets of issue 8, PASS/FAIL (or not measured)."""
    checks: list[dict[str, Any]] = []
    zero = _ours(rows, "0")
    checks.append(
        {
            "target": "p99 <= 50 ms at 0 % loss",
            "measured": None if zero is None else zero["cut_ms"]["p99"],
            "pass": None
            if zero is None or zero["cut_ms"]["p99"] is None
            else zero["cut_ms"]["p99"] <= TARGET_P99_NO_LOSS_MS,
        }
    )
    lossy = _ours(rows, "30")
    checks.append(
        {
            "target": "p99 <= 2 s at 30 % loss with zero shut-offs lost",
            "measured": None
            if lossy is None
            else {"p99": lossy["cut_ms"]["p99"], "never_reached_cut": lossy["never_reached_cut"]},
            "pass": None
            if lossy is None
            else lossy["cut_ms"]["p99"] is not None
            and lossy["cut_ms"]["p99"] <= TARGET_P99_30_LOSS_MS
            and lossy["never_reached_cut"] == 0,
        }
    )
    poll = _ours(rows, POLL_ROW)
    check: dict[str, Any] = {
        "target": "a poll in flight adds at most one short timeout",
        "measured": None,
        "pass": None,
    }
    if poll is not None and poll["cut_ms"]["p99"] is not None:
        reference = zero["cut_ms"]["p99"] if zero and zero["cut_ms"]["p99"] is not None else 0.0
        timeout = poll["poll_timeout_ms"]["max"]
        allowed = reference + timeout
        check["measured"] = {
            "p99": poll["cut_ms"]["p99"],
            "p99_at_0_loss": reference,
            "added_p99": round(poll["cut_ms"]["p99"] - reference, 3),
            "poll_timeout_max": timeout,
            "allowed_p99": round(allowed, 3),
            "never_reached_cut": poll["never_reached_cut"],
            "poll_really_in_flight": f"{poll['poll_in_flight']}/{poll['trials']}",
        }
        check["pass"] = (
            poll["cut_ms"]["p99"] <= allowed
            and poll["never_reached_cut"] == 0
            and poll["poll_in_flight"] == poll["trials"]
        )
    checks.append(check)
    return checks
