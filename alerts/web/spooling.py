"""The webhook's fallback when the database cannot take an SMS, and its drainer.

See `alerts.intake.spool`. The drainer is a thread in each web process, started
with the process's first request (after gunicorn forks, so every worker has its
own); each spooled file is locked while stored, so two workers never store it
together, and storing is idempotent on the sid anyway.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import abort
from sqlalchemy.exc import SQLAlchemyError

from alerts.intake.spool import SpoolError
from alerts.intake.store import InboundSms
from alerts.messaging import outbox
from alerts.web.context import WebContext, web_context

log = logging.getLogger(__name__)

DRAIN_EVERY_S = 2.0


def keep(ctx: WebContext, sms: InboundSms) -> str:
    """Spool `sms` and return its reference; 503 if even the spool cannot take it."""
    try:
        ref = ctx.spool.keep(sms, ctx.clock.now())
    except SpoolError as error:
        log.critical("inbound %s could be stored nowhere: %s", sms.provider_sid, error)
        abort(503, description="the SMS cannot be stored now; the provider should try again")
    log.error("database unavailable: inbound %s kept in the spool as %s", sms.provider_sid, ref)
    _Drainer.wake()
    return ref


def start_draining() -> None:
    """Before each request: make sure this process drains its host's spool."""
    _Drainer.ensure(web_context())


class _Drainer:
    _lock = threading.Lock()
    _pid: int | None = None
    _wake = threading.Event()

    @classmethod
    def ensure(cls, ctx: WebContext) -> None:
        if cls._pid == os.getpid():
            return
        with cls._lock:
            if cls._pid == os.getpid():
                return
            cls._pid = os.getpid()
            threading.Thread(
                target=cls._run, args=(ctx,), name="spool-drainer", daemon=True
            ).start()

    @classmethod
    def wake(cls) -> None:
        cls._wake.set()

    @classmethod
    def _run(cls, ctx: WebContext) -> None:
        while True:
            cls._wake.wait(DRAIN_EVERY_S)
            cls._wake.clear()
            try:
                drain(ctx)
            except Exception:
                log.exception("spool drainer failed; retrying")


def drain(ctx: WebContext) -> int:
    """Move what the spool holds into the database, and hand each to the queue."""
    if not ctx.spool.pending():
        return 0
    try:
        stored = ctx.spool.drain(ctx.factory, ctx.clock.now())
    except SQLAlchemyError as error:
        log.warning("spool: database still unavailable (%s)", type(error).__name__)
        return 0
    for result in stored:
        if result.outbox is not None:
            try:
                outbox.hand_over(ctx.factory, ctx.queue, result.outbox, ctx.clock.now())
            except Exception:
                log.exception("outbox hand-over failed; the scheduler will retry")
    if stored:
        log.warning("spool: %d SMS moved into the database", len(stored))
    return len(stored)
