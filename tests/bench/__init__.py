"""Benchmarks, run with `make bench`; never collected by pytest (no test_ files here)."""
