"""Benchmarks: figures for ML engineers, not tests. Run through `assistant bench ...`."""
