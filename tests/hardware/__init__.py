"""Tests of hardware/: the FFD loop calculator, the docs' figures and the diagrams."""
