"""What correlation needs of stored incidents, read in as few statements as possible.

Every report the worker correlates reads the views of the incidents near it,
then again of the one it joins: this is the hottest read in the pipeline. So
the statements are built once, here, not per call (building a windowed select
cost more than running it), and one statement brings every report-derived part
of a view: the track, the recent texts, the threats and the informants.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from alerts.core.domain.geo import Point
from alerts.correlation.domain.model import COARSE_METHODS, TRACK_LENGTH, IncidentView, TrackPoint
from alerts.correlation.models import Incident, Report

RECENT_TEXTS = 5


def _recent_reports() -> Select[Any]:
    """The reports a view is made of, for the incidents bound as `ids`, oldest first.

    Numbered among all of the incident's reports, latest first (`nth`: the recent
    texts), among its located or unlocated ones (`nth_located`: the track), and
    among its reports of the same threat and sender (`pair`: the first of each
    pair gives the threats and informants, so no second query reads them). Bounded
    by the incidents' own reports, never by history.
    """
    located = and_(Report.lat.is_not(None), Report.lon.is_not(None), Report.radius_m.is_not(None))
    latest_first = (Report.received_at.desc(), Report.id.desc())
    numbered = (
        select(
            Report.incident_id,
            Report.lat,
            Report.lon,
            Report.radius_m,
            Report.location_method,
            Report.received_at,
            Report.text,
            Report.threat,
            Report.sender_id,
            Report.id,
            located.label("located"),
            func.row_number()
            .over(partition_by=Report.incident_id, order_by=latest_first)
            .label("nth"),
            func.row_number()
            .over(partition_by=(Report.incident_id, located), order_by=latest_first)
            .label("nth_located"),
            func.row_number()
            .over(partition_by=(Report.incident_id, Report.threat, Report.sender_id))
            .label("pair"),
        )
        .where(Report.incident_id.in_(bindparam("ids", expanding=True)))
        .subquery()
    )
    return (
        select(numbered)
        .where(
            or_(
                numbered.c.nth <= RECENT_TEXTS,
                numbered.c.pair == 1,
                and_(numbered.c.located, numbered.c.nth_located <= TRACK_LENGTH),
            )
        )
        # Oldest first within each incident, as the views keep them.
        .order_by(numbered.c.incident_id, numbered.c.received_at, numbered.c.id)
    )


_RECENT_REPORTS = _recent_reports()
_INCIDENTS = select(Incident).where(Incident.id.in_(bindparam("ids", expanding=True)))


def incident_view(session: Session, incident_id: int) -> IncidentView:
    """What correlation needs of one incident (see `incident_views`)."""
    (view,) = incident_views(session, [incident_id])
    return view


def incident_views(session: Session, incident_ids: Sequence[int]) -> list[IncidentView]:
    """What correlation needs of these incidents, in the order given: two statements
    however many incidents (a coarse report meets a dozen in a burst)."""
    if not incident_ids:
        return []
    rows = {i.id: i for i in session.scalars(_INCIDENTS, {"ids": list(incident_ids)})}
    return views_of(session, [rows[i] for i in incident_ids])


def views_of(session: Session, incidents: Iterable[Incident]) -> list[IncidentView]:
    """The views of incident rows the session already holds, in the order given: one
    statement, for their reports. The rows' own columns are taken as the session
    has them (a reopening not yet flushed included)."""
    incidents = list(incidents)
    if not incidents:
        return []
    ids = [incident.id for incident in incidents]
    # Keyed as the rows say: Report.incident_id is nullable, though none of these is.
    tracks: dict[int | None, list[TrackPoint]] = {i: [] for i in ids}
    texts: dict[int | None, list[str]] = {i: [] for i in ids}
    threats: dict[int | None, set[str]] = {i: set() for i in ids}
    informants: dict[int | None, set[int]] = {i: set() for i in ids}
    for row in session.execute(_RECENT_REPORTS, {"ids": ids}):
        if row.located and row.nth_located <= TRACK_LENGTH:
            tracks[row.incident_id].append(
                TrackPoint(
                    point=Point(row.lat, row.lon),
                    radius_m=float(row.radius_m),
                    at=row.received_at,
                    precise=row.location_method not in COARSE_METHODS,
                )
            )
        if row.nth <= RECENT_TEXTS:
            texts[row.incident_id].append(row.text)
        threats[row.incident_id].add(row.threat)
        informants[row.incident_id].add(row.sender_id)
    return [_view(i, tracks[i.id], texts[i.id], threats[i.id], informants[i.id]) for i in incidents]


def _view(
    incident: Incident,
    track: list[TrackPoint],
    texts: list[str],
    threats: set[str],
    informants: set[int],
) -> IncidentView:
    point = (
        None if incident.lat is None or incident.lon is None else Point(incident.lat, incident.lon)
    )
    return IncidentView(
        id=incident.id,
        closed_at=incident.closed_at,
        first_report_at=incident.first_report_at,
        last_report_at=incident.last_report_at,
        point=point,
        radius_m=incident.radius_m,
        track=tuple(track),
        threats=frozenset(threats),
        informants=frozenset(informants),
        texts=tuple(texts),
        severity=incident.severity,
        threat=incident.threat,
    )
