"""Wiring diagrams of the gas_stove hardware guide, generated from Python.

See :mod:`hardware.diagrams.source` (the drawings) and
:mod:`hardware.diagrams.build` (``python -m hardware.diagrams [--check]``).
"""
