"""How many numbers one person may reveal: a limit on the damage of a stolen session
or a curious officer. Each reveal is already an event; the limit makes a trawl
through the informants stop early and leave a refusal behind."""

from __future__ import annotations

from alerts.core.domain.rates import Rate


def over_limit(recent: int, limit: Rate) -> str | None:
    """Why one more reveal is refused after `recent` in the window, or None if allowed."""
    if recent < limit.amount:
        return None
    minutes = limit.window.total_seconds() / 60
    return (
        f"reveal limit reached: {limit.amount} numbers per {minutes:g} minutes for one user. "
        "Try again later, or ask another entitled officer."
    )
