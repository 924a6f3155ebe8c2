"""Small circuit model of a thermocouple flame-failure (FFD) loop.

The thermocouple is modelled as an EMF ``E`` with an internal resistance
``R_tc``; it drives the magnet coil of the gas tap (resistance ``R_coil``).
Everything is DC and purely resistive, which is all the physics a series cut
or a parallel short needs.

Units are chosen so that no conversion factors appear: millivolts divided by
milliohms give amperes, and amperes times milliohms give millivolts.

* Series addition ``R_add`` (closed relay contact plus extra lead):
  ``I = E / (R_tc + R_coil + R_add)`` and ``V_coil = I * R_coil``.
* Parallel short ``R_s`` across the coil (the wiring we do NOT support):
  ``V_coil = E * (R_coil || R_s) / (R_tc + R_coil || R_s)``.
* What a meter reads with the burner lit (the commissioning checks):
  across the coil (magnet-unit side, NC or NO to the return) ``I * R_coil``,
  which falls as resistance is added; across the thermocouple terminals (COM
  to the return) ``I * (R_coil + R_add)``, which RISES as resistance is added
  and so cannot judge a joint; across the relay path (COM to NC/NO)
  ``V_path = I * R_add``. Since ``E = I * (R_tc + R_coil + R_add)``, the share
  of the stock current that is kept is exactly ``1 - V_path / E``: two
  readings on the installed stove, no "before" measurement needed.
* Millivolt tap fault: if the measuring side of an isolated tap failed and put
  its whole supply voltage ``V`` on the loop through the two series resistors
  ``R_tap`` (one per lead), at most ``V / (2 R_tap)`` flows into the loop and
  at most that current times ``R_coil`` appears across the coil. The fault is
  harmless only while that current stays below the drop-out current
  ``V_dropout / R_coil``: the largest harmless fault voltage is
  ``2 R_tap * V_dropout / R_coil`` (75 V with 1 kΩ per lead, 750 V with
  10 kΩ, on the planning loop).

The defaults are the planning figures of ``hardware/README.md``: 25 mV, 40 mΩ
thermocouple, 40 mΩ coil, 1.5 mV drop-out. They are NOT your stove: measure
it (see the commissioning checklist).

Run ``python -m hardware.ffd_loop --help``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
import math
import sys
from typing import Final, Literal

__all__ = [
    "DEFAULT_TAP_OHM",
    "PARALLEL_TABLE_SHORTS_MOHM",
    "READINGS_TABLE_ADDED_MOHM",
    "SERIES_TABLE_ADDED_MOHM",
    "TIMES",
    "VERDICTS",
    "FfdLoop",
    "Language",
    "SeriesResult",
    "ShortResult",
    "TableKind",
    "TapFaultResult",
    "current_kept_from_readings",
    "main",
    "markdown_table",
    "parallel_row",
    "readings_row",
    "report",
    "series_row",
]

Language = Literal["en", "zh-Hans"]
#: The tables the READMEs quote.
TableKind = Literal["series", "parallel", "readings"]

#: Multiplication sign used in the README tables (as in "8.3 times").
TIMES: Final = "\u00d7"

#: Rows of the series table quoted in the READMEs (added resistance, mΩ).
SERIES_TABLE_ADDED_MOHM: Final[tuple[float, ...]] = (0, 5, 10, 15, 20, 50, 100)
#: Rows of the parallel-short table quoted in the READMEs (short, mΩ).
PARALLEL_TABLE_SHORTS_MOHM: Final[tuple[float, ...]] = (100, 50, 20, 10, 5, 2, 1)
#: Rows of the "what the meter reads where" table (added resistance, mΩ).
READINGS_TABLE_ADDED_MOHM: Final[tuple[float, ...]] = (0, 10, 15, 20, 50, 100)
#: Default series resistor in each lead of a millivolt tap, Ω.
DEFAULT_TAP_OHM: Final = 10_000.0


def _parallel(a_mohm: float, b_mohm: float) -> float:
    """Resistance of two resistors in parallel."""
    return a_mohm * b_mohm / (a_mohm + b_mohm)


@dataclass(frozen=True, slots=True, kw_only=True)
class SeriesResult:
    """The loop with extra resistance in series (closed contact + leads)."""

    added_mohm: float
    current_a: float
    baseline_current_a: float
    coil_mv: float
    dropout_mv: float
    emf_mv: float

    @property
    def fraction_of_baseline(self) -> float:
        """Loop current as a fraction of the stock loop's current."""
        return self.current_a / self.baseline_current_a

    @property
    def path_mv(self) -> float:
        """Drop across the added path (COM to NC/NO with the burner lit)."""
        return self.current_a * self.added_mohm

    @property
    def thermocouple_side_mv(self) -> float:
        """Voltage at the thermocouple terminals (COM to the return).

        ``I * (R_coil + R_add)``: it RISES as resistance is added, so it
        cannot tell a good joint from a bad one.
        """
        return self.coil_mv + self.path_mv

    @property
    def margin(self) -> float:
        """Coil voltage divided by the drop-out voltage (> 1: valve holds)."""
        return self.coil_mv / self.dropout_mv

    @property
    def holds(self) -> bool:
        """True when the magnet still holds the valve open."""
        return self.coil_mv > self.dropout_mv


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortResult:
    """The loop with a resistance ``short_mohm`` across the coil."""

    short_mohm: float
    coil_mv: float
    dropout_mv: float

    @property
    def margin(self) -> float:
        """Coil voltage left, divided by the drop-out voltage."""
        return self.coil_mv / self.dropout_mv

    @property
    def drops_out(self) -> bool:
        """True when the short would really make the valve close."""
        return self.coil_mv < self.dropout_mv


@dataclass(frozen=True, slots=True, kw_only=True)
class TapFaultResult:
    """Worst case of a failed millivolt tap pushing current into the loop."""

    fault_v: float
    tap_ohm_per_lead: float
    injected_ma: float
    coil_mv_bound: float
    dropout_mv: float
    #: Largest fault voltage whose current stays below the drop-out current.
    max_safe_fault_v: float

    @property
    def safe(self) -> bool:
        """True when even the worst case stays below the drop-out voltage."""
        return self.coil_mv_bound < self.dropout_mv


@dataclass(frozen=True, slots=True, kw_only=True)
class FfdLoop:
    """A thermocouple (EMF + internal resistance) driving a valve magnet coil."""

    emf_mv: float = 25.0
    tc_mohm: float = 40.0
    coil_mohm: float = 40.0
    dropout_mv: float = 1.5

    def __post_init__(self) -> None:
        for name in ("emf_mv", "tc_mohm", "coil_mohm", "dropout_mv"):
            value = getattr(self, name)
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if self.baseline_coil_mv <= self.dropout_mv:
            raise ValueError(
                f"with these values the stock loop gives only {self.baseline_coil_mv:.2f} mV"
                f" at the coil, not above the {self.dropout_mv} mV drop-out: the stove"
                " would not stay lit even unmodified; check the inputs"
            )

    @property
    def baseline_current_a(self) -> float:
        """Loop current of the stock loop (no relay), in amperes."""
        return self.emf_mv / (self.tc_mohm + self.coil_mohm)

    @property
    def baseline_coil_mv(self) -> float:
        """Voltage across the coil of the stock loop, in millivolts."""
        return self.baseline_current_a * self.coil_mohm

    def series(self, added_mohm: float) -> SeriesResult:
        """Add ``added_mohm`` in series (relay contact closed, plus leads)."""
        if not math.isfinite(added_mohm) or added_mohm < 0:
            raise ValueError(f"added resistance must be >= 0, got {added_mohm!r}")
        current = self.emf_mv / (self.tc_mohm + self.coil_mohm + added_mohm)
        return SeriesResult(
            added_mohm=added_mohm,
            current_a=current,
            baseline_current_a=self.baseline_current_a,
            coil_mv=current * self.coil_mohm,
            dropout_mv=self.dropout_mv,
            emf_mv=self.emf_mv,
        )

    def parallel_short(self, short_mohm: float) -> ShortResult:
        """Put ``short_mohm`` across the coil (the unsupported wiring)."""
        if not math.isfinite(short_mohm) or short_mohm <= 0:
            raise ValueError(f"short resistance must be > 0, got {short_mohm!r}")
        r_p = _parallel(self.coil_mohm, short_mohm)
        return ShortResult(
            short_mohm=short_mohm,
            coil_mv=self.emf_mv * r_p / (self.tc_mohm + r_p),
            dropout_mv=self.dropout_mv,
        )

    def short_needed_mohm(self) -> float:
        """Largest short across the coil that still makes the valve drop out.

        Solves ``E * R_p / (R_tc + R_p) = V_dropout`` for ``R_p = R_coil || R_s``.
        """
        r_p = self.dropout_mv * self.tc_mohm / (self.emf_mv - self.dropout_mv)
        # __post_init__ guarantees r_p < coil_mohm (the stock loop holds).
        return r_p * self.coil_mohm / (self.coil_mohm - r_p)

    def tap_fault(self, fault_v: float, tap_ohm_per_lead: float) -> TapFaultResult:
        """Upper bound of the coil voltage a failed millivolt tap could cause."""
        if not math.isfinite(fault_v) or fault_v < 0:
            raise ValueError(f"fault voltage must be >= 0, got {fault_v!r}")
        if not math.isfinite(tap_ohm_per_lead) or tap_ohm_per_lead <= 0:
            raise ValueError(f"tap resistance must be > 0, got {tap_ohm_per_lead!r}")
        injected_a = fault_v / (2 * tap_ohm_per_lead)
        dropout_current_a = self.dropout_mv / self.coil_mohm
        return TapFaultResult(
            fault_v=fault_v,
            tap_ohm_per_lead=tap_ohm_per_lead,
            injected_ma=injected_a * 1000,
            coil_mv_bound=injected_a * self.coil_mohm,
            dropout_mv=self.dropout_mv,
            max_safe_fault_v=2 * tap_ohm_per_lead * dropout_current_a,
        )


def current_kept_from_readings(path_mv: float, open_circuit_mv: float) -> float:
    """Share of the stock current kept, from two readings on the installed stove.

    ``path_mv``: the drop across the relay path (COM to NC/NO) with the burner
    lit; ``open_circuit_mv``: the thermocouple's open-circuit voltage (COM to
    the return during a cut) at the same flame setting. The share is
    ``1 - V_path / E`` whatever the thermocouple and coil resistances are.
    """
    for name, value in (("path_mv", path_mv), ("open_circuit_mv", open_circuit_mv)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be >= 0, got {value!r}")
    if open_circuit_mv == 0 or path_mv >= open_circuit_mv:
        raise ValueError(
            f"the path drop ({path_mv} mV) must be smaller than the open-circuit"
            f" voltage ({open_circuit_mv} mV): check the readings"
        )
    return 1 - path_mv / open_circuit_mv


# --------------------------------------------------------------------------
# Formatting shared by the CLI, the READMEs and the tests.


def _num(value: float) -> str:
    """Format an input value: integers without decimals, else up to 2 decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def series_row(loop: FfdLoop, added_mohm: float) -> tuple[str, str, str, str, str]:
    """Cells of one README series-table row.

    (added mΩ, loop current mA, % of baseline, coil mV, coil / drop-out)
    """
    r = loop.series(added_mohm)
    return (
        _num(added_mohm),
        f"{1000 * r.current_a:.1f}",
        f"{100 * r.fraction_of_baseline:.1f} %",
        f"{r.coil_mv:.2f}",
        f"{r.margin:.1f}{TIMES}",
    )


def parallel_row(loop: FfdLoop, short_mohm: float) -> tuple[str, str, str]:
    """Cells of one README parallel-table row: (short mΩ, coil mV, coil / drop-out)."""
    r = loop.parallel_short(short_mohm)
    return (_num(short_mohm), f"{r.coil_mv:.2f}", f"{r.margin:.1f}{TIMES}")


def readings_row(loop: FfdLoop, added_mohm: float) -> tuple[str, str, str, str, str, str]:
    """Cells of one README readings-table row.

    (added mΩ, % of stock current, coil side mV, thermocouple side mV,
    relay path mV, relay path / open-circuit EMF)
    """
    r = loop.series(added_mohm)
    return (
        _num(added_mohm),
        f"{100 * r.fraction_of_baseline:.1f} %",
        f"{r.coil_mv:.2f}",
        f"{r.thermocouple_side_mv:.2f}",
        f"{r.path_mv:.2f}",
        f"{100 * r.path_mv / loop.emf_mv:.1f} %",
    )


_HEADERS: Final[dict[Language, dict[str, tuple[str, ...]]]] = {
    "en": {
        "series": (
            "added in series (mΩ)",
            "loop current (mA)",
            "share of stock current",
            "coil voltage (mV)",
            "coil voltage / drop-out",
            "valve",
        ),
        "parallel": (
            "short across the coil (mΩ)",
            "coil voltage left (mV)",
            "coil voltage / drop-out",
            "valve",
        ),
        "readings": (
            "added in series (mΩ)",
            "share of stock current",
            "coil side, NC/NO–T (mV)",
            "thermocouple side, COM–T (mV)",
            "relay path, COM–NC/NO (mV)",
            "relay path / open-circuit EMF",
        ),
    },
    "zh-Hans": {
        "series": (
            "串入电阻 (mΩ)",
            "回路电流 (mA)",
            "占原电流比例",
            "线圈电压 (mV)",
            "线圈电压 / 释放值",
            "阀门",
        ),
        "parallel": (
            "并联短接电阻 (mΩ)",
            "线圈剩余电压 (mV)",
            "线圈电压 / 释放值",
            "阀门",
        ),
        "readings": (
            "串入电阻 (mΩ)",
            "占原电流比例",
            "线圈一侧 NC/NO–T (mV)",
            "热电偶一侧 COM–T (mV)",
            "继电器通路 COM–NC/NO (mV)",
            "通路压降 / 开路电动势",
        ),
    },
}

#: Verdict words used in the last column of the README tables.
VERDICTS: Final[dict[Language, dict[str, str]]] = {
    "en": {"holds": "stays open", "drops": "drops out"},
    "zh-Hans": {"holds": "保持开启", "drops": "关闭"},
}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def markdown_table(kind: TableKind, loop: FfdLoop, lang: Language = "en") -> str:
    """The table as it appears in ``hardware/README*.md`` (between markers)."""
    verdict = VERDICTS[lang]
    rows: list[tuple[str, ...]] = []
    if kind == "readings":
        rows = [readings_row(loop, added) for added in READINGS_TABLE_ADDED_MOHM]
    elif kind == "series":
        for added in SERIES_TABLE_ADDED_MOHM:
            held = loop.series(added).holds
            rows.append((*series_row(loop, added), verdict["holds" if held else "drops"]))
    else:
        for short in PARALLEL_TABLE_SHORTS_MOHM:
            dropped = loop.parallel_short(short).drops_out
            rows.append((*parallel_row(loop, short), verdict["drops" if dropped else "holds"]))
    return _table(_HEADERS[lang][kind], rows)


# --------------------------------------------------------------------------
# Command line.


def report(
    loop: FfdLoop,
    *,
    added_mohm: float,
    short_mohm: float,
    tap_ohm: float,
    tap_fault_v: float,
    simmer_emf_mv: float | None = None,
    path_mv: float | None = None,
) -> str:
    """The text the command line prints.

    ``simmer_emf_mv`` adds the series case at a lower (simmer) EMF;
    ``path_mv`` treats ``loop.emf_mv`` as a measured open-circuit voltage and
    adds the share of current kept computed from the two readings.
    """
    s = loop.series(added_mohm)
    p = loop.parallel_short(short_mohm)
    t = loop.tap_fault(tap_fault_v, tap_ohm)
    d = loop.dropout_mv
    base = loop.baseline_current_a
    lines = [
        "FFD loop model (planning values: measure your own stove)",
        f"  thermocouple EMF (open circuit)   {loop.emf_mv:.2f} mV",
        f"  thermocouple resistance           {loop.tc_mohm:.2f} mOhm",
        f"  valve coil resistance             {loop.coil_mohm:.2f} mOhm",
        f"  coil drop-out voltage             {d:.2f} mV",
        "",
        "Stock loop (no relay)",
        f"  loop current                      {1000 * base:.1f} mA",
        f"  coil voltage                      {loop.baseline_coil_mv:.2f} mV"
        f" ({loop.baseline_coil_mv / d:.1f} x drop-out)",
        "",
        f"Series wiring: closed contact + leads add {added_mohm:g} mOhm",
        f"  loop current                      {1000 * s.current_a:.1f} mA"
        f" ({100 * s.fraction_of_baseline:.1f} % of stock)",
        f"  coil voltage                      {s.coil_mv:.2f} mV ({s.margin:.1f} x drop-out,"
        + (
            f" {s.coil_mv - d:.2f} mV above it)"
            if s.holds
            else f" {d - s.coil_mv:.2f} mV below drop-out)"
        ),
        f"  meter: coil side, NC/NO-return    {s.coil_mv:.2f} mV (falls as resistance is added)",
        f"  meter: thermocouple side, COM     {s.thermocouple_side_mv:.2f} mV"
        " (RISES as resistance is added)",
        f"  meter: relay path, COM-NC/NO      {s.path_mv:.2f} mV"
        f" = {100 * s.path_mv / loop.emf_mv:.1f} % of the EMF:"
        f" {100 * (1 - s.path_mv / loop.emf_mv):.1f} % of the current kept",
        "  verdict (contact closed)          "
        + ("valve holds: cooking works" if s.holds else "valve DROPS OUT: stove will not stay lit"),
        "  verdict (contact open)            0 A: valve drops out, the cut works",
        "",
        f"Parallel short of {short_mohm:g} mOhm across the coil (NOT supported)",
        f"  coil voltage left                 {p.coil_mv:.2f} mV ({p.margin:.1f} x drop-out)",
        "  verdict                           "
        + ("valve drops out" if p.drops_out else "valve STAYS OPEN: the cut would fail silently"),
        f"  short needed to reach drop-out    < {loop.short_needed_mohm():.2f} mOhm",
        "",
        f"Millivolt tap fault: {tap_fault_v:g} V through {tap_ohm:g} Ohm in each lead",
        f"  current into the loop             <= {t.injected_ma:.3f} mA",
        f"  coil voltage from the fault       <= {t.coil_mv_bound:.4f} mV",
        f"  harmless only below               {t.max_safe_fault_v:g} V"
        f" (drop-out current {1000 * d / loop.coil_mohm:.1f} mA)",
        "  verdict                           "
        + (
            "below drop-out: cannot hold the valve open"
            if t.safe
            else "NOT below drop-out: use larger resistors and an isolated low-voltage supply"
        ),
    ]
    if simmer_emf_mv is not None:
        low = FfdLoop(
            emf_mv=simmer_emf_mv,
            tc_mohm=loop.tc_mohm,
            coil_mohm=loop.coil_mohm,
            dropout_mv=loop.dropout_mv,
        ).series(added_mohm)
        lines += [
            "",
            f"Simmer: EMF {simmer_emf_mv:g} mV with the same {added_mohm:g} mOhm added",
            f"  coil voltage                      {low.coil_mv:.2f} mV"
            f" ({low.margin:.1f} x drop-out)",
            "  verdict (contact closed)          "
            + (
                "valve holds on simmer"
                if low.holds
                else "valve DROPS OUT on simmer: reduce the added resistance"
            ),
        ]
    if path_mv is not None:
        kept = current_kept_from_readings(path_mv, loop.emf_mv)
        lines += [
            "",
            f"Your readings: relay path {path_mv:g} mV, open-circuit EMF {loop.emf_mv:g} mV",
            f"  share of the stock current kept   {100 * kept:.1f} % (1 - V_path / E)",
            "  verdict                           "
            + (
                "fine (>= 85 %)"
                if kept >= 0.85
                else (
                    "acceptable, improve if you can"
                    if kept >= 0.80
                    else "REWORK the joints (< 80 %)"
                )
            ),
        ]
    return "\n".join(lines)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hardware.ffd_loop",
        description=(
            "Thermocouple flame-failure loop: what a series relay contact costs,"
            " and why a parallel short is not supported. Planning values only:"
            " measure your own stove."
        ),
    )
    defaults = FfdLoop()
    parser.add_argument(
        "--emf-mv",
        type=float,
        default=defaults.emf_mv,
        help="thermocouple open-circuit EMF, mV (default %(default)s)",
    )
    parser.add_argument(
        "--tc-mohm",
        type=float,
        default=defaults.tc_mohm,
        help="thermocouple internal resistance, mOhm (default %(default)s)",
    )
    parser.add_argument(
        "--coil-mohm",
        type=float,
        default=defaults.coil_mohm,
        help="valve magnet coil resistance, mOhm (default %(default)s)",
    )
    parser.add_argument(
        "--dropout-mv",
        type=float,
        default=defaults.dropout_mv,
        help="coil voltage below which the valve closes, mV (default %(default)s)",
    )
    parser.add_argument(
        "--added-mohm",
        type=float,
        default=50.0,
        help="closed contact + extra leads in series, mOhm (default %(default)s)",
    )
    parser.add_argument(
        "--short-mohm",
        type=float,
        default=100.0,
        help="resistance of a short across the coil, mOhm (default %(default)s)",
    )
    parser.add_argument(
        "--tap-ohm",
        type=float,
        default=DEFAULT_TAP_OHM,
        help="series resistor in EACH lead of a millivolt tap, Ohm (default %(default)s)",
    )
    parser.add_argument(
        "--tap-fault-v",
        type=float,
        default=5.0,
        help="supply voltage of the tap electronics, V (default %(default)s)",
    )
    parser.add_argument(
        "--simmer-emf-mv",
        type=float,
        default=None,
        help="also show the series case at this lower (simmer) EMF, mV",
    )
    parser.add_argument(
        "--path-mv",
        type=float,
        default=None,
        help=(
            "your reading across the relay path (COM to NC/NO, burner lit), mV;"
            " --emf-mv is then your open-circuit reading (COM to the return during a cut)"
        ),
    )
    parser.add_argument(
        "--table",
        choices=("en", "zh-Hans"),
        help="print the README tables in this language instead of the report",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m hardware.ffd_loop``."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        loop = FfdLoop(
            emf_mv=args.emf_mv,
            tc_mohm=args.tc_mohm,
            coil_mohm=args.coil_mohm,
            dropout_mv=args.dropout_mv,
        )
        if args.table is not None:
            lang: Language = args.table
            kinds: tuple[TableKind, ...] = ("series", "readings", "parallel")
            text = "\n\n".join(markdown_table(kind, loop, lang) for kind in kinds)
        else:
            text = report(
                loop,
                added_mohm=args.added_mohm,
                short_mohm=args.short_mohm,
                tap_ohm=args.tap_ohm,
                tap_fault_v=args.tap_fault_v,
                simmer_emf_mv=args.simmer_emf_mv,
                path_mv=args.path_mv,
            )
    except ValueError as err:
        parser.error(str(err))
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
