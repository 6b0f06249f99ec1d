"""Benchmarks: `python -m bench [AREA...]`, each printing figures and the ratio to a baseline run alongside."""
