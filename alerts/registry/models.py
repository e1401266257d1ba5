"""The mission network: bases, units, places, and the people who send SMS."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.core.db.base import Model
from alerts.core.db.types import JSONDocument, StateText, UTCDateTime
from alerts.registry.domain.units import UnitStatus


class Mission(Model):
    """A peacekeeping mission, with the dispatch settings its network file overrides."""

    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # Timeouts, escalation chain and tasking policy that differ from config/dispatch.yaml.
    dispatch: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


class OperatingBase(Model):
    """A mission base (permanent, or a temporary TOB/COB that opens and closes)."""

    __tablename__ = "bases"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    mission: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))
    sector: Mapped[str | None] = mapped_column(String(100))
    opened: Mapped[date | None] = mapped_column(Date)
    closed: Mapped[date | None] = mapped_column(Date)
    aor: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)

    units: Mapped[list[Unit]] = relationship(back_populates="base")


class Unit(Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    callsign: Mapped[str] = mapped_column(String(64), unique=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("bases.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    notice_to_move_min: Mapped[int] = mapped_column(Integer)
    status: Mapped[UnitStatus] = mapped_column(StateText(UnitStatus, 16))
    travel_mode: Mapped[str] = mapped_column(String(16), default="road", server_default="road")
    # The troop- or police-contributing country, for the non-compliance register.
    country: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    base: Mapped[OperatingBase] = relationship(back_populates="units")
    phones: Mapped[list[Sender]] = relationship(
        back_populates="unit", order_by="Sender.duty_rank", foreign_keys="Sender.unit_id"
    )


class Contact(Model):
    """Someone escalations reach by SMS: a base commander, a sector HQ, the JOC duty officer."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("mission", "role", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("bases.id"))
    sector: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(8))

    phones: Mapped[list[Sender]] = relationship(
        back_populates="contact", order_by="Sender.duty_rank", foreign_keys="Sender.contact_id"
    )


class Place(Model):
    """A named place alerts may mention: from the mission network file or a gazetteer.

    `source` is "network" (the mission's own file, which takes precedence and is
    never touched by gazetteer imports) or "geonames" (keyed on `geonameid`).
    """

    __tablename__ = "places"
    # The matcher loads a mission's countries plus every network place, and
    # `alerts gazetteer stats` counts by source and country: one index serves both.
    __table_args__ = (Index("ix_places_source_country", "source", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    alt_names: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    admin: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(32), default="network")
    # A unique index rather than a constraint: SQLite adds an index in place,
    # while a constraint would rebuild a table that senders reference.
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True, unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    feature: Mapped[str | None] = mapped_column(String(10))
    population: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


# What an erased number's `number_hash` becomes, with the sender id: unique, and never
# a lookup hash (64 hex digits), so the phone's next SMS makes a new sender.
ERASED_HASH = "erased:{id}"


class Sender(Model):
    """A phone the system knows: an informant, a CLA, a unit or base duty phone.

    The number is stored only encrypted; `number_hash` is a keyed hash used to
    recognise the number on arrival without decrypting anything. Everyone is
    shown by `pseudonym`.

    `key_id` names the data key both are under (`PhoneVault.key_id`; NULL: stored
    before keys could be rotated), so `alerts keys rotate` knows what is left to do.
    An erased number (retention) leaves `number_erased_at` set, an empty
    `number_encrypted` and an `ERASED_HASH` that no lookup hash can equal.
    """

    __tablename__ = "senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    number_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("bases.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    duty_rank: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    registered: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str | None] = mapped_column(String(16))
    number_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    place: Mapped[Place | None] = relationship()
    base: Mapped[OperatingBase | None] = relationship()
    unit: Mapped[Unit | None] = relationship(back_populates="phones", foreign_keys=[unit_id])
    contact: Mapped[Contact | None] = relationship(
        back_populates="phones", foreign_keys=[contact_id]
    )
