"""Loading the mission network file into the database.

Loading is an upsert keyed on natural keys (base id, unit callsign, place
name, phone number), all in one transaction: the same file twice changes
nothing, and a failure half-way leaves the previous network intact.
Entries missing from a newer file are left alone, never deleted: taskings
and events still point at them. Phones are the exception that proves it: the
file is the truth about who receives orders and escalations, so a duty, contact,
base or CLA phone of the mission that the file no longer lists is retired (its
row and pseudonym stay for the timelines; it loses every role and receives
nothing more).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.core.vault import PhoneVault
from alerts.network.domain.events import RETIRED, NetworkLoaded, SenderRetired
from alerts.network.domain.network_file import NetworkFile
from alerts.registry.models import Contact, Mission, OperatingBase, Place, Sender, Unit
from alerts.registry.senders import unique_pseudonym
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


@dataclass
class LoadSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    retired: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)

    def event(self, mission: str) -> NetworkLoaded:
        return NetworkLoaded(
            mission=mission,
            created=dict(self.created),
            updated=dict(self.updated),
            unchanged=dict(self.unchanged),
            retired=dict(self.retired),
        )


def _upsert(
    session: Session,
    summary: LoadSummary,
    section: str,
    row: Any | None,
    new: type,
    values: dict[str, Any],
) -> Any:
    """Create `new(**values)` or update `row` in place, counting what happened."""
    if row is None:
        row = new(**values)
        session.add(row)
        session.flush()
        summary.created[section] += 1
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    (summary.updated if changed else summary.unchanged)[section] += 1
    return row


def load_network(
    factory: sessionmaker[Session], vault: PhoneVault, network: NetworkFile, now: datetime
) -> LoadSummary:
    summary = LoadSummary()
    with write_transaction(factory) as session:
        _load_mission(session, summary, network)
        bases = _load_bases(session, summary, network)
        units = _load_units(session, summary, network, bases)
        places = _load_places(session, summary, network)
        contacts = _load_contacts(session, summary, network, bases)
        phones = _phone_roles(network, bases, units, places, contacts)
        listed = {
            _register_phone(session, vault, summary, phone, values, now)
            for phone, values in phones.items()
        }
        _retire_unlisted(session, summary, network.mission, listed, now)

        if summary.changed:
            ledger.record(
                session,
                now,
                summary.event(network.mission),
                Subject("network", None),
                actor="operator",
            )
    return summary


def _load_mission(session: Session, summary: LoadSummary, network: NetworkFile) -> None:
    mission = session.scalars(select(Mission).where(Mission.name == network.mission)).first()
    _upsert(
        session,
        summary,
        "missions",
        mission,
        Mission,
        {"name": network.mission, "dispatch": network.dispatch},
    )


def _load_bases(
    session: Session, summary: LoadSummary, network: NetworkFile
) -> dict[str, OperatingBase]:
    """The operating bases, by their id in the file."""
    bases: dict[str, OperatingBase] = {}
    for entry in network.bases:
        existing = session.scalars(
            select(OperatingBase).where(OperatingBase.key == entry.id)
        ).first()
        bases[entry.id] = _upsert(
            session,
            summary,
            "bases",
            existing,
            OperatingBase,
            {
                "key": entry.id,
                "mission": network.mission,
                "name": entry.name,
                "lat": entry.lat,
                "lon": entry.lon,
                "kind": entry.kind,
                "sector": entry.sector,
                "opened": entry.opened,
                "closed": entry.closed,
                "aor": entry.aor,
            },
        )
    return bases


def _load_units(
    session: Session,
    summary: LoadSummary,
    network: NetworkFile,
    bases: dict[str, OperatingBase],
) -> dict[str, Unit]:
    """The units, by callsign."""
    units: dict[str, Unit] = {}
    for unit_entry in network.units:
        existing_unit = session.scalars(
            select(Unit).where(Unit.callsign == unit_entry.callsign)
        ).first()
        units[unit_entry.callsign] = _upsert(
            session,
            summary,
            "units",
            existing_unit,
            Unit,
            {
                "callsign": unit_entry.callsign,
                "base_id": bases[unit_entry.base].id,
                "role": unit_entry.role,
                "notice_to_move_min": unit_entry.notice_to_move_min,
                "travel_mode": unit_entry.mode,
                "country": unit_entry.country,
                "language": unit_entry.language,
                # Status is live state once loaded: replies and operators own it.
                **({} if existing_unit else {"status": unit_entry.status}),
            },
        )
    return units


def _load_places(session: Session, summary: LoadSummary, network: NetworkFile) -> dict[str, Place]:
    """The network's own places, by case-folded name."""
    places: dict[str, Place] = {}
    for place_entry in network.places:
        existing_place = session.scalars(
            select(Place).where(
                Place.name == place_entry.name,
                Place.admin.is_(None)
                if place_entry.admin is None
                else Place.admin == place_entry.admin,
                Place.source == "network",
            )
        ).first()
        places[place_entry.name.casefold()] = _upsert(
            session,
            summary,
            "places",
            existing_place,
            Place,
            {
                "name": place_entry.name,
                "alt_names": list(place_entry.alt_names),
                "lat": place_entry.lat,
                "lon": place_entry.lon,
                "admin": place_entry.admin,
                "source": "network",
            },
        )
    return places


def _load_contacts(
    session: Session,
    summary: LoadSummary,
    network: NetworkFile,
    bases: dict[str, OperatingBase],
) -> dict[tuple[str, str], Contact]:
    """The escalation contacts, by role and name."""
    contacts: dict[tuple[str, str], Contact] = {}
    for contact_entry in network.contacts:
        existing_contact = session.scalars(
            select(Contact).where(
                Contact.mission == network.mission,
                Contact.role == contact_entry.role,
                Contact.name == contact_entry.name,
            )
        ).first()
        contacts[(contact_entry.role, contact_entry.name)] = _upsert(
            session,
            summary,
            "contacts",
            existing_contact,
            Contact,
            {
                "mission": network.mission,
                "role": contact_entry.role,
                "name": contact_entry.name,
                "base_id": bases[contact_entry.base].id if contact_entry.base else None,
                "sector": contact_entry.sector,
                "language": contact_entry.language,
            },
        )
    return contacts


def _phone_roles(
    network: NetworkFile,
    bases: dict[str, OperatingBase],
    units: dict[str, Unit],
    places: dict[str, Place],
    contacts: dict[tuple[str, str], Contact],
) -> dict[str, dict[str, Any]]:
    """What each phone number in the file is registered as.

    The sections are read in order, so a number listed under `senders` adds to, and
    overrides, what a base, unit or contact said of it.
    """
    phones: dict[str, dict[str, Any]] = {}
    for base_entry in network.bases:
        for phone in base_entry.phones:
            phones[phone] = {"role": "base", "base_id": bases[base_entry.id].id}
    for unit_entry in network.units:
        for rank, phone in enumerate(unit_entry.phones):
            phones[phone] = {
                "role": "unit",
                "unit_id": units[unit_entry.callsign].id,
                "duty_rank": rank,
            }
    for contact_entry in network.contacts:
        contact = contacts[(contact_entry.role, contact_entry.name)]
        for rank, phone in enumerate(contact_entry.phones):
            phones[phone] = {
                "role": "contact",
                "contact_id": contact.id,
                "duty_rank": rank,
                "language": contact_entry.language,
            }
    for sender_entry in network.senders:
        values = phones.setdefault(sender_entry.phone, {})
        values["role"] = sender_entry.role
        values["language"] = sender_entry.language
        if sender_entry.place:
            values["place_id"] = places[sender_entry.place.casefold()].id
        if sender_entry.base:
            values["base_id"] = bases[sender_entry.base].id
        if sender_entry.unit:
            values["unit_id"] = units[sender_entry.unit].id
    return phones


def _register_phone(
    session: Session,
    vault: PhoneVault,
    summary: LoadSummary,
    phone: str,
    values: dict[str, Any],
    now: datetime,
) -> int:
    """Register one phone of the file as what the file says it is; its sender id."""
    number_hash = vault.lookup_hash(phone)
    # Every key's hash: mid-rotation the phone may still be stored under an old one.
    hashes = vault.lookup_hashes(phone)
    existing = session.scalars(select(Sender).where(Sender.number_hash.in_(hashes))).first()
    fields = {
        "role": values["role"],
        "place_id": values.get("place_id"),
        "base_id": values.get("base_id"),
        "unit_id": values.get("unit_id"),
        "contact_id": values.get("contact_id"),
        "duty_rank": values.get("duty_rank"),
        "language": values.get("language"),
        "registered": True,
    }
    if existing is None:
        fields |= {
            "pseudonym": unique_pseudonym(session, vault, values["role"], number_hash),
            "number_encrypted": vault.encrypt(phone),
            "number_hash": number_hash,
            "key_id": vault.key_id,
            "created_at": now,
        }
    sender: Sender = _upsert(session, summary, "senders", existing, Sender, fields)
    return sender.id


def _retire_unlisted(
    session: Session, summary: LoadSummary, mission: str, listed: set[int], now: datetime
) -> None:
    """Retire the mission's phones this file no longer lists.

    A replaced JOC duty phone kept its role until now, and escalations went to the
    old phone while the new one never heard. A phone is the mission's through its
    unit, contact or base; a focal point known only by her village is left as she
    is, since nothing is ever sent to her but the answer to her own alert.
    """
    bases = select(OperatingBase.id).where(OperatingBase.mission == mission)
    stale = session.scalars(
        select(Sender)
        .where(
            Sender.registered.is_(True),
            Sender.id.not_in(listed),
            or_(
                Sender.unit_id.in_(select(Unit.id).where(Unit.base_id.in_(bases))),
                Sender.contact_id.in_(select(Contact.id).where(Contact.mission == mission)),
                Sender.base_id.in_(bases),
            ),
        )
        .order_by(Sender.id)
    )
    for sender in stale:
        retired = SenderRetired(
            pseudonym=sender.pseudonym,
            was=sender.role,
            unit=sender.unit.callsign if sender.unit else None,
            contact=sender.contact.name if sender.contact else None,
            base=sender.base.key if sender.base else None,
            duty_rank=sender.duty_rank,
        )
        # Every link that made it a recipient goes; the number, its hash and the
        # pseudonym stay, so history still reads and an SMS from it is still stored.
        sender.role, sender.registered, sender.duty_rank = RETIRED, False, None
        sender.unit_id = sender.contact_id = sender.base_id = sender.place_id = None
        summary.retired["senders"] += 1
        ledger.record(session, now, retired, Subject("sender", sender.id), actor="operator")
