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
import time

from flask import Flask, abort, current_app
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
    _drainer().start(ctx)
    return ref


def start_draining() -> None:
    """Before a process's first request: drain what an earlier run left in the spool."""
    _drainer().first_request(web_context())


def install(app: Flask) -> None:
    app.extensions[_DRAINER] = Drainer()
    app.before_request(start_draining)


def _drainer() -> Drainer:
    drainer: Drainer = current_app.extensions[_DRAINER]
    return drainer


_DRAINER = "alerts_spool_drainer"


class Drainer:
    """One app's drainer in this process: a thread that runs only while its spool holds
    something, so an idle app keeps no thread (nor, through it, its connections)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_in: int | None = None  # the process that looked at start-up
        self._thread: threading.Thread | None = None

    def first_request(self, ctx: WebContext) -> None:
        if self._checked_in == os.getpid():
            return
        self._checked_in = os.getpid()
        if ctx.spool.pending():
            self.start(ctx)

    def start(self, ctx: WebContext) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._run, args=(ctx,), name="spool-drainer", daemon=True
            )
            self._thread.start()

    def _run(self, ctx: WebContext) -> None:
        while True:
            time.sleep(DRAIN_EVERY_S)
            try:
                drain(ctx)
            except Exception:
                log.exception("spool drainer failed; retrying")
            with self._lock:
                # Under the lock: a file spooled now either is seen here, or finds this
                # thread gone and starts another.
                if not ctx.spool.pending():
                    self._thread = None
                    return


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
