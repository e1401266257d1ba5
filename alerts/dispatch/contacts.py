"""Who an escalation reaches: the base commander, the sector HQ, the JOC duty officer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.correlation.models import Incident
from alerts.dispatch.domain.config import ContactRole
from alerts.dispatch.models import Tasking
from alerts.registry.models import Contact, OperatingBase, Sender, Unit


def contacts_for(
    session: Session, role: ContactRole, incident: Incident, tasking: Tasking | None
) -> list[Contact]:
    """The contacts of `role` for this incident.

    The base commander is the commander of the unit's base (the one whose QRF
    failed), else of the incident's base; the sector HQ is that of the
    incident's sector, else the mission's HQ with no sector; the JOC duty
    officers are the mission's.
    """
    mission = incident.mission or _only_mission(session)
    query = select(Contact).where(Contact.role == role).order_by(Contact.id)
    if mission is not None:
        query = query.where(Contact.mission == mission)
    found = list(session.scalars(query))
    if role == "base_commander":
        bases = [_unit_base(session, tasking), incident.base_id]
        for base_id in bases:
            mine = [c for c in found if base_id is not None and c.base_id == base_id]
            if mine:
                return mine
        return []
    if role == "sector_hq":
        sector = incident.sector or _sector_of(session, incident.base_id)
        return [c for c in found if c.sector == sector] or [c for c in found if c.sector is None]
    return found


def first_phone(session: Session, contact: Contact, after_rank: int = -1) -> Sender | None:
    """The contact's phone to text: the first by duty rank after `after_rank`."""
    return session.scalars(
        select(Sender)
        .where(Sender.contact_id == contact.id, Sender.duty_rank > after_rank)
        .order_by(Sender.duty_rank)
        .limit(1)
    ).first()


def _unit_base(session: Session, tasking: Tasking | None) -> int | None:
    if tasking is None:
        return None
    unit = session.get(Unit, tasking.unit_id)
    return unit.base_id if unit else None


def _sector_of(session: Session, base_id: int | None) -> str | None:
    base = session.get(OperatingBase, base_id) if base_id is not None else None
    return base.sector if base else None


def _only_mission(session: Session) -> str | None:
    missions = list(session.scalars(select(Contact.mission).distinct().limit(2)))
    return missions[0] if len(missions) == 1 else None
