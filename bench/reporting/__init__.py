"""Helpers of bench/report.py: a seeded timeline of incidents, loaded by COPY."""
