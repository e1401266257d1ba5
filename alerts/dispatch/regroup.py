"""Orders follow the reports when an officer merges or splits incidents.

Correlation moves the reports (`correlation.merge_split`) and knows nothing of
units; this module does what the move means for them, in the same transaction:

- a merge carries the absorbed incident's open taskings, and their deadlines, to
  the surviving incident: the units keep their orders and the scheduler still
  fires their deadlines (left on a merged incident, they were settled as moot and
  the unit stayed tasked for ever). Merged into an incident already over, they
  are stood down instead;
- a split-off incident is routed like any new one, under the tasking policy;
- undoing a merge takes back the orders it moved that are still open, and
  undoing a split carries the split-off incident's orders back to the original.
  An incident left with no open order is routed again.

Each moved tasking is a `tasking.moved` event naming the operation that moved it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.correlation import merge_split
from alerts.correlation.domain.status import FINAL, FINISHED
from alerts.correlation.holding import hold_incidents
from alerts.correlation.models import Incident
from alerts.dispatch import deadlines
from alerts.dispatch.domain.escalation_chain import Position, merged
from alerts.dispatch.domain.events import TaskingMoved
from alerts.dispatch.domain.tasking import without_orders
from alerts.dispatch.models import Tasking
from alerts.dispatch.orders import follow_taskings, has_open_tasking, route_if_ready
from alerts.dispatch.stand_down import open_taskings, stand_down
from alerts.registry.models import Unit
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event


def merge(
    session: Session,
    ctx: ServiceContext,
    *,
    survivor_id: int,
    absorbed_id: int,
    actor: str,
    reason: str,
) -> Event:
    """Merge `absorbed` into `survivor`; its open orders go with its reports."""
    # Both incidents before any unit (see `hold_rows`); correlation holds them again.
    held = hold_incidents(session, [survivor_id, absorbed_id])
    event = merge_split.merge(
        session,
        ctx.clock.now(),
        ctx.correlation,
        survivor_id=survivor_id,
        absorbed_id=absorbed_id,
        actor=actor,
        reason=reason,
    )
    _carry(session, ctx, held[absorbed_id], held[survivor_id], event, actor)
    return event


def split(
    session: Session,
    ctx: ServiceContext,
    *,
    incident_id: int,
    report_ids: list[int],
    actor: str,
    reason: str,
) -> Incident:
    """Split reports off into a new incident, routed and tasked as a new one would be."""
    created = merge_split.split(
        session,
        ctx.clock.now(),
        ctx.correlation,
        incident_id=incident_id,
        report_ids=report_ids,
        actor=actor,
        reason=reason,
    )
    # Nobody else can see the new incident before this commits: no need to hold it.
    route_if_ready(session, ctx, created)
    return created


def undo(session: Session, ctx: ServiceContext, *, event_id: int, actor: str, reason: str) -> Event:
    """Undo a merge or a split; the orders it moved move back, and none is lost."""
    done = merge_split.undo(
        session, ctx.clock.now(), ctx.correlation, event_id=event_id, actor=actor, reason=reason
    )
    undone = session.get(Event, event_id)
    assert undone is not None  # correlation refused the undo otherwise
    data = undone.data
    if undone.kind == EventKind.INCIDENT_MERGED:
        restored, survivor = _incidents(session, int(data["absorbed"]), int(data["into"]))
        moved_by_merge = _moved_by(session, survivor.id, event_id)
        taking_back = [t for t in open_taskings(session, survivor.id) if t.id in moved_by_merge]
        _move(session, ctx, taking_back, survivor, restored, done, actor)
        _resume(session, ctx, survivor)
        _resume(session, ctx, restored)
    else:
        original, emptied = _incidents(session, int(data["from"]), int(data["new"]))
        _carry(session, ctx, emptied, original, done, actor)
        _resume(session, ctx, original)
    return done


def _incidents(session: Session, *ids: int) -> list[Incident]:
    """Incidents correlation holds already."""
    found = [session.get(Incident, incident_id) for incident_id in ids]
    assert all(found)
    return found  # type: ignore[return-value]


def _carry(
    session: Session,
    ctx: ServiceContext,
    source: Incident,
    target: Incident,
    operation: Event,
    actor: str,
) -> None:
    """Every open order of `source` to `target`; stood down if `target` is over."""
    if target.status in FINAL:
        why = f"merged into {target.ref}, which is {target.status.replace('_', ' ')}"
        stand_down(session, ctx, source, why, actor=actor)
    else:
        _move(session, ctx, open_taskings(session, source.id), source, target, operation, actor)


def _move(
    session: Session,
    ctx: ServiceContext,
    taskings: list[Tasking],
    source: Incident,
    target: Incident,
    operation: Event,
    actor: str,
) -> None:
    """Carry open taskings and their pending deadlines from `source` to `target`.

    The units keep their orders and their status. `target` stands on the escalation
    chain where the further of the two stood, and its status follows its taskings.
    """
    if not taskings:
        return
    now = ctx.clock.now()
    at = merged(
        Position(target.escalation_step, target.escalation_uses),
        Position(source.escalation_step, source.escalation_uses),
    )
    target.escalation_step, target.escalation_uses = at.step, at.uses
    for tasking in taskings:
        tasking.incident_id, tasking.updated_at = target.id, now
        kinds = deadlines.move(session, tasking.id, target.id)
        callsign = session.scalar(select(Unit.callsign).where(Unit.id == tasking.unit_id))
        ledger.record(
            session,
            now,
            TaskingMoved(unit=str(callsign), from_=source.id, from_ref=source.ref, to=target.id,
                         to_ref=target.ref, status=tasking.status, deadlines=kinds,
                         operation=operation.id, escalation={"step": at.step, "uses": at.uses}),
            Subject("tasking", tasking.id),
            actor=actor,
            incident_id=target.id,
        )  # fmt: skip
    session.flush()
    follow_taskings(session, target)


def _moved_by(session: Session, incident_id: int, operation: int) -> set[int]:
    """The taskings an operation moved to this incident."""
    return {
        int(event.subject_id)
        for event in session.scalars(
            select(Event).where(
                Event.kind == EventKind.TASKING_MOVED,
                Event.incident_id == incident_id,
                Event.subject_type == "tasking",
            )
        )
        if event.data.get("operation") == operation and event.subject_id is not None
    }


def _resume(session: Session, ctx: ServiceContext, incident: Incident) -> None:
    """An incident back on its own: with no open order, it is routed again."""
    if incident.status in FINISHED:
        return
    if has_open_tasking(session, incident.id):
        follow_taskings(session, incident)
        return
    incident.status = without_orders(incident.status)
    route_if_ready(session, ctx, incident)
