"""Holding incidents while deciding about them.

There is no global lock. A transaction that decides something about an incident
(joins a report to it, routes it, tasks for it, escalates, closes, merges) first
holds the incident's row until it commits: decisions about one incident are made
one at a time, decisions about different incidents in parallel. The order in
which locks are taken is given by `alerts.core.db.session.hold_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from alerts.core.db.session import hold_rows
from alerts.correlation.assign import candidates, report_facts
from alerts.correlation.domain.decide import Decision, decide
from alerts.correlation.domain.model import IncidentView
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.models import Incident, Report


def hold_incidents(session: Session, incident_ids: Iterable[int]) -> dict[int, Incident]:
    """These incidents, locked in id order and read afresh; a missing one is left out."""
    return {incident.id: incident for incident in hold_rows(session, Incident, incident_ids)}


def hold_incident(session: Session, incident_id: int) -> Incident | None:
    return hold_incidents(session, [incident_id]).get(incident_id)


def choose_holding(
    session: Session, report: Report, rules: CorrelationRules, also: Iterable[int] = ()
) -> Decision:
    """Decide which incident `report` joins, holding every candidate (and `also`) first.

    The caller holds the cell locks, so no other report can change these
    incidents; an officer or a unit's reply still can until they are held. If one
    of them changed while this waited for it, the candidates are read again.
    """
    facts = report_facts(report)
    views = candidates(session, facts, rules)
    held = hold_incidents(session, [view.id for view in views] + list(also))
    if any(_changed(view, held.get(view.id)) for view in views):
        # Rare (a close or a relocation raced this report): a candidate new to the
        # second reading is taken out of id order, which at worst makes PostgreSQL
        # break a deadlock by failing one transaction, and its job runs again.
        views = candidates(session, facts, rules)
        hold_incidents(session, [view.id for view in views if view.id not in held])
    return decide(facts, views, rules)


def _changed(view: IncidentView, now: Incident | None) -> bool:
    """Whether the incident's row says something else than the view it was judged by."""
    if now is None or now.merged_into_id is not None:
        return True
    point = view.point
    return (
        now.closed_at != view.closed_at
        or now.last_report_at != view.last_report_at
        or now.informants != len(view.informants)
        or now.radius_m != view.radius_m
        or (now.lat, now.lon) != ((point.lat, point.lon) if point else (None, None))
    )
