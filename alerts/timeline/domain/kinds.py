"""Every kind of event the timeline holds, and the shape of a typed event.

The values are the strings already in the chain: a kind's spelling is hashed
into every event after it, so a member is never renamed, only added.

Each feature declares its events in its own `domain/events.py`, one frozen
dataclass per kind and shape, whose fields are the keys of the event's JSON
data. `ledger.record` takes such a payload, so mypy catches a misspelled kind,
a missing field or one too many before an event is ever written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Protocol


class EventKind(StrEnum):
    ALERT_LOCATED = "alert.located"
    ALERT_RELAYED = "alert.relayed"
    ALERT_UNLOCATED = "alert.unlocated"
    CALLBACK_CREATED = "callback.created"
    CALLBACK_DONE = "callback.done"
    CALLBACK_REFUSED = "callback.refused"
    CALLBACK_UNDELIVERED = "callback.undelivered"
    ESCALATION_ACKNOWLEDGED = "escalation.acknowledged"
    ESCALATION_EXHAUSTED = "escalation.exhausted"
    ESCALATION_NO_CONTACT = "escalation.no_contact"
    ESCALATION_NOT_NEEDED = "escalation.not_needed"
    ESCALATION_NOTIFIED = "escalation.notified"
    ESCALATION_RENOTIFIED = "escalation.renotified"
    ESCALATION_STEP = "escalation.step"
    ESCALATION_STOPPED = "escalation.stopped"
    ESCALATION_UNREACHABLE = "escalation.unreachable"
    HISTORY_IMPORTED = "history.imported"
    INCIDENT_ATTACK_ENDED = "incident.attack_ended"
    INCIDENT_CLOSED = "incident.closed"
    INCIDENT_CONTINUATION_LINKED = "incident.continuation_linked"
    INCIDENT_FALSE_ALARM = "incident.false_alarm"
    INCIDENT_MERGE_UNDONE = "incident.merge_undone"
    INCIDENT_MERGED = "incident.merged"
    INCIDENT_NOTE = "incident.note"
    INCIDENT_OPENED = "incident.opened"
    INCIDENT_RELOCATED = "incident.relocated"
    INCIDENT_REOPENED = "incident.reopened"
    INCIDENT_REPORT_ATTACHED = "incident.report_attached"
    INCIDENT_RESPONSE_ACTION = "incident.response_action"
    INCIDENT_ROUTED = "incident.routed"
    INCIDENT_SPLIT = "incident.split"
    INCIDENT_SPLIT_UNDONE = "incident.split_undone"
    INCIDENT_TO_VERIFY = "incident.to_verify"
    INCIDENT_VERIFIED = "incident.verified"
    MESSAGE_DUPLICATE = "message.duplicate"
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_RECOVERED = "message.recovered"
    MESSAGE_REQUEUED = "message.requeued"
    MESSAGE_STAFF_BEEP = "message.staff_beep"
    MESSAGE_STUCK = "message.stuck"
    NETWORK_LOADED = "network.loaded"
    NONCOMPLIANCE_RECORDED = "noncompliance.recorded"
    REPLY_NOT_UNDERSTOOD = "reply.not_understood"
    REPLY_REFUSED = "reply.refused"
    REPLY_UNKNOWN_REF = "reply.unknown_ref"
    REPORT_FULL_EXPORT = "report.full_export"
    SENDER_FIRST_SEEN = "sender.first_seen"
    SENDER_NUMBER_REVEALED = "sender.number_revealed"
    SENDER_NUMBERS_ERASED = "sender.numbers_erased"
    SENDER_NUMBERS_REKEYED = "sender.numbers_rekeyed"
    SENDER_REVEAL_REFUSED = "sender.reveal_refused"
    SENDER_RETIRED = "sender.retired"
    SMS_QUEUE_ALARM = "sms.queue_alarm"
    SMS_RETRYING = "sms.retrying"
    # One per delivery state a status callback reports (messaging.domain.delivery).
    SMS_ACCEPTED = "sms.accepted"
    SMS_SENT_TWICE = "sms.sent_twice"
    SMS_SCHEDULED = "sms.scheduled"
    SMS_QUEUED = "sms.queued"
    SMS_SENDING = "sms.sending"
    SMS_SENT = "sms.sent"
    SMS_RECEIVING = "sms.receiving"
    SMS_RECEIVED = "sms.received"
    SMS_DELIVERED = "sms.delivered"
    SMS_READ = "sms.read"
    SMS_UNDELIVERED = "sms.undelivered"
    SMS_FAILED = "sms.failed"
    SMS_CANCELED = "sms.canceled"
    TASKING_ACKNOWLEDGED = "tasking.acknowledged"
    TASKING_ARRIVED = "tasking.arrived"
    TASKING_CANCELLED = "tasking.cancelled"
    TASKING_COMPLETED = "tasking.completed"
    TASKING_CREATED = "tasking.created"
    TASKING_DEADLINE_MISSED = "tasking.deadline_missed"
    TASKING_DECLINED = "tasking.declined"
    TASKING_DEPARTED = "tasking.departed"
    TASKING_LAPSED = "tasking.lapsed"
    TASKING_MOVED = "tasking.moved"
    TASKING_NO_DUTY_PHONE = "tasking.no_duty_phone"
    TASKING_RESENT = "tasking.resent"
    TASKING_SENT = "tasking.sent"
    # Written once, by migration 0008: the hash chain's head as the log took it over.
    TIMELINE_CHAIN_MIGRATED = "timeline.chain_migrated"
    UNIT_STATUS_CHANGED = "unit.status_changed"
    USER_ADDED = "user.added"
    USER_DISABLED = "user.disabled"
    USER_PASSWORD_RESET = "user.password_reset"


class Payload(Protocol):
    """What `ledger.record` appends: a kind and the JSON data that goes with it."""

    @property
    def kind(self) -> EventKind: ...

    def data(self) -> dict[str, Any]: ...


_KEY = "event_key"
_NOT_DATA = "event_not_data"


def key(name: str) -> Mapping[str, object]:
    """Field metadata, `field(metadata=key("from"))`: the field is stored under a key
    the data has always used that is no Python name."""
    return {_KEY: name}


# Field metadata, `field(metadata=NOT_DATA)`: the field chooses the kind of a family
# of events and is not itself data.
NOT_DATA: Mapping[str, object] = {_NOT_DATA: True}


@dataclass(frozen=True)
class EventData:
    """Base of the typed payloads: each field is one key of the event's data.

    A payload of one kind declares `kind: ClassVar = EventKind.<MEMBER>`; a
    family with one shape (the replies to a tasking) takes its kind as a
    `field(metadata=NOT_DATA)`, typed as a `Literal` of the family's members.
    """

    def data(self) -> dict[str, Any]:
        return {
            f.metadata.get(_KEY, f.name): getattr(self, f.name)
            for f in fields(self)
            if not f.metadata.get(_NOT_DATA)
        }
