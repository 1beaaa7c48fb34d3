"""Benchmarks of the botify service: committed scripts that print figures (no timed tests)."""
