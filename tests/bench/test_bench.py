"""Smoke test of the shut-off latency benchmark: tiny trial counts, real UDP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from bench import BenchConfig, parse_rows, run_bench
from bench.report import render
from bench.stats import fmt_ms, percentile, ratio, summary

TRIALS = 3


def _check_side(side: dict[str, Any], *, lossless: bool) -> None:
    assert side["trials"] == TRIALS
    assert side["reached_cut"] + side["never_reached_cut"] == TRIALS
    assert sum(side["lost_reasons"].values()) == side["never_reached_cut"]
    cut, valve = side["cut_ms"], side["valve_ms"]
    assert cut["n"] == side["reached_cut"]
    if lossless:
        assert side["never_reached_cut"] == 0
        # Loopback without loss: milliseconds, far from any timeout.
        assert cut["max"] < 200
    if cut["n"]:
        assert 0 < cut["p50"] <= cut["p95"] <= cut["p99"] <= cut["max"] < 30_000
        # The emulated valve drops 0.2 s after the loop opened.
        assert valve["n"] == cut["n"]
        assert valve["p50"] >= cut["p50"] + 150


async def test_benchmark_smoke(hass: HomeAssistant, socket_enabled: None, tmp_path: Path) -> None:
    """Rows 0, 30+10, second and rest with three trials each, baseline included, extras on."""
    path = tmp_path / "bench.json"
    config = BenchConfig(
        trials=TRIALS,
        rows=("0", "30+10", "second", "rest"),
        seed=3,
        json_path=path,
        slots=2,
        baseline_relays=3,
        # python-miio's 5 s default would make a lost write cost 5-20 s.
        baseline_timeout=0.3,
        loop_polls=3,
        command="pytest",
    )
    results = await run_bench(config, hass=hass)
    data = json.loads(path.read_text())
    assert data["command"] == "pytest"
    assert [row["row"] for row in data["rows"]] == ["0", "30+10", "second", "rest"]
    assert data["rows"][1]["reply_loss"] == 0.1
    for row in data["rows"][2:]:
        # Something really was in flight at every shut-off; no baseline for these.
        assert row["ours"]["in_flight"] == TRIALS
        assert row["baseline"] is None
    for row in data["rows"][:2]:
        lossless = row["request_loss"] == 0
        _check_side(row["ours"], lossless=lossless)
        _check_side(row["baseline"], lossless=lossless)
        assert set(row["ratio_baseline_over_ours"]) == {"p50", "p95", "p99", "max"}
    zero = data["rows"][0]
    assert zero["baseline"]["concurrent_relays"] == 1
    assert zero["ratio_baseline_over_ours"]["p50"] > 0

    targets = {check["target"]: check for check in data["targets"]}
    assert len(targets) == 8
    assert targets["0 % loss: p95 <= 10 ms, p99 <= 20 ms, none lost"]["pass"] in (True, False)
    lossy = "30 % requests + 10 % replies lost: p95 <= 300 ms, p99 <= 500 ms, max <= 1500 ms"
    assert targets[f"{lossy}, none lost"]["pass"] in (True, False)
    packets = targets["<= 20 packets for one shut-off at 30+10 % loss"]
    assert packets["measured"]["max"] >= 2  # a write and its read-back at least
    assert targets["never more than 20 packets/s to one device"]["measured"] > 0
    # No 50 % row and no poll row were run.
    assert (
        targets["50 % loss: p95 <= 800 ms, p99 <= 1500 ms, max <= 3000 ms, none lost"]["pass"]
        is None
    )
    assert targets["a poll in flight adds <= 50 ms to the p99"]["pass"] is None
    for row in ("a second burner's write", "a return to rest"):
        assert targets[f"{row} in flight adds <= 50 ms to the p99"]["pass"] in (True, False)

    polls = data["event_loop_per_poll"]
    assert polls["polls"] == 3
    assert polls["failed_polls"] == 0
    assert 0 < polls["loop_time_ms"]["max"] <= polls["window_busy_ms"]["max"]
    assert polls["loop_time_ms"]["p50"] < polls["wall_ms"]["p50"]

    setup = data["setup_unreachable"]
    # The stove loads without its relay (S4): the burner is unknown until it answers.
    assert setup["state"] == "loaded"
    assert setup["returned"] is True
    assert 0 < setup["seconds"] < 15
    assert setup["packets_sent_to_relay"] > 0

    assert data["blocking_call_detection"]["detected"] == 0
    assert data["environment"]["home_assistant"]
    text = render(results)
    assert "| 0 % loss | gas_stove | 3 |" in text
    assert "python-miio defaults" in text
    assert "ratio baseline / gas_stove" in text
    assert "n/a   a poll in flight adds <= 50 ms to the p99: not measured" in text


def test_rows_parse() -> None:
    """Row names: request [+ reply] loss percentages and 'poll'."""
    assert parse_rows("0,10,30,poll") == ("0", "10", "30", "poll")
    assert parse_rows(" 0 %, POLL ") == ("0", "poll")
    assert parse_rows("30 % + 10 %,50+0") == ("30+10", "50")
    assert parse_rows("second,rest") == ("second", "rest")
    for bad in ("", "x", "100", "-1", "0,0", "1+2+3", "30+x", "30+100"):
        with pytest.raises(ValueError):
            parse_rows(bad)


def test_statistics() -> None:
    """Nearest-rank percentiles, milliseconds, ratios, formatting."""
    values = [i / 1000 for i in range(1, 201)]  # 1..200 ms
    assert percentile(sorted(values), 99) == 0.198
    stats = summary(values)
    assert (stats["n"], stats["p50"], stats["p99"], stats["max"]) == (200, 100.0, 198.0, 200.0)
    assert summary([])["p99"] is None
    assert ratio(5000.0, 250.0) == 20.0
    assert ratio(None, 1.0) is None
    assert ratio(1.0, 0.0) is None
    assert fmt_ms(None) == "-"
    assert fmt_ms(0.5) == "0.50 ms"
    assert fmt_ms(42.0) == "42.0 ms"
    assert fmt_ms(5010.0) == "5.01 s"
    with pytest.raises(ValueError):
        BenchConfig(trials=0)
