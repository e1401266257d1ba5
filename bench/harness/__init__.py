"""The pieces of bench/intake.py: servers, load, checks and the report."""
