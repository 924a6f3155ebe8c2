"""Percentiles and summaries of latency samples."""

from __future__ import annotations

from collections.abc import Sequence
import math
from typing import Any


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted values (no interpolation)."""
    if not sorted_values:
        raise ValueError("no values")
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(values: Sequence[float]) -> dict[str, Any]:
    """n, p50, p95, p99, max and mean of seconds, as milliseconds (None when empty)."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    return {
        "n": len(ordered),
        "p50": round(percentile(ordered, 50) * 1000, 3),
        "p95": round(percentile(ordered, 95) * 1000, 3),
        "p99": round(percentile(ordered, 99) * 1000, 3),
        "max": round(ordered[-1] * 1000, 3),
        "mean": round(sum(ordered) / len(ordered) * 1000, 3),
    }


def ratio(baseline: float | None, ours: float | None) -> float | None:
    """Return baseline / ours, or None when either is missing (or ours is zero)."""
    if baseline is None or ours is None or ours <= 0:
        return None
    return round(baseline / ours, 2)


def fmt_ms(value: float | None) -> str:
    """12.3 ms below a second, 5.01 s above; '-' for nothing."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value:.2f} ms"
    if value < 1000:
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"
