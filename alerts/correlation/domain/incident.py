"""An incident's summary after a report joins it.

The summary is what operators and routing see: where (the best location),
how bad (threat and severity), how sure (distinct informants). It changes
only in ways a report can justify: corroboration raises severity, a precise
report sharpens the location, a coarse one never moves it.
"""

from __future__ import annotations

from dataclasses import replace

from alerts.core.domain.geo import Point
from alerts.correlation.domain.model import (
    TEXTS_KEPT,
    TRACK_LENGTH,
    IncidentView,
    ReportFacts,
    TrackPoint,
    canonical_threat,
)
from alerts.correlation.domain.rules import CorrelationRules
from alerts.locating.domain.threats import MAX_SEVERITY, MIN_SEVERITY, THREAT_TYPES

# Distinct informants and what they add to severity: three people who do not
# know each other texting about one attack make it likelier and usually larger
# than one text; six, more so. Repeats by one sender add nothing.
CORROBORATION_STEPS = ((3, 1), (6, 2))
_PRECEDENCE = {threat: rank for rank, threat in enumerate(THREAT_TYPES)}


def corroborated_severity(base: int, informants: int) -> int:
    """The text's severity raised by corroboration, kept within 1..5."""
    return _clamp(base + _bonus(informants))


def new_incident_view(incident_id: int, report: ReportFacts) -> IncidentView:
    """The incident a report opens on its own. Latency runs from this report."""
    threat = canonical_threat(report.threat)
    point, radius = _location_of(report)
    return IncidentView(
        id=incident_id,
        closed_at=None,
        first_report_at=report.received_at,
        last_report_at=report.received_at,
        point=point,
        radius_m=radius,
        track=_track_point(report),
        threats=frozenset({threat}),
        informants=frozenset({report.sender_id}),
        texts=(report.text,),
        severity=corroborated_severity(report.severity, 1),
        threat=threat,
    )


def absorb(incident: IncidentView, report: ReportFacts, rules: CorrelationRules) -> IncidentView:
    """The incident after `report` joined it.

    `rules` is taken so the summary may one day follow mission settings; no
    rule shapes it today. Reports may arrive out of order (replays, delayed
    SMS): first and last seen and the track follow the report times, not the
    order of arrival.
    """
    informants = incident.informants | {report.sender_id}
    threat = canonical_threat(report.threat)
    point, radius = _best_location(incident, report)
    track = incident.track + _track_point(report)
    if len(track) > 1 and track[-1].at < track[-2].at:
        track = tuple(sorted(track, key=lambda p: p.at))
    return replace(
        incident,
        first_report_at=min(incident.first_report_at, report.received_at),
        last_report_at=max(incident.last_report_at, report.received_at),
        point=point,
        radius_m=radius,
        track=track[-TRACK_LENGTH:],
        threats=incident.threats | {threat},
        informants=informants,
        texts=(*incident.texts, report.text)[-TEXTS_KEPT:],
        severity=_severity(incident, report, len(informants)),
        threat=min(incident.threat, threat, key=lambda t: _PRECEDENCE.get(t, len(_PRECEDENCE))),
    )


def _severity(incident: IncidentView, report: ReportFacts, informants: int) -> int:
    """The most severe text, raised by corroboration.

    The view holds the corroborated severity, not the base it came from, so
    the stored value grows by exactly the steps the new informant count
    crosses; that equals recomputing from the most severe base because the
    steps only grow and the cap is the same.
    """
    grown = incident.severity + _bonus(informants) - _bonus(len(incident.informants))
    return _clamp(max(grown, corroborated_severity(report.severity, informants)))


def _best_location(
    incident: IncidentView, report: ReportFacts
) -> tuple[Point | None, float | None]:
    """Where the incident is best known to be after this report.

    A precise report replaces the best location when it is at least as sharp,
    so the point follows a moving attack reported at equal precision. A coarse
    report (sender's village, relay base) never moves an incident placed by
    what people wrote; among coarse locations only a sharper one replaces
    (a sender's village over a relay base). An unlocated incident takes the
    first location it gets.
    """
    point, radius = _location_of(report)
    if point is None or radius is None:
        return incident.point, incident.radius_m
    if incident.point is None or incident.radius_m is None:
        return point, radius
    precise_now = incident.precisely_located
    if report.precise:
        sharper = not precise_now or radius <= incident.radius_m
    else:
        sharper = not precise_now and radius < incident.radius_m
    return (point, radius) if sharper else (incident.point, incident.radius_m)


def _location_of(report: ReportFacts) -> tuple[Point | None, float | None]:
    if report.point is None or report.radius_m is None:
        return None, None
    return report.point, float(report.radius_m)


def _track_point(report: ReportFacts) -> tuple[TrackPoint, ...]:
    point, radius = _location_of(report)
    if point is None or radius is None:
        return ()
    return (TrackPoint(point, radius, report.received_at, report.precise),)


def _bonus(informants: int) -> int:
    return max((add for at_least, add in CORROBORATION_STEPS if informants >= at_least), default=0)


def _clamp(severity: int) -> int:
    return max(MIN_SEVERITY, min(MAX_SEVERITY, severity))
