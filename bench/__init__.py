"""Shut-off latency benchmark of the gas_stove integration (issue 8).

`python -m bench` (or `./scripts/bench`) runs Home Assistant in-process with
the custom integration against emulated miIO relays on loopback, and measures
the time from a `switch.turn_off` on a Gas switch to the emulated relay
channel reaching "cut". The same run measures the baseline that a
straightforward integration gets from python-miio's default settings.
"""

from .config import BenchConfig, parse_rows
from .runner import run_bench

__all__ = ["BenchConfig", "parse_rows", "run_bench"]
