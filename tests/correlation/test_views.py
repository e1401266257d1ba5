"""Correlation's reads and writes in few statements: the same views, cells and locks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.core.domain.geo import Point
from alerts.correlation import assign as correlation
from alerts.correlation.domain.cells import cell_of
from alerts.correlation.domain.incident import absorb, new_incident_view
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.models import Incident, IncidentCell, Report
from alerts.intake.models import InboundMessage
from alerts.registry.models import Sender

RULES = CorrelationRules.defaults()
START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
MAVIVI = Point(0.5447, 29.4639)


def add_incident(session: Session, reports: int) -> tuple[Incident, list[Report]]:
    """An incident at Mavivi with `reports` reports a minute apart, from three
    senders (a fourth, with a threat of its own, only first)."""
    incident = Incident(
        ref="T1", status="open", threat="attack", severity=2, lat=MAVIVI.lat, lon=MAVIVI.lon,
        radius_m=100.0, first_report_at=START, last_report_at=START, opened_at=START,
    )  # fmt: skip
    session.add(incident)
    session.flush()
    rows = []
    for n in range(reports):
        sender_id = 4 if n == 0 else 1 + n % 3
        if session.get(Sender, sender_id) is None:
            session.add(
                Sender(
                    id=sender_id, pseudonym=f"FP-T{sender_id}", number_encrypted=b"",
                    number_hash=f"test-{sender_id}", role="focal_point", registered=True,
                    created_at=START,
                )
            )  # fmt: skip
            session.flush()
        at = START + timedelta(minutes=n)
        message = InboundMessage(
            provider_sid=f"SMtest{n}", ref=f"T{n}", sender_id=sender_id, body=f"attaque {n}",
            received_at=at,
        )  # fmt: skip
        session.add(message)
        session.flush()
        point = None if n % 4 == 3 else Point(MAVIVI.lat + n * 0.0001, MAVIVI.lon)
        report = Report(
            message_id=message.id, sender_id=sender_id, incident_id=incident.id,
            text=message.body, received_at=at, threat="abduction" if n == 0 else "attack",
            severity=2, lat=point.lat if point else None, lon=point.lon if point else None,
            radius_m=100.0 if point else None,
            location_method="coordinates" if point else "unlocated",
        )  # fmt: skip
        session.add(report)
        rows.append(report)
    session.flush()
    return incident, rows


def test_one_statement_reads_the_view_absorbing_every_report_would_make(
    factory: sessionmaker[Session],
) -> None:
    with write_transaction(factory) as session:
        incident, reports = add_incident(session, 14)
        (view,) = correlation.incident_views(session, [incident.id])
        expected = new_incident_view(incident.id, correlation.report_facts(reports[0]))
        for report in reports[1:]:
            expected = absorb(expected, correlation.report_facts(report), RULES)
    assert view.track == expected.track  # the last located ones, oldest first
    assert view.texts == expected.texts  # the last five
    # The first report's sender and threat, long past the track and texts, still count.
    assert view.informants == expected.informants == frozenset({1, 2, 3, 4})
    assert view.threats == expected.threats


def test_candidates_are_found_by_cell_and_recent_enough(factory: sessionmaker[Session]) -> None:
    with write_transaction(factory) as session:
        incident, reports = add_incident(session, 3)
        correlation.index_cells(session, incident.id, reports)
        incident_id = incident.id
    soon = correlation.report_facts(reports[1])
    with write_transaction(factory) as session:
        assert [v.id for v in correlation.candidates(session, soon, RULES)] == [incident_id]
    later = replace(soon, received_at=START + timedelta(days=2))
    with write_transaction(factory) as session:
        assert correlation.candidates(session, later, RULES) == []


def test_a_cell_is_recorded_once_whoever_knew_it(factory: sessionmaker[Session]) -> None:
    with write_transaction(factory) as session:
        incident, reports = add_incident(session, 3)
        correlation.index_cells(session, incident.id, reports)
        incident_id = incident.id
    with write_transaction(factory) as session:
        # A new transaction knows nothing: the database refuses the copy quietly.
        correlation.index_cells(session, incident_id, reports)
        correlation.index_cells(session, incident_id, reports)
    with factory() as session:
        cells = session.scalars(
            select(IncidentCell.cell).where(IncidentCell.incident_id == incident_id)
        ).all()
    points = [Point(r.lat, r.lon) for r in reports if r.lat is not None and r.lon is not None]
    assert sorted(cells) == sorted({cell_of(point) for point in points})


def test_the_sender_and_cell_locks_are_taken_in_one_statement(
    factory: sessionmaker[Session],
) -> None:
    names = ["sender:1", "c:1:2", "c:1:3"]
    with write_transaction(factory) as session:
        correlation.lock_keys(session, names)
        if session.get_bind().dialect.name != "postgresql":
            return  # SQLite serialises writers itself
        held = session.execute(
            text(
                "SELECT mode, count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid() GROUP BY mode"
            )
        ).all()
    assert dict(held) == {"ShareLock": 1, "ExclusiveLock": len(names)}
