"""The retention purge erases strangers' numbers, keeps the pseudonym, records counts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.vault import PhoneVault
from alerts.correlation.models import Incident, Report
from alerts.intake.models import InboundMessage
from alerts.pipeline.retention import purge_numbers
from alerts.registry.models import Sender
from alerts.registry.senders import find_or_create_sender
from alerts.timeline.models import Event

OLD, IN_OPEN, REGISTERED, RECENT, IN_CLOSED = (
    "+243970002001", "+243970002002", "+243970002003", "+243970002004", "+243970002005",
)  # fmt: skip
PERIOD = timedelta(days=90)


def report_in(session: Session, sender_id: int, status: str, clock: FakeClock, n: int) -> int:
    at = clock.now() - timedelta(days=100)
    incident = Incident(
        ref=f"R{n}", status=status, first_report_at=at, last_report_at=at, opened_at=at
    )
    message = InboundMessage(
        provider_sid=f"SMret{n}", ref=f"M{n}", sender_id=sender_id, body="attaque", received_at=at
    )
    session.add_all([incident, message])
    session.flush()
    session.add(
        Report(
            message_id=message.id, sender_id=sender_id, incident_id=incident.id,
            text="attaque", received_at=at, location_method="unlocated",
        )
    )  # fmt: skip
    return incident.id


def test_purge_erases_old_strangers_only(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    long_ago = clock.now() - timedelta(days=100)
    with write_transaction(factory) as session:
        ids = {
            n: find_or_create_sender(session, vault, n, long_ago).id
            for n in (OLD, IN_OPEN, REGISTERED, IN_CLOSED)
        }
        ids[RECENT] = find_or_create_sender(session, vault, RECENT, clock.now()).id
        session.get_one(Sender, ids[REGISTERED]).registered = True
        report_in(session, ids[IN_OPEN], "open", clock, 1)
        closed = report_in(session, ids[IN_CLOSED], "closed", clock, 2)
    with factory() as session:
        pseudonyms = {
            r.id: r.pseudonym for r in session.execute(select(Sender.id, Sender.pseudonym))
        }

    result = purge_numbers(factory, clock.now(), PERIOD)

    assert (result.erased, result.kept_open_incident) == (2, 1)
    with factory() as session:
        senders = {s.id: s for s in session.scalars(select(Sender))}
        erased = {i for i, s in senders.items() if s.number_erased_at is not None}
        assert erased == {ids[OLD], ids[IN_CLOSED]}
        for sender_id in erased:
            assert senders[sender_id].number_encrypted == b""
            assert senders[sender_id].number_hash == f"erased:{sender_id}"
        for number in (IN_OPEN, REGISTERED, RECENT):
            assert vault.decrypt(senders[ids[number]].number_encrypted) == number
        # Timelines still read: the pseudonym stays on the row and in its events.
        assert {i: s.pseudonym for i, s in senders.items()} == pseudonyms
        shown = session.scalar(
            select(Sender.pseudonym).join(Report).where(Report.incident_id == closed)
        )
        assert shown == pseudonyms[ids[IN_CLOSED]]
        first_seen = session.scalars(
            select(Event).where(Event.kind == "sender.first_seen", Event.subject_id == ids[OLD])
        ).one()
        assert first_seen.data["pseudonym"] == pseudonyms[ids[OLD]]
        event = session.scalars(select(Event).where(Event.kind == "sender.numbers_erased")).one()
    assert event.data == {"erased": 2, "kept_open_incident": 1, "retention_days": 90}

    # The erased phone's next SMS is a stranger's: a new sender, a new pseudonym.
    with write_transaction(factory) as session:
        again = find_or_create_sender(session, vault, OLD, clock.now())
    assert again.id != ids[OLD] and again.pseudonym != pseudonyms[ids[OLD]]
    # Nothing more is due: no second event.
    assert purge_numbers(factory, clock.now(), PERIOD).erased == 0
