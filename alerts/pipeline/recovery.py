"""SMS that never reached us, fetched back from the provider.

Twilio does not retry an SMS webhook that failed: an SMS sent while the web tier
was down or unreachable exists only in Twilio's records. The scheduler asks for
them: every SMS received for the alert number since the last pass (a watermark,
kept as the recoverer's heartbeat), less a margin for the provider's lag, and
stores each one it does not hold, at the time the provider received it. The
timeline says it was recovered; then it is processed like any other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from alerts.core.context import ServiceContext
from alerts.core.ports import Inbox, JobQueue, ReceivedSms
from alerts.intake.models import InboundMessage
from alerts.intake.store import InboundSms, receive
from alerts.messaging import outbox
from alerts.pipeline import health

log = logging.getLogger(__name__)

RECOVERER = "recoverer"
# The provider may list an SMS a little after it received it, and clocks differ.
OVERLAP = timedelta(minutes=5)


@dataclass(frozen=True)
class Recovery:
    listed: int
    recovered: int


def recover_missed(
    ctx: ServiceContext,
    inbox: Inbox,
    number: str,
    queue: JobQueue,
    *,
    first_lookback: timedelta,
) -> Recovery:
    """Store the SMS the provider received for `number` that we do not hold.

    From the last pass's start, less `OVERLAP`; the first pass looks back
    `first_lookback`. The watermark moves only once every SMS listed is stored,
    so a pass that fails is simply repeated.
    """
    started = ctx.clock.now()
    since = _watermark(ctx, started - first_lookback) - OVERLAP
    listed = inbox.received(number, since)
    missing = _not_held(ctx, listed)
    for sms in missing:
        late = InboundSms(
            sms.provider_sid,
            sms.from_number,
            sms.body,
            sms.num_segments,
            received_at=sms.sent_at,
            recovered_from="twilio",
        )
        stored = receive(ctx.factory, ctx.vault, late, ctx.clock.now())
        if stored.outbox is not None:
            outbox.hand_over(ctx.factory, queue, stored.outbox, ctx.clock.now())
    if missing:
        log.warning("recovered %d SMS the webhook never received", len(missing))
    health.beat(ctx.factory, RECOVERER, started, {"until": started.isoformat()})
    return Recovery(len(listed), len(missing))


def _watermark(ctx: ServiceContext, default: datetime) -> datetime:
    with ctx.factory() as session:
        last = health.last_beat(session, RECOVERER)
    if last is None or not isinstance(last.seen.get("until"), str):
        return default
    return datetime.fromisoformat(last.seen["until"])


def _not_held(ctx: ServiceContext, listed: list[ReceivedSms]) -> list[ReceivedSms]:
    sids = [sms.provider_sid for sms in listed]
    held: set[str] = set()
    with ctx.factory() as session:
        for start in range(0, len(sids), 500):
            held.update(
                session.scalars(
                    select(InboundMessage.provider_sid).where(
                        InboundMessage.provider_sid.in_(sids[start : start + 500])
                    )
                )
            )
    return [sms for sms in listed if sms.provider_sid not in held]
