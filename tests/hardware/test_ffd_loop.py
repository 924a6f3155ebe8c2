"""The FFD loop calculator: pinned figures, validation and the command line."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from hardware.ffd_loop import (
    DEFAULT_TAP_OHM,
    PARALLEL_TABLE_SHORTS_MOHM,
    READINGS_TABLE_ADDED_MOHM,
    SERIES_TABLE_ADDED_MOHM,
    VERDICTS,
    FfdLoop,
    Language,
    current_kept_from_readings,
    main,
    markdown_table,
    parallel_row,
    readings_row,
    report,
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
    # The default tap has 10 kΩ in each lead.
    assert "5 V through 10000 Ohm in each lead" in out
    assert "<= 0.0100 mV" in out
    assert "harmless only below               750 V (drop-out current 37.5 mA)" in out


def test_cli_table(capsys: pytest.CaptureFixture[str], loop: FfdLoop) -> None:
    assert main(["--table", "zh-Hans"]) == 0
    out = capsys.readouterr().out
    assert markdown_table("series", loop, "zh-Hans") in out
    assert markdown_table("readings", loop, "zh-Hans") in out
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


def test_meter_readings_at_the_three_nodes(loop: FfdLoop) -> None:
    """W2: only the coil side falls as resistance is added; COM (thermocouple side) rises."""
    stock = loop.series(0)
    for added in (10, 20, 100):
        r = loop.series(added)
        assert r.coil_mv < stock.coil_mv
        assert r.thermocouple_side_mv > stock.thermocouple_side_mv
        assert r.path_mv == pytest.approx(r.current_a * added)
        # The coil-side ratio is the share of current kept; the COM-side ratio is not.
        assert r.coil_mv / stock.coil_mv == pytest.approx(r.fraction_of_baseline)
    r20 = loop.series(20)
    assert r20.coil_mv == pytest.approx(10.0)
    assert r20.thermocouple_side_mv == pytest.approx(15.0)
    assert r20.thermocouple_side_mv / stock.thermocouple_side_mv == pytest.approx(1.2)


@pytest.mark.parametrize("added", [0, 5, 15, 20, 50, 100, 500])
def test_share_kept_is_one_minus_path_over_emf(loop: FfdLoop, added: float) -> None:
    r = loop.series(added)
    assert current_kept_from_readings(r.path_mv, loop.emf_mv) == pytest.approx(
        r.fraction_of_baseline
    )


def test_share_kept_ignores_the_unknown_resistances() -> None:
    # Whatever R_tc and R_coil are, 1 - V_path / E is the share kept.
    for tc, coil in ((20, 60), (40, 40), (300, 700)):
        other = FfdLoop(emf_mv=28, tc_mohm=tc, coil_mohm=coil)
        r = other.series(15)
        assert current_kept_from_readings(r.path_mv, 28) == pytest.approx(r.fraction_of_baseline)


def test_share_kept_rejects_impossible_readings() -> None:
    with pytest.raises(ValueError, match="smaller than"):
        current_kept_from_readings(30, 25)
    with pytest.raises(ValueError, match="must be >= 0"):
        current_kept_from_readings(-1, 25)
    with pytest.raises(ValueError):
        current_kept_from_readings(1, math.nan)


def test_the_85_and_80_percent_rules_are_15_and_20_percent_of_the_emf(loop: FfdLoop) -> None:
    r15 = loop.series(15)
    assert r15.path_mv / loop.emf_mv < 0.16
    assert loop.series(20).path_mv / loop.emf_mv == pytest.approx(0.2)


def test_tap_fault_bound_voltage(loop: FfdLoop) -> None:
    # Drop-out current 1.5 mV / 40 mΩ = 37.5 mA; bound = 2 * R_tap * 37.5 mA.
    assert loop.tap_fault(5, 1000).max_safe_fault_v == pytest.approx(75)
    assert loop.tap_fault(5, 10_000).max_safe_fault_v == pytest.approx(750)
    assert DEFAULT_TAP_OHM == 10_000
    assert not loop.tap_fault(230, 1000).safe
    assert loop.tap_fault(230, 10_000).safe
    assert not loop.tap_fault(760, 10_000).safe


def test_report_words_a_dropout_as_below_not_negative_above() -> None:
    text = report(FfdLoop(), added_mohm=600, short_mohm=100, tap_ohm=10_000, tap_fault_v=5)
    assert "below drop-out)" in text
    assert "mV above it" not in text
    assert "-0." not in text
    assert "valve DROPS OUT" in text


def test_report_simmer_and_readings() -> None:
    text = report(
        FfdLoop(emf_mv=26),
        added_mohm=15,
        short_mohm=100,
        tap_ohm=10_000,
        tap_fault_v=5,
        simmer_emf_mv=12,
        path_mv=3.1,
    )
    assert "Simmer: EMF 12 mV with the same 15 mOhm added" in text
    assert "valve holds on simmer" in text
    assert "share of the stock current kept   88.1 %" in text
    assert "fine (>= 85 %)" in text
    rework = report(
        FfdLoop(emf_mv=26), added_mohm=15, short_mohm=100, tap_ohm=1e4, tap_fault_v=5, path_mv=6
    )
    assert "REWORK" in rework


def test_cli_path_and_simmer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--emf-mv", "26", "--path-mv", "3.1", "--simmer-emf-mv", "12"]) == 0
    out = capsys.readouterr().out
    assert "88.1 %" in out
    assert "Simmer" in out
    with pytest.raises(SystemExit) as exc:
        main(["--emf-mv", "26", "--path-mv", "30"])
    assert exc.value.code == 2


def test_readings_rows(loop: FfdLoop) -> None:
    assert readings_row(loop, 20) == ("20", "80.0 %", "10.00", "15.00", "5.00", "20.0 %")
    table = markdown_table("readings", loop, "en")
    assert len(table.splitlines()) == 2 + len(READINGS_TABLE_ADDED_MOHM)
