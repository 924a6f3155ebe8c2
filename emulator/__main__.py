"""``python -m emulator``: run an emulated relay, stove and flame sensor."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import signal
import sys

from .burner import BurnerParams, cool_tau_for
from .demo import DEFAULT_BURNERS, DemoConfig, parse_burners, run_demo
from .net import parse_host_port, require_loopback

_DEFAULTS = BurnerParams()


def _loopback(value: str) -> str:
    try:
        return require_loopback(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _host_port(value: str) -> tuple[str, int]:
    try:
        return parse_host_port(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _token(value: str) -> str:
    try:
        if len(bytes.fromhex(value)) == 16:
            return value.lower()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError("a token is 32 hex digits")


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Emulated miIO relay + gas stove + flame sensor (loopback only).",
    )
    parser.add_argument("--relay-host", type=_loopback, default="127.0.0.2")
    parser.add_argument(
        "--sensor-host",
        type=_loopback,
        default="127.0.0.3",
        help="flame sensor address",
    )
    parser.add_argument("--no-sensor", action="store_true", help="run without a flame sensor")
    parser.add_argument("--token", type=_token, help="32 hex digits (random if omitted)")
    parser.add_argument("--sensor-token", type=_token, help="defaults to --token")
    parser.add_argument(
        "--burners",
        default=DEFAULT_BURNERS,
        help='comma separated NAME:WIRING, wiring series_nc or series_no (default "%(default)s")',
    )
    parser.add_argument("--protocol", choices=("miot", "legacy"), default="miot")
    parser.add_argument(
        "--web",
        type=_host_port,
        default=("127.0.0.1", 8300),
        metavar="HOST:PORT",
        help="web page address, port 0 picks a free one (default 127.0.0.1:8300)",
    )
    parser.add_argument("--no-web", action="store_true", help="run without the web page")
    parser.add_argument("--seed", type=int, help="seed for noise and fault randomness")
    parser.add_argument(
        "--hold-time",
        type=float,
        default=_DEFAULTS.hold_time,
        help="seconds the knob must be held while lighting (default %(default)s)",
    )
    parser.add_argument(
        "--flameout-delay",
        type=float,
        default=_DEFAULTS.natural_flameout_delay,
        help="seconds from natural flame loss to valve shut (default %(default)s)",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> DemoConfig:
    """Turn parsed arguments into a DemoConfig (raises ValueError)."""
    web_host, web_port = args.web
    return DemoConfig(
        relay_host=args.relay_host,
        sensor_host=None if args.no_sensor else args.sensor_host,
        token=args.token,
        sensor_token=args.sensor_token,
        burners=parse_burners(args.burners),
        protocol=args.protocol,
        web_host=None if args.no_web else web_host,
        web_port=web_port,
        seed=args.seed,
        params=BurnerParams(
            hold_time=args.hold_time,
            natural_flameout_delay=args.flameout_delay,
            cool_tau=cool_tau_for(args.flameout_delay),
        ),
    )


async def _main(config: DemoConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SIGTERM as well as Ctrl-C should close the sockets cleanly.
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await run_demo(config, stop=stop, out=lambda text: print(text, flush=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as err:
        parser.error(str(err))
    try:
        asyncio.run(_main(config))
    except OSError as err:
        print(f"emulator: {err}", file=sys.stderr)
        return 1
    print("emulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
