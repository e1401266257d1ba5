"""A unit's readiness: whether a QRF can be sent, and why not.

The values are the strings stored in `units`, in network files and in the
event log: never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class UnitStatus(StrEnum):
    READY = "ready"
    TASKED = "tasked"  # an order acknowledged, not yet out
    DEPLOYED = "deployed"  # out: departed or on scene
    UNAVAILABLE = "unavailable"  # set by an operator: in maintenance, on another task


def released(status: UnitStatus) -> UnitStatus:
    """A unit done with its last open tasking is ready again; one an operator took
    out of service stays out."""
    if status in (UnitStatus.TASKED, UnitStatus.DEPLOYED):
        return UnitStatus.READY
    return status
