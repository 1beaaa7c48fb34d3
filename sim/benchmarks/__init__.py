"""Committed benchmark scripts; each prints the median of several runs."""
