"""Benchmarks: `python -m bench` runs the per-update and broadcast figures in one go."""
