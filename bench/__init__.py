"""Benchmarks: a bulk generator of large workspaces and the inbox query timings."""
