"""Benchmarks: `python -m bench [AREA ...]` runs every module here that has a `run()`."""
