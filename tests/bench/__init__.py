"""Tests of the shut-off latency benchmark (bench/)."""
