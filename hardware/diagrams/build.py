"""Write the diagrams to disk, or check that the committed SVGs are current.

``python -m hardware.diagrams`` regenerates ``hardware/diagrams/*.svg``: every
diagram in English (``name.svg``) and in Simplified Chinese (``name.zh-Hans.svg``).
``python -m hardware.diagrams --check`` exits 1 and lists every SVG that
differs from what :mod:`hardware.diagrams.source` produces (or is missing, or
is no longer produced by it), and 0 when all match byte for byte.
Both accept a directory argument (default: this package's directory).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
import sys

from hardware.diagrams.source import render_all

__all__ = ["DEFAULT_DIR", "check", "generate", "main"]

DEFAULT_DIR = Path(__file__).resolve().parent


def check(directory: Path) -> list[str]:
    """Problems found in ``directory``; an empty list means up to date."""
    expected = render_all()
    problems: list[str] = []
    for name, data in expected.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.read_bytes() != data:
            problems.append(f"{name}: differs from the source")
    for path in sorted(directory.glob("*.svg")):
        if path.name not in expected:
            problems.append(f"{path.name}: not produced by the source (remove it)")
    return problems


def generate(directory: Path) -> list[str]:
    """Write every diagram into ``directory``; returns the names rewritten."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for name, data in render_all().items():
        path = directory / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
            written.append(name)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m hardware.diagrams``."""
    parser = argparse.ArgumentParser(
        prog="python -m hardware.diagrams",
        description="Regenerate (or --check) the SVG wiring diagrams from their Python source.",
    )
    parser.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DEFAULT_DIR,
        help="where the SVGs live (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 and list the SVGs that differ from the source",
    )
    args = parser.parse_args(argv)
    directory: Path = args.directory
    if args.check:
        problems = check(directory)
        if problems:
            print(f"Diagrams in {directory} are out of date:", file=sys.stderr)
            for line in problems:
                print(f"  {line}", file=sys.stderr)
            print("Run: python -m hardware.diagrams", file=sys.stderr)
            return 1
        print(f"All diagrams in {directory} match their source.")
        return 0
    written = generate(directory)
    for name in written:
        print(f"wrote {directory / name}")
    if not written:
        print(f"All diagrams in {directory} were already up to date.")
    for line in check(directory):
        print(f"warning: {line}", file=sys.stderr)
    return 0
