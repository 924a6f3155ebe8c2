"""Hold every module of the integration to the coverage bar, not just the total.

Run by scripts/test after a lane's pytest, with COVERAGE_FILE set to that
lane's data file. The bar is pyproject.toml's ``fail_under`` (the Quality
Scale's test-coverage rule is "above 95 % for all integration modules").
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

import coverage


def main() -> int:
    """Print each module's coverage; fail when one is under the bar."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lane", default="")
    parser.add_argument(
        "--report-only", action="store_true", help="a subset ran: print, do not judge"
    )
    args = parser.parse_args()
    cov = coverage.Coverage()
    cov.load()
    bar = float(cov.get_option("report:fail_under") or 0)
    total_statements = total_missing = 0
    below: list[str] = []
    rows: list[tuple[str, int, int, float]] = []
    for filename in sorted(cov.get_data().measured_files()):
        path = Path(filename)
        if "custom_components/gas_stove" not in path.as_posix():
            continue
        _, statements, _, missing, _ = cov.analysis2(filename)
        if not statements:
            continue
        percent = 100.0 * (len(statements) - len(missing)) / len(statements)
        total_statements += len(statements)
        total_missing += len(missing)
        # Relative to the integration: miio_udp/__init__.py is not __init__.py.
        name = path.as_posix().split("custom_components/gas_stove/", 1)[1]
        rows.append((name, len(statements), len(missing), percent))
        if percent < bar:
            below.append(f"{name} {percent:.1f} %")
    for name, statements, missing, percent in rows:
        if missing:
            print(f"  {name:28} {statements:5} statements {missing:4} missed {percent:6.1f} %")
    total = 100.0 * (total_statements - total_missing) / max(total_statements, 1)
    print(
        f"coverage ({args.lane} lane): {total:.2f} % over {len(rows)} modules; bar {bar:g} % each"
    )
    if args.report_only:
        return 0
    if not rows:
        print("coverage: no module of custom_components/gas_stove was measured", file=sys.stderr)
        return 1
    if below:
        print(f"coverage: under {bar:g} %: " + ", ".join(below), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
