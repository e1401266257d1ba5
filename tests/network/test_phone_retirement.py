"""The network file is the truth about phones: a phone it no longer lists is retired,
kept in history, and receives nothing more; the phones it lists now get the SMS."""

from __future__ import annotations

import json
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.console import operator
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.vault import PhoneVault
from alerts.network.domain.network_file import parse_network
from alerts.network.load import load_network
from alerts.registry.models import Sender, Unit
from alerts.timeline.models import Event
from tests.conftest import DATA
from tests.dispatch.helpers import (
    BENI_COMMANDER,
    JOC_DUTY,
    JOC_DUTY_ALTERNATE,
    attack_at_mavivi,
    sms_to,
)
from tests.live import QRF_BENI_ALTERNATE, QRF_BENI_PRIMARY, LiveSystem
from workers.context import WorkerSetup

ACK_TIMEOUT_S = 300
NEW_JOC_DUTY = "+243810000323"


def network_document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DATA / "network.yaml").read_text())
    return document


def with_new_phones(document: dict[str, Any]) -> dict[str, Any]:
    """The JOC duty officer's primary phone replaced, QRF-BENI's alternate dropped."""
    for contact in document["contacts"]:
        if contact["role"] == "joc_duty":
            contact["phones"] = [NEW_JOC_DUTY, JOC_DUTY_ALTERNATE]
    for unit in document["units"]:
        if unit["callsign"] == "QRF-BENI":
            unit["phones"] = [QRF_BENI_PRIMARY]
    return document


def load(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock, document: dict[str, Any]
) -> Any:
    return load_network(factory, vault, parse_network(document), clock.now())


def sender_of(factory: sessionmaker[Session], vault: PhoneVault, number: str) -> Sender:
    with factory() as session:
        found = session.scalars(
            select(Sender).where(Sender.number_hash == vault.lookup_hash(number))
        ).one()
        session.expunge(found)
    return found


def test_escalations_reach_only_the_phones_the_file_lists_now(
    system: LiveSystem, vault: PhoneVault, clock: FakeClock
) -> None:
    load(system.factory, vault, clock, with_new_phones(network_document()))
    # Nobody else to send: silence goes from a resend straight to the sector and the JOC.
    services = WorkerSetup(system.settings, clock=system.clock).services()
    with write_transaction(system.factory) as session:
        for callsign in ("QRF-BUTEMBO", "QRF-GOMA"):
            unit = session.scalars(select(Unit.id).where(Unit.callsign == callsign)).one()
            operator.set_unit_status(session, services, unit, "unavailable", actor="user:joc-1",
                                     reason="on leave")  # fmt: skip

    incident = attack_at_mavivi(system)
    system.pass_time(ACK_TIMEOUT_S + 1)  # silence: resent, and the base commander told
    assert "no ACK from QRF-BENI" in sms_to(system, BENI_COMMANDER)[0]
    system.pass_time(ACK_TIMEOUT_S + 1)  # silence again: no QRF left, the JOC is told
    assert incident.ref in sms_to(system, NEW_JOC_DUTY)[0]

    # The order went twice to the one duty phone left; the dropped ones heard nothing.
    assert len(sms_to(system, QRF_BENI_PRIMARY, 2)) == 2
    assert system.messages_to(QRF_BENI_ALTERNATE) == []
    assert system.messages_to(JOC_DUTY) == []


def test_a_dropped_phone_is_retired_once_kept_in_history_and_can_come_back(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    load(factory, vault, clock, network_document())
    old_joc = sender_of(factory, vault, JOC_DUTY)
    summary = load(factory, vault, clock, with_new_phones(network_document()))
    assert summary.retired["senders"] == 2 and summary.changed

    retired = sender_of(factory, vault, JOC_DUTY)
    assert (retired.id, retired.pseudonym) == (old_joc.id, old_joc.pseudonym)
    assert (retired.role, retired.contact_id, retired.duty_rank) == ("retired", None, None)
    alternate = sender_of(factory, vault, QRF_BENI_ALTERNATE)
    assert (alternate.role, alternate.unit_id, alternate.duty_rank) == ("retired", None, None)
    with factory() as session:
        events = list(session.scalars(select(Event).where(Event.kind == "sender.retired")))
        everything = json.dumps([e.data for e in session.scalars(select(Event))])
    assert sorted(e.data["pseudonym"] for e in events) == sorted(
        [old_joc.pseudonym, alternate.pseudonym]
    )
    assert {e.data["was"] for e in events} == {"contact", "unit"}
    assert all(e.actor == "operator" for e in events)
    for number in (JOC_DUTY, QRF_BENI_ALTERNATE, NEW_JOC_DUTY):  # numbers never in events
        assert number not in everything and number.lstrip("+") not in everything

    assert not load(factory, vault, clock, with_new_phones(network_document())).changed
    load(factory, vault, clock, network_document())  # listed again: in service again
    back = sender_of(factory, vault, JOC_DUTY)
    assert (back.role, back.duty_rank, back.pseudonym) == ("contact", 0, old_joc.pseudonym)
