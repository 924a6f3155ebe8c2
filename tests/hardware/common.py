"""Paths shared by the hardware tests."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HARDWARE = REPO / "hardware"
