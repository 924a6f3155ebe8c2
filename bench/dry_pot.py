"""The dry-pot guard's defaults against the emulator's pot (issue 19).

For pots of 1-3 L of water on 2.5-5 kW burners and probes that follow the pot
in 5-30 s, boil the pot dry (emulator/pot.py) and apply the guard's rule to
readings every 10 s: warn at 120 degC, or at a rise of 10 degC/min above
105 degC over the last minute; cut 30 s later. Prints, per case, how long the
water lasted, when the guard warned after the last water boiled off, the pot's
temperature then and when the cut lands, and the highest reading while water
was left (it must stay below both rules).

    ./scripts/measure-dry-pot
"""

from __future__ import annotations

import argparse
from collections import deque
from dataclasses import dataclass
import itertools

from emulator.pot import Pot, PotParams

THRESHOLD = 120.0
RATE = 10.0
RATE_FLOOR = 105.0
RATE_WINDOW = 60.0
GRACE = 30.0
READING_EVERY = 10.0


@dataclass(frozen=True)
class Outcome:
    """One pot boiled dry under the guard."""

    water_kg: float
    burner_kw: float
    probe_tau: float
    boiled_dry_after: float  # s from lighting
    warned_after_dry: float  # s
    pot_at_warning: float  # degC
    pot_at_cut: float  # degC
    wettest_reading_max: float  # degC, while water was left


def run(water_kg: float, burner_kw: float, probe_tau: float) -> Outcome:
    """Boil one pot dry and let the guard's rule watch its probe."""
    pot = Pot(lambda: True, PotParams(water_kg=water_kg, burner_kw=burner_kw, probe_tau=probe_tau))
    readings: deque[tuple[float, float]] = deque()
    wet_max = pot.probe
    while True:
        probe = pot.advance(READING_EVERY)
        if not pot.dry:
            wet_max = max(wet_max, probe)
        now = pot.elapsed
        readings.append((now, probe))
        while now - readings[0][0] > RATE_WINDOW:
            readings.popleft()
        rate = None
        if now - readings[0][0] >= 5:
            rate = (probe - readings[0][1]) / (now - readings[0][0]) * 60
        if probe >= THRESHOLD or (probe >= RATE_FLOOR and rate is not None and rate >= RATE):
            warned_at, pot_at_warning = now, pot.temperature
            break
        if pot.elapsed > 6 * 3600:  # pragma: no cover - a pot that never dries
            raise RuntimeError("the pot never boiled dry")
    pot.advance(GRACE)
    assert pot.dry_at is not None
    return Outcome(
        water_kg,
        burner_kw,
        probe_tau,
        pot.dry_at,
        warned_at - pot.dry_at,
        pot_at_warning,
        pot.temperature,
        wet_max,
    )


def main(argv: list[str] | None = None) -> None:
    """Print the table the documentation quotes."""
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args(argv)
    columns = ["water", "burner", "probe lag", "dry after", "warned after dry"]
    columns += ["pot at warning", "pot at cut", "highest reading with water"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|")
    for water, kw, tau in itertools.product((1.0, 2.0, 3.0), (2.5, 4.0, 5.0), (5.0, 15.0, 30.0)):
        o = run(water, kw, tau)
        print(
            f"| {o.water_kg:g} L | {o.burner_kw:g} kW | {o.probe_tau:g} s | "
            f"{o.boiled_dry_after / 60:.0f} min | {o.warned_after_dry:.0f} s | "
            f"{o.pot_at_warning:.0f} °C | {o.pot_at_cut:.0f} °C | {o.wettest_reading_max:.1f} °C |"
        )


if __name__ == "__main__":
    main()
