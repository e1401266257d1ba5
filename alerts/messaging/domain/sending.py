"""How long a send may take, and how far back a provider's clock may be trusted."""

from __future__ import annotations

from datetime import timedelta

# Asking the provider, then sending: the two calls one attempt may make.
CALLS_PER_ATTEMPT = 2
# Beyond the calls: reading the row, decrypting, and a provider slow to record what it took.
LEASE_MARGIN = timedelta(seconds=10)
# The provider's clock and the database's may differ by this much, either way.
CLOCK_SKEW = timedelta(minutes=10)


def send_lease(call_timeout_s: float) -> timedelta:
    """How long an attempt holds an SMS: longer than every call it makes may last, so
    no second attempt starts while the first could still reach the provider."""
    if call_timeout_s <= 0:
        raise ValueError("a provider call needs a timeout above 0 s")
    return CALLS_PER_ATTEMPT * timedelta(seconds=call_timeout_s) + LEASE_MARGIN
