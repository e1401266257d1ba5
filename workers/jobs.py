"""RQ jobs. Thin: an id in, a service call, a small dict of what happened out."""

from __future__ import annotations

from alerts import pipeline
from alerts.messaging import outbox
from alerts.pipeline import sending, unprocessed
from workers import context


def process_message(message_id: int) -> dict[str, int | str | None]:
    setup = context.current()
    services = setup.services()
    try:
        outcome = pipeline.process_message(services, message_id)
    except Exception as error:
        # Kept for the console's stuck list; RQ retries, then the scheduler's sweep.
        unprocessed.record_failure(services.factory, message_id, error, services.clock.now())
        raise
    relayed = outbox.relay(services.factory, setup.queue(), services.clock.now())
    return {
        "message_id": message_id,
        "handled_as": outcome.handled_as,
        "incident_id": outcome.incident_id,
        "tasking_id": outcome.tasking_id,
        "relayed": relayed,
    }


def send_sms(outbound_id: int) -> dict[str, int | str | None]:
    services = context.current().services()
    result = sending.send_sms(services, outbound_id)
    return {"outbound_id": outbound_id, "status": result.status}
