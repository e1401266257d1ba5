"""Who sees which incident.

A user is scoped to a mission and optionally a sector; without a sector they see
the whole mission. Incidents whose mission is not known yet (an unlocated alert
from a stranger's phone) are shown to admins, and, in a deployment that holds a
single mission, to that mission's mission-wide users: the incident can only be
theirs. Where several missions share one deployment, an incident with no mission
stays with the admins until someone locates it, rather than be shown to a mission
that may not be its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    role: str
    mission: str
    sector: str | None = None

    @property
    def mission_wide(self) -> bool:
        return self.sector is None


def sees(scope: Scope, mission: str | None, sector: str | None, *, single_mission: bool) -> bool:
    """Whether a user with `scope` may see an incident of `mission` and `sector`."""
    if mission is None:
        return scope.role == "admin" or (single_mission and scope.mission_wide)
    if mission != scope.mission:
        return False
    return scope.mission_wide or sector == scope.sector
