"""Scope as SQL: the incidents a console user may see (rules in domain/console/scope)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true, union
from sqlalchemy.orm import Session

from alerts.console.domain.scope import Scope, sees
from alerts.correlation.models import Incident
from alerts.registry.models import Mission, OperatingBase


def known_missions(session: Session) -> list[str]:
    """Every mission the deployment knows, from its missions and its bases."""
    names = session.scalars(
        union(select(Mission.name), select(OperatingBase.mission).distinct())
    ).all()
    return sorted({n for n in names if n})


def single_mission(session: Session) -> bool:
    return len(known_missions(session)) <= 1


def visible(scope: Scope, *, single: bool) -> ColumnElement[bool]:
    """A WHERE clause equal to `domain.console.scope.sees` for every incident."""
    unscoped = true() if scope.role == "admin" or (single and scope.mission_wide) else false()
    mine = Incident.mission == scope.mission
    if not scope.mission_wide:
        mine = and_(mine, Incident.sector == scope.sector)
    return or_(and_(Incident.mission.is_(None), unscoped), mine)


def can_see(session: Session, scope: Scope, incident: Incident) -> bool:
    return sees(scope, incident.mission, incident.sector, single_mission=single_mission(session))


def visible_incident(session: Session, scope: Scope, incident_id: int) -> Incident | None:
    """The incident if it exists and the user may see it; None tells the web layer 404."""
    incident = session.get(Incident, incident_id)
    if incident is None or not can_see(session, scope, incident):
        return None
    return incident
