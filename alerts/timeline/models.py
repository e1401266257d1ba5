"""The append-only timeline of every state change, and the transparency log that seals it.

Writers only insert `events`. A sequencer later gives each committed event a leaf in an
RFC 9162 Merkle tree (`log_leaves`) and signs the tree's head (`tree_heads`); nothing
is ever updated. Events from before the log keep their old hash-chain fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, FetchedValue, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import JSONDocument, UTCDateTime


class Event(Model):
    __tablename__ = "events"
    # A subject's events (a tasking's, a report's), for timelines and per-incident reads.
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The writer's transaction (PostgreSQL xid8 as a number): the sequencer seals an event
    # only once every transaction that could still commit before it has ended.
    # Set by PostgreSQL itself (migration 0008); NULL on SQLite.
    writer_xid: Mapped[int | None] = mapped_column(
        BigInteger, index=True, server_default=FetchedValue()
    )
    # The old hash chain's fields: set on events written before the log, NULL since.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # Unique: two writers can never both extend the chain from the same head.
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class LogLeaf(Model):
    """An event's place in the log: the order the sequencer sealed it in. Its hash is
    the tree's level-0 node."""

    __tablename__ = "log_leaves"

    leaf_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class TreeHead(Model):
    """A signed tree head: the log's size and root at one moment, signed by the log key."""

    __tablename__ = "tree_heads"

    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime)
    signature: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(64))
    # Every event written below this is sealed, so the next batch looks above it only:
    # its writer's transaction id on PostgreSQL, its own id on SQLite (one writer at a time).
    sealed_horizon: Mapped[int] = mapped_column(BigInteger)


class LogNode(Model):
    """A perfect subtree's hash (2**level leaves from index * 2**level), kept as it is
    completed, so proofs and the next batch read a few rows instead of every leaf."""

    __tablename__ = "log_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
