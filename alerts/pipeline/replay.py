"""Replaying recorded inbound messages through the real pipeline, for exercises,
what-if analysis and evaluation.

Each message goes in at its own recorded time (the clock is set to it), in
time order. Nothing is sent unless asked: the SMS the pipeline decides on are
kept as "not_sent" and never enter the outbox, so a replay can never text a
unit by surprise later, and it touches no one else's queued work.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update

from alerts import pipeline
from alerts.core.clock import FakeClock
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Report
from alerts.intake import store as intake
from alerts.messaging.models import Outbox


class ReplayLineError(ValueError):
    pass


@dataclass(frozen=True)
class RecordedMessage:
    line: int
    sender: str
    body: str
    received_at: datetime
    sid: str


def parse_line(line_number: int, raw: str) -> RecordedMessage:
    try:
        item = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ReplayLineError(f"not JSON: {error.msg}") from None
    if not isinstance(item, dict):
        raise ReplayLineError('expected {"from": ..., "body": ..., "received_at": ...}')
    sender, body, when = item.get("from"), item.get("body"), item.get("received_at")
    if not isinstance(sender, str) or not sender.strip():
        raise ReplayLineError("missing `from`")
    if not isinstance(body, str):
        raise ReplayLineError("missing `body`")
    if not isinstance(when, str):
        raise ReplayLineError("missing `received_at`")
    try:
        received_at = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        raise ReplayLineError(f"`received_at` is not an ISO 8601 time: {when!r}") from None
    if received_at.tzinfo is None:
        raise ReplayLineError("`received_at` needs a time zone, e.g. 2026-03-01T04:12:09Z")
    sid = item.get("sid")
    if sid is not None and (not isinstance(sid, str) or not sid.strip() or len(sid) > 64):
        raise ReplayLineError("`sid` must be a string of at most 64 characters")
    # Without a sid, a stable one from the line's content: replaying twice changes nothing.
    digest = hashlib.sha256(raw.strip().encode("utf-8")).hexdigest()[:32]
    return RecordedMessage(
        line_number, sender, body, received_at.astimezone(UTC), sid or f"RP{digest}"
    )


def read_lines(lines: Iterable[str]) -> tuple[list[RecordedMessage], list[dict[str, object]]]:
    """Parsed messages in time order (stable for equal times), and one error per bad line."""
    messages, errors = [], []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            messages.append(parse_line(number, raw))
        except ReplayLineError as error:
            errors.append({"line": number, "error": str(error)})
    messages.sort(key=lambda m: (m.received_at, m.line))
    return messages, errors


def replay(
    ctx: ServiceContext, clock: FakeClock, messages: list[RecordedMessage]
) -> Iterator[dict[str, object]]:
    """Feed each message through intake and the pipeline; yield one result per message."""
    for message in messages:
        clock.set(message.received_at)
        stored = intake.receive(
            ctx.factory,
            ctx.vault,
            intake.InboundSms(message.sid, message.sender, message.body),
            message.received_at,
        )
        outcome = pipeline.process_message(ctx, stored.message_id)
        if stored.outbox is not None:
            # Processed right here: the queue must not process it again.
            _processed_here(ctx, stored.outbox.id, message.received_at)
        yield _result(ctx, message.line, outcome)


def _processed_here(ctx: ServiceContext, outbox_id: int, now: datetime) -> None:
    with write_transaction(ctx.factory) as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id == outbox_id)
            .values(relayed_at=now, claimed_until=None, last_error="processed by replay")
        )


def _result(ctx: ServiceContext, line: int, outcome: pipeline.Outcome) -> dict[str, object]:
    with ctx.factory() as session:
        report = session.get(Report, outcome.report_id) if outcome.report_id else None
        duplicate_of = None
        if outcome.handled_as == "duplicate" and report is not None:
            duplicate_of = report.id
        elif outcome.already_done and report is not None:
            duplicate_of = report.id  # the same sid again: a carrier retry
        new_report = report if duplicate_of is None else None
        return {
            "line": line,
            "report_id": new_report.id if new_report else None,
            "incident_id": outcome.incident_id,
            "duplicate_of": duplicate_of,
            "lat": report.lat if report else None,
            "lon": report.lon if report else None,
            "radius_m": report.radius_m if report else None,
        }
