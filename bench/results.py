"""Turning trials into the JSON results and the targets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from .baseline import BaselineTrial
from .config import IN_FLIGHT_ROWS, row_label, row_loss, row_reply_loss
from .ours import Trial
from .stats import ratio, summary

# Issue 15: (row, p95, p99, max) in ms, none lost.
LATENCY_TARGETS = (
    ("0", 10.0, 20.0, None),
    ("30+10", 300.0, 500.0, 1500.0),
    ("50", 800.0, 1500.0, 3000.0),
)
# A poll in flight may add this much to the no-loss p99.
TARGET_POLL_ADDS_MS = 50.0
# Hedging stays polite: datagrams for one shut-off at 30 % loss, and per
# second to one device in any row.
TARGET_PACKETS_PER_SHUT_OFF = 20
TARGET_PACKETS_PER_SECOND = 20


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
        # Datagrams per shut-off (hellos and hedged copies included).
        "packets": _counts([t.packets for t in trials]),
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
    polls = [t for t in trials if t.in_flight_now is not None]
    if polls:
        result["in_flight"] = sum(bool(t.in_flight_now) for t in polls)
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


def _counts(values: Sequence[int]) -> dict[str, float | None]:
    if not values:
        return {"mean": None, "p99": None, "max": None}
    ordered = sorted(values)
    return {
        "mean": round(sum(ordered) / len(ordered), 2),
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "max": ordered[-1],
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
        "reply_loss": row_reply_loss(row),
        "in_flight": row if row in IN_FLIGHT_ROWS else None,
        "ours": ours,
        "baseline": baseline,
        "ratio_baseline_over_ours": ratios,
    }


def _ours(rows: dict[str, dict[str, Any]], row: str) -> dict[str, Any] | None:
    found = rows.get(row)
    return None if found is None else found["ours"]


def targets(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Issue 15's targets, PASS/FAIL (or not measured: pass None)."""
    checks: list[dict[str, Any]] = []
    for row, p95, p99, worst in LATENCY_TARGETS:
        ours = _ours(rows, row)
        name = f"{row_label(row)}: p95 <= {p95:g} ms, p99 <= {p99:g} ms" + (
            f", max <= {worst:g} ms" if worst is not None else ""
        )
        check: dict[str, Any] = {"target": f"{name}, none lost", "measured": None, "pass": None}
        if ours is not None and ours["cut_ms"]["p99"] is not None:
            cut = ours["cut_ms"]
            check["measured"] = {
                "p95": cut["p95"],
                "p99": cut["p99"],
                "max": cut["max"],
                "never_reached_cut": ours["never_reached_cut"],
            }
            check["pass"] = (
                cut["p95"] <= p95
                and cut["p99"] <= p99
                and (worst is None or cut["max"] <= worst)
                and ours["never_reached_cut"] == 0
            )
        checks.append(check)
    lossy = _ours(rows, "30+10")
    checks.append(
        {
            "target": f"<= {TARGET_PACKETS_PER_SHUT_OFF} packets for one shut-off at 30+10 % loss",
            "measured": None if lossy is None else lossy["packets"],
            "pass": None
            if lossy is None or lossy["packets"]["max"] is None
            else lossy["packets"]["max"] <= TARGET_PACKETS_PER_SHUT_OFF,
        }
    )
    busiest = [
        found["ours"]["busiest_second_packets"]
        for found in rows.values()
        if found["ours"] is not None and "busiest_second_packets" in found["ours"]
    ]
    checks.append(
        {
            "target": f"never more than {TARGET_PACKETS_PER_SECOND} packets/s to one device",
            "measured": max(busiest) if busiest else None,
            "pass": None if not busiest else max(busiest) <= TARGET_PACKETS_PER_SECOND,
        }
    )
    zero = _ours(rows, "0")
    reference = zero["cut_ms"]["p99"] if zero and zero["cut_ms"]["p99"] is not None else 0.0
    for row, label in IN_FLIGHT_ROWS.items():
        other = _ours(rows, row)
        check = {
            "target": f"a {label.removesuffix(' in flight')} in flight adds "
            f"<= {TARGET_POLL_ADDS_MS:g} ms to the p99",
            "measured": None,
            "pass": None,
        }
        if other is not None and other["cut_ms"]["p99"] is not None:
            added = other["cut_ms"]["p99"] - reference
            check["measured"] = {
                "p99": other["cut_ms"]["p99"],
                "p99_at_0_loss": reference,
                "added_p99": round(added, 3),
                "never_reached_cut": other["never_reached_cut"],
                "really_in_flight": f"{other['in_flight']}/{other['trials']}",
            }
            check["pass"] = (
                added <= TARGET_POLL_ADDS_MS
                and other["never_reached_cut"] == 0
                and other["in_flight"] == other["trials"]
            )
        checks.append(check)
    return checks
