"""The correlation benchmark: streams with known events, replayed in memory and through
the database. The entry point is `bench/correlate.py`."""
