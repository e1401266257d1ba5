"""Benchmarks: speed goals are measured here, against a baseline in the same run.

Tests never time anything; a benchmark reports the ratio to its baseline, so a
slow or busy machine changes both numbers and not the conclusion.
"""
