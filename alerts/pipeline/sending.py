"""Sending one queued SMS, and what an accepted order changes in dispatch.

Messaging may not know dispatch, so the ACK deadline of an order is moved here, in
a transaction of its own right after the send is recorded. Should the worker die
in between, the deadline stays where it was set, earlier: the order escalates
sooner, never later.
"""

from __future__ import annotations

import logging

from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.dispatch import deadlines
from alerts.messaging import outgoing
from alerts.messaging.outgoing import SendOutcome

log = logging.getLogger(__name__)


def send_sms(ctx: ServiceContext, outbound_id: int) -> SendOutcome:
    outcome = outgoing.send(ctx, outbound_id)
    accepted = outcome.accepted
    if accepted is not None:
        with write_transaction(ctx.factory) as session:
            moved = deadlines.count_from_send(
                session, accepted.tasking_id, accepted.queued_at, accepted.sent_at
            )
        if moved:
            log.info("tasking %s: ACK deadline counts from its send, %s after it was queued",
                     accepted.tasking_id, accepted.sent_at - accepted.queued_at)  # fmt: skip
    return outcome
