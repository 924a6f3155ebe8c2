"""The FFD loop calculator: pinned figures, validation and the command line."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from hardware.ffd_loop import (
    PARALLEL_TABLE_SHORTS_MOHM,
    SERIES_TABLE_ADDED_MOHM,
    VERDICTS,
    FfdLoop,
    Language,
    main,
    markdown_table,
    parallel_row,
    series_row,
)

from .common import REPO

BRIEF_ARGS = [
    "--emf-mv", "25", "--tc-mohm", "40", "--coil-mohm", "40",
    "--added-mohm", "50", "--dropout-mv", "1.5", "--short-mohm", "100",
]  # fmt: skip


@pytest.fixture
def loop() -> FfdLoop:
    return FfdLoop(emf_mv=25, tc_mohm=40, coil_mohm=40, dropout_mv=1.5)


def test_defaults_are_the_planning_loop(loop: FfdLoop) -> None:
    assert FfdLoop() == loop


def test_stock_loop(loop: FfdLoop) -> None:
    # mV / mΩ = A: 25 / 80.
    assert loop.baseline_current_a == pytest.approx(0.3125)
    assert loop.baseline_coil_mv == pytest.approx(12.5)


def test_series_50_mohm_keeps_about_62_percent(loop: FfdLoop) -> None:
    r = loop.series(50)
    assert r.fraction_of_baseline == pytest.approx(80 / 130)
    assert round(100 * r.fraction_of_baseline) == 62
    assert r.current_a == pytest.approx(25 / 130)
    assert r.coil_mv == pytest.approx(25 * 40 / 130)  # 7.69 mV
    assert r.margin == pytest.approx(7.6923 / 1.5, rel=1e-4)
    assert r.holds


def test_series_budget(loop: FfdLoop) -> None:
    assert loop.series(0).fraction_of_baseline == pytest.approx(1.0)
    assert loop.series(10).fraction_of_baseline == pytest.approx(80 / 90)
    assert loop.series(20).fraction_of_baseline == pytest.approx(0.8)


def test_series_more_resistance_means_less_current(loop: FfdLoop) -> None:
    currents = [loop.series(r).current_a for r in (0, 5, 10, 50, 100, 1000)]
    assert currents == sorted(currents, reverse=True)


def test_huge_series_resistance_drops_out(loop: FfdLoop) -> None:
    # 25 mV * 40 / (80 + R) < 1.5 mV  <=>  R > 586.7 mΩ.
    assert loop.series(580).holds
    assert not loop.series(600).holds


def test_parallel_100_mohm_short_leaves_about_10_mv(loop: FfdLoop) -> None:
    r = loop.parallel_short(100)
    r_p = 40 * 100 / 140
    assert r_p == pytest.approx(28.5714, rel=1e-5)
    assert r.coil_mv == pytest.approx(25 * r_p / (40 + r_p))
    assert r.coil_mv == pytest.approx(10.4167, rel=1e-4)
    assert r.margin > 5
    assert not r.drops_out


def test_short_needed_is_a_few_milliohm(loop: FfdLoop) -> None:
    needed = loop.short_needed_mohm()
    assert needed == pytest.approx(2.7273, rel=1e-4)
    # Exactly at the boundary the coil sees the drop-out voltage.
    assert loop.parallel_short(needed).coil_mv == pytest.approx(1.5)
    assert not loop.parallel_short(needed * 1.01).drops_out
    assert loop.parallel_short(needed * 0.99).drops_out


def test_ordinary_contact_resistance_never_drops_out(loop: FfdLoop) -> None:
    # Anything from 5 mΩ (an excellent contact) to 100 mΩ (datasheet limit) fails.
    for short in (5, 10, 20, 50, 100):
        assert not loop.parallel_short(short).drops_out


def test_tap_fault_bound(loop: FfdLoop) -> None:
    t = loop.tap_fault(5.0, 1000.0)
    assert t.injected_ma == pytest.approx(2.5)
    assert t.coil_mv_bound == pytest.approx(0.1)
    assert t.safe
    # Mains through 2 x 1 kΩ would NOT be safe: why the supply must be isolated.
    assert not loop.tap_fault(230.0, 1000.0).safe


@pytest.mark.parametrize(
    "kwargs",
    [
        {"emf_mv": 0},
        {"emf_mv": -25},
        {"tc_mohm": 0},
        {"coil_mohm": -1},
        {"dropout_mv": 0},
        {"emf_mv": math.nan},
        {"emf_mv": math.inf},
        {"emf_mv": 2.0},  # stock loop would not hold: 1 mV at the coil
    ],
)
def test_rejects_impossible_loops(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must be|would not stay lit"):
        FfdLoop(**kwargs)


def test_rejects_bad_arguments(loop: FfdLoop) -> None:
    with pytest.raises(ValueError):
        loop.series(-1)
    with pytest.raises(ValueError):
        loop.parallel_short(0)
    with pytest.raises(ValueError):
        loop.tap_fault(-1, 1000)
    with pytest.raises(ValueError):
        loop.tap_fault(5, 0)


def test_rows(loop: FfdLoop) -> None:
    assert series_row(loop, 50) == ("50", "192.3", "61.5 %", "7.69", "5.1\u00d7")
    assert parallel_row(loop, 100) == ("100", "10.42", "6.9\u00d7")
    assert series_row(loop, 2.5)[0] == "2.5"


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_markdown_tables(loop: FfdLoop, lang: Language) -> None:
    series = markdown_table("series", loop, lang)
    parallel = markdown_table("parallel", loop, lang)
    assert len(series.splitlines()) == 2 + len(SERIES_TABLE_ADDED_MOHM)
    assert len(parallel.splitlines()) == 2 + len(PARALLEL_TABLE_SHORTS_MOHM)
    verdicts = VERDICTS[lang]
    assert verdicts["drops"] in parallel  # the tiny shorts do work...
    assert verdicts["holds"] in parallel  # ...the ordinary ones do not


def test_cli_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BRIEF_ARGS) == 0
    out = capsys.readouterr().out
    assert "312.5 mA" in out
    assert "61.5 % of stock" in out
    assert "7.69 mV (5.1 x drop-out" in out
    assert "10.42 mV (6.9 x drop-out)" in out
    assert "STAYS OPEN" in out
    assert "< 2.73 mOhm" in out
    assert "<= 0.1000 mV" in out


def test_cli_table(capsys: pytest.CaptureFixture[str], loop: FfdLoop) -> None:
    assert main(["--table", "zh-Hans"]) == 0
    out = capsys.readouterr().out
    assert markdown_table("series", loop, "zh-Hans") in out
    assert markdown_table("parallel", loop, "zh-Hans") in out


def test_cli_rejects_impossible_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--emf-mv", "1"])
    assert exc.value.code == 2
    assert "would not stay lit" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--added-mohm", "-5"])
    assert exc.value.code == 2


def test_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hardware.ffd_loop", *BRIEF_ARGS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "61.5 % of stock" in done.stdout
    assert "10.42 mV" in done.stdout
