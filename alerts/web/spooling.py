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
    _drainer().wake()
    return ref


def start_draining() -> None:
    """Before each request: make sure this process drains this app's spool."""
    _drainer().ensure(web_context())


def install(app: Flask) -> None:
    app.extensions[_DRAINER] = Drainer()
    app.before_request(start_draining)


def _drainer() -> Drainer:
    drainer: Drainer = current_app.extensions[_DRAINER]
    return drainer


_DRAINER = "alerts_spool_drainer"


class Drainer:
    """One app's drainer: a thread per process, started after gunicorn forks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._wake = threading.Event()

    def ensure(self, ctx: WebContext) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            threading.Thread(
                target=self._run, args=(ctx,), name="spool-drainer", daemon=True
            ).start()

    def wake(self) -> None:
        self._wake.set()

    def _run(self, ctx: WebContext) -> None:
        while True:
            self._wake.wait(DRAIN_EVERY_S)
            self._wake.clear()
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
