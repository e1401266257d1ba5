"""A year of a busy mission as the ledger would have written it, seeded.

Each incident: one to four alerts (message in, report located, incident opened
or joined, the informant's auto-reply SMS accepted, sent, delivered), routing
with its candidates, a tasking and its SMS, the unit's replies as messages,
tasking events, confirmations by SMS and unit status changes, closure; some
declined and re-tasked, some silent, some unlocated, some with the attack's end
and a political step recorded. That is the mix the live pipeline writes (an
alert with a whole tasking makes about 30 events, 12 of them of the kinds the
report reads). Times run forwards across the whole chain and every hash is
real, so `alerts audit verify` holds on it too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.timeline.domain.chain import GENESIS_HASH, event_hash

START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_S = 365 * 86_400
THREATS = ("attack", "killing", "abduction", "burning", "looting", "sexual_violence")


@dataclass
class Generated:
    events: list[tuple[Any, ...]]  # rows for COPY, in seq order
    incidents: list[tuple[Any, ...]]
    kinds: dict[str, int]


class _Ids:
    def __init__(self) -> None:
        self.message = self.report = self.tasking = self.sms = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


Row = tuple[datetime, str, str, int | None, int | None, dict[str, Any], str]


def _sms(
    s: Any, at: float, ids: _Ids, rng: random.Random, incident: int | None, purpose: str
) -> Iterator[Row]:
    """An outgoing SMS as the sandbox or Twilio reports it back: accepted, sent, delivered."""
    sms = ids.next("sms")
    for kind in ("sms.accepted", "sms.sent", "sms.delivered"):
        at += rng.uniform(0.5, 15)
        yield s(at), kind, "sms", sms, incident, {"purpose": purpose, "segments": 1}, "system"


def _confirmed(
    s: Any, at: float, ids: _Ids, rng: random.Random, incident: int, unit: int
) -> Iterator[Row]:
    yield from _sms(s, at, ids, rng, incident, "reply")
    yield s(at + 1), "unit.status_changed", "unit", unit, incident, {"to": "tasked"}, "system"


def _replied(
    s: Any,
    at: float,
    ids: _Ids,
    rng: random.Random,
    incident: int,
    unit: int,
    tasking: int,
    kind: str,
) -> Iterator[Row]:
    """A unit's reply: its message, the tasking event, the confirmation and status change."""
    message = ids.next("message")
    yield s(at), "message.received", "message", message, None, {"ref": f"M{message}"}, "system"
    yield s(at), kind, "tasking", tasking, incident, {"message_id": message}, f"unit:QRF-{unit}"
    yield from _confirmed(s, at, ids, rng, incident, unit)


def _incident_events(
    rng: random.Random, ids: _Ids, incident: int, start: datetime, bases: int, units: list[int]
) -> Iterator[Row]:
    def s(seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    located = rng.random() > 0.08
    reports = rng.choice((1, 1, 2, 2, 3, 4))
    for n in range(reports):
        at = n * rng.uniform(30, 900)
        message, report = ids.next("message"), ids.next("report")
        yield s(at), "message.received", "message", message, None, {
            "ref": f"M{message}", "channel": "sms", "sender": f"FP-{message % 997:06d}",
            "provider_sid": f"SM{message:032d}", "chars": 60,
        }, "system"  # fmt: skip
        kind = "alert.located" if located else "alert.unlocated"
        yield s(at + 2), kind, "report", report, None, {
            "message_id": message, "method": "place_name", "lat": 0.5, "lon": 29.4,
            "radius_m": 3000, "confidence": 0.9, "place": "Mavivi", "ambiguous": False,
            "threat": "attack", "severity": 3, "threat_words": ["attaque"],
        }, "system"  # fmt: skip
        opened = "incident.opened" if n == 0 else "incident.report_attached"
        yield s(at + 2), opened, "incident", incident, incident, {
            "report_id": report, "reason": "correlated", "status": "open",
        }, "system"  # fmt: skip
        yield from _sms(s, at + 3, ids, rng, None, "reply")
    if not located:
        return
    base = rng.randrange(1, bases + 1)
    candidates = [
        {"kind": "unit", "id": u, "name": f"QRF-{u}", "distance_m": 12000, "eligible": True,
         "note": "ready", "eta_s": 1800} for u in units[:3]
    ]  # fmt: skip
    yield s(5), "incident.routed", "incident", incident, incident, {
        "base_id": base, "unit_id": units[0], "reason": "aor", "unit_reason": "nearest",
        "eta_s": 1800, "candidates": candidates,
    }, "system"  # fmt: skip
    clock = 6.0
    for attempt in range(2):
        tasking, unit = ids.next("tasking"), rng.choice(units)
        yield s(clock), "tasking.created", "tasking", tasking, incident, {
            "unit": f"QRF-{unit}", "unit_id": unit, "duty_phones": 2,
        }, "system"  # fmt: skip
        yield s(clock), "tasking.sent", "tasking", tasking, incident, {"phone_rank": 0}, "system"
        yield from _sms(s, clock, ids, rng, incident, "tasking")
        clock += 30
        fate = rng.random()
        if fate < 0.05:
            return  # silence: nobody answers
        clock += rng.uniform(60, 600)
        if fate < 0.15 and attempt == 0:
            yield from _replied(s, clock, ids, rng, incident, unit, tasking, "tasking.declined")
            continue
        reply = ids.next("message")
        yield s(clock), "message.received", "message", reply, None, {"ref": f"M{reply}"}, "system"
        actor = f"unit:QRF-{unit}"
        yield s(clock), "tasking.acknowledged", "tasking", tasking, incident, {}, actor
        yield from _confirmed(s, clock, ids, rng, incident, unit)
        if rng.random() < 0.9:
            clock += rng.uniform(120, 1200)
            yield from _replied(s, clock, ids, rng, incident, unit, tasking, "tasking.departed")
            if rng.random() < 0.9:
                clock += rng.uniform(600, 7200)
                yield from _replied(s, clock, ids, rng, incident, unit, tasking, "tasking.arrived")
        clock += rng.uniform(1800, 14_400)
        yield from _replied(s, clock, ids, rng, incident, unit, tasking, "tasking.completed")
        break
    if rng.random() < 0.3:
        ended = s(rng.uniform(600, 10_800))
        yield s(clock + 60), "incident.attack_ended", "incident", incident, incident, {
            "ended_at": ended.isoformat()
        }, "user:joc"  # fmt: skip
        if rng.random() < 0.3:
            yield s(clock + 61), "incident.response_action", "incident", incident, incident, {
                "action": "political_engagement", "at": s(rng.uniform(300, 7200)).isoformat()
            }, "user:joc"  # fmt: skip
    yield s(clock + 120), "incident.closed", "incident", incident, incident, {
        "outcome": ["patrol"]
    }, "user:joc"  # fmt: skip


def generate(total_events: int, seed: int, bases: int, units: list[int]) -> Generated:
    rng = random.Random(seed)
    ids = _Ids()
    raw: list[tuple[datetime, int, str, str, int | None, int | None, dict[str, Any], str]] = []
    incidents: list[tuple[Any, ...]] = []
    incident = 0
    while len(raw) < total_events:
        incident += 1
        start = START + timedelta(seconds=rng.uniform(0, YEAR_S))
        for at, kind, subject_type, subject_id, incident_id, data, actor in _incident_events(
            rng, ids, incident, start, bases, units
        ):
            raw.append((at, len(raw), kind, subject_type, subject_id, incident_id, data, actor))
        threat = rng.choice(THREATS)
        incidents.append(
            (incident, f"B{incident:07d}", "closed", threat, 3, 0.5 + rng.uniform(-1, 1),
             29.4 + rng.uniform(-1, 1), 3000.0, "Mavivi", "MONUSCO", f"Sector {incident % 4}",
             start, start, start, 1)
        )  # fmt: skip
    raw.sort(key=lambda r: (r[0], r[1]))
    del raw[total_events:]
    events: list[tuple[Any, ...]] = []
    kinds: dict[str, int] = {}
    prev = GENESIS_HASH
    for seq, (at, _, kind, subject_type, subject_id, incident_id, data, actor) in enumerate(
        raw, start=1
    ):
        digest = event_hash(
            prev_hash=prev, seq=seq, occurred_at=at, actor=actor, kind=kind,
            subject_type=subject_type, subject_id=subject_id, incident_id=incident_id, data=data,
        )  # fmt: skip
        events.append(
            (seq, at, actor, kind, subject_type, subject_id, incident_id, json.dumps(data),
             prev, digest)
        )  # fmt: skip
        kinds[kind] = kinds.get(kind, 0) + 1
        prev = digest
    return Generated(events, incidents, kinds)
