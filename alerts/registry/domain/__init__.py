"""The registry's pure part: a unit's readiness, and the events the registry records."""
