"""The events dispatch records: routing, orders and the units' replies, deadlines,
escalation, non-compliance, unit readiness and call-backs.

Names in the data are callsigns and pseudonyms, never a phone number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from alerts.dispatch.domain.escalation_chain import Trigger
from alerts.dispatch.domain.routing import RouteDecision
from alerts.dispatch.domain.tasking import ReplyKind, StandDownKind, TaskingStatus
from alerts.registry.domain.units import UnitStatus
from alerts.timeline.domain.kinds import NOT_DATA, EventData, EventKind, key

# --- routing and orders ---


@dataclass(frozen=True)
class IncidentRouted(EventData):
    """The routing decision, candidates and all, exactly as the incident keeps it."""

    kind: ClassVar = EventKind.INCIDENT_ROUTED
    decision: RouteDecision

    def data(self) -> dict[str, Any]:
        return self.decision.as_record()


@dataclass(frozen=True)
class IncidentToVerify(EventData):
    kind: ClassVar = EventKind.INCIDENT_TO_VERIFY
    threat: str
    severity: int
    policy: str


@dataclass(frozen=True)
class TaskingCreated(EventData):
    """`routing_choice` is the unit routing would have tasked: an override shows."""

    kind: ClassVar = EventKind.TASKING_CREATED
    unit: str
    unit_id: int
    base_id: int
    duty_phones: int
    eta_s: int | None
    ack_due_at: datetime | None
    routing_choice: int | None
    override_reason: str | None


@dataclass(frozen=True)
class TaskingNoDutyPhone(EventData):
    kind: ClassVar = EventKind.TASKING_NO_DUTY_PHONE
    unit: str


# --- replies ---


@dataclass(frozen=True)
class TaskingReplied(EventData):
    """A unit's accepted reply; a refusal's own words (`reason`) kept verbatim."""

    kind: ReplyKind = field(metadata=NOT_DATA)
    unit: str
    from_status: TaskingStatus
    message_id: int
    from_phone: str
    reason: str | None
    overdue: list[dict[str, object]] | None  # deadlines already past when it came


@dataclass(frozen=True)
class TaskingReplyRefused(EventData):
    kind: ClassVar = EventKind.REPLY_REFUSED
    verb: str
    status: TaskingStatus
    message_id: int
    note: str


@dataclass(frozen=True)
class ContactReplyRefused(EventData):
    kind: ClassVar = EventKind.REPLY_REFUSED
    sender: str
    ref: str
    role: str = "contact"
    note: str = "no escalation of this incident was sent to this contact"


@dataclass(frozen=True)
class ReplyUnknownRef(EventData):
    kind: ClassVar = EventKind.REPLY_UNKNOWN_REF
    sender: str
    ref: str | None
    verb: str


@dataclass(frozen=True)
class ReplyNotUnderstood(EventData):
    kind: ClassVar = EventKind.REPLY_NOT_UNDERSTOOD
    sender: str


@dataclass(frozen=True)
class ContactReplyNotUnderstood(ReplyNotUnderstood):
    role: str = "contact"


@dataclass(frozen=True)
class TaskingStoodDown(EventData):
    kind: StandDownKind = field(metadata=NOT_DATA)
    unit: str
    reason: str


@dataclass(frozen=True)
class TaskingMoved(EventData):
    """An open order followed its incident's reports (a merge, or the undoing of a
    merge or a split): the unit keeps it, and its pending deadlines go with it.

    `operation` is the event of the merge, split or undo that moved it;
    `escalation` is where the receiving incident now stands on the chain.
    """

    kind: ClassVar = EventKind.TASKING_MOVED
    unit: str
    from_: int = field(metadata=key("from"))
    from_ref: str
    to: int
    to_ref: str
    status: TaskingStatus
    deadlines: list[str]
    operation: int
    escalation: dict[str, int]


# --- deadlines and escalation ---


@dataclass(frozen=True)
class DeadlineMissed(EventData):
    kind: ClassVar = EventKind.TASKING_DEADLINE_MISSED
    deadline: str
    due_at: datetime
    late_ms: int


@dataclass(frozen=True)
class TaskingResent(EventData):
    kind: ClassVar = EventKind.TASKING_RESENT
    phone_rank: int
    times: int
    ack_due_at: datetime


@dataclass(frozen=True)
class TaskingLapsed(EventData):
    kind: ClassVar = EventKind.TASKING_LAPSED
    unit: str
    trigger: Trigger


@dataclass(frozen=True)
class EscalationNotNeeded(EventData):
    """Another unit holds the order: the failure is on record, nothing escalates."""

    kind: ClassVar = EventKind.ESCALATION_NOT_NEEDED
    trigger: Trigger
    tasking_id: int
    unit: str
    responding: str


@dataclass(frozen=True)
class EscalationStep(EventData):
    kind: ClassVar = EventKind.ESCALATION_STEP
    trigger: Trigger
    tasking_id: int
    unit: str
    steps_taken: list[int]
    resent: bool
    next_unit: str | None
    notified: list[str]
    exhausted: bool


@dataclass(frozen=True)
class EscalationExhausted(EventData):
    kind: ClassVar = EventKind.ESCALATION_EXHAUSTED
    trigger: Trigger
    advice: str = "no automatic step is left: the JOC must act"


@dataclass(frozen=True)
class EscalationNotified(EventData):
    kind: ClassVar = EventKind.ESCALATION_NOTIFIED
    role: str
    contact: str
    sms_id: int
    trigger: Trigger


@dataclass(frozen=True)
class EscalationNoContact(EventData):
    kind: ClassVar = EventKind.ESCALATION_NO_CONTACT
    role: str
    advice: str

    @classmethod
    def for_role(cls, role: str) -> EscalationNoContact:
        return cls(role, f"add a {role} to the mission's network file contacts")


@dataclass(frozen=True)
class EscalationRenotified(EventData):
    """A contact's SMS failed; it went again to their next phone."""

    kind: ClassVar = EventKind.ESCALATION_RENOTIFIED
    contact: str
    failed_sms: int
    sms_id: int


@dataclass(frozen=True)
class EscalationUnreachable(EventData):
    kind: ClassVar = EventKind.ESCALATION_UNREACHABLE
    contact: str
    failed_sms: int
    advice: str = "no other phone for this contact: call them"


@dataclass(frozen=True)
class EscalationStopped(EventData):
    kind: ClassVar = EventKind.ESCALATION_STOPPED
    by: str
    step: int


@dataclass(frozen=True)
class EscalationAcknowledged(EventData):
    kind: ClassVar = EventKind.ESCALATION_ACKNOWLEDGED
    by: str
    contact_id: int | None
    deadlines_cancelled: int
    message_id: int | None


@dataclass(frozen=True)
class NoncomplianceRecorded(EventData):
    """A refusal or failure; `occurred_at` is when the unit failed, not when seen."""

    kind: ClassVar = EventKind.NONCOMPLIANCE_RECORDED
    category: str
    trigger: Trigger
    reason_code: str
    reason: str | None
    unit: str
    unit_id: int
    base_id: int
    country: str | None
    tasking_id: int
    occurred_at: datetime


@dataclass(frozen=True)
class UnitStatusChanged(EventData):
    kind: ClassVar = EventKind.UNIT_STATUS_CHANGED
    unit: str
    from_: UnitStatus = field(metadata=key("from"))
    to: UnitStatus
    cause: str


# --- call-backs ---


@dataclass(frozen=True)
class CallbackCreated(EventData):
    kind: ClassVar = EventKind.CALLBACK_CREATED
    ref: str
    caller: str
    cla: str | None
    advice: str | None


@dataclass(frozen=True)
class CallbackRefused(EventData):
    kind: ClassVar = EventKind.CALLBACK_REFUSED
    by: str
    verb: str
    reason: str


@dataclass(frozen=True)
class CallerNumberRevealed(EventData):
    """A caller's number sent to the CLA who calls them back."""

    kind: ClassVar = EventKind.SENDER_NUMBER_REVEALED
    pseudonym: str
    reason: str
    to: str
    channel: str = "sms"


@dataclass(frozen=True)
class CallbackDone(EventData):
    kind: ClassVar = EventKind.CALLBACK_DONE
    by: str
    note: str | None


@dataclass(frozen=True)
class CallbackUndelivered(EventData):
    kind: ClassVar = EventKind.CALLBACK_UNDELIVERED
    advice: str = "the CLA's call-back SMS failed: call the caller back from the JOC"
