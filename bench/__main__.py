"""Command line: `python -m bench [--trials N] [--rows 0,10,30,poll] [--seed S] [--json PATH]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
import shlex
import sys

from .config import DEFAULT_ROWS, BenchConfig, parse_rows
from .harness import new_event_loop
from .report import render
from .runner import run_bench


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description=(
            "Shut-off latency of gas_stove through Home Assistant against emulated miIO "
            "relays on loopback, next to python-miio's defaults."
        ),
    )
    parser.add_argument("--trials", type=int, default=200, help="shut-offs per row (200)")
    parser.add_argument(
        "--rows",
        type=parse_rows,
        default=DEFAULT_ROWS,
        help="comma-separated rows: request-loss %% [+ reply-loss %%] and/or 'poll' "
        "(0,30+10,50,poll)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of loss and ids (1)")
    parser.add_argument(
        "--json", type=Path, default=Path("bench-results.json"), help="results file"
    )
    parser.add_argument(
        "--baseline-trials", type=int, default=None, help="cap the baseline's trials per row"
    )
    parser.add_argument(
        "--baseline-relays",
        type=int,
        default=25,
        help="emulated relays the baseline's trials run on at once (25)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="measure gas_stove only")
    parser.add_argument(
        "--burners",
        type=int,
        default=1,
        help="burners (one relay each) the trials rotate over (1: one relay, back to back)",
    )
    parser.add_argument(
        "--loop-polls", type=int, default=50, help="polls for the event-loop figure (50, 0=off)"
    )
    parser.add_argument(
        "--no-setup-check", action="store_true", help="skip the unreachable-relay setup timing"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target fails"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log warnings to stderr")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the report, write the JSON."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    command = "./scripts/bench" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv)
    )
    try:
        config = BenchConfig(
            trials=args.trials,
            rows=args.rows,
            seed=args.seed,
            json_path=args.json,
            slots=args.burners,
            baseline=not args.no_baseline,
            baseline_trials=args.baseline_trials,
            baseline_relays=args.baseline_relays,
            loop_polls=args.loop_polls,
            setup_check=not args.no_setup_check,
            command=command,
        )
    except ValueError as err:
        _parser().error(str(err))

    def progress(text: str) -> None:
        print(f"[bench] {text}", file=sys.stderr, flush=True)

    progress(f"{command}")
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        results = runner.run(run_bench(config, progress=progress))
    print(render(results))
    if "json_path" in results:
        print(f"Results: {results['json_path']}")
    failed = any(check["pass"] is False for check in results["targets"])
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
