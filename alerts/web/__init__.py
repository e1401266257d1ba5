"""The web application: Twilio webhooks and the JOC console."""

from __future__ import annotations

import os

from flask import Flask

from alerts.bootstrap import service_context
from alerts.core.clock import Clock
from alerts.core.db.clock import DatabaseClock
from alerts.core.db.session import make_engine, session_factory
from alerts.core.ports import JobQueue
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.intake.spool import Spool
from alerts.messaging.outbox import RelayedMarks
from alerts.timeline import live
from alerts.timeline.live_redis import RedisPublisher
from alerts.web import console, errors, health, sms, spooling, voice
from alerts.web.context import WebContext
from alerts.web.proxies import trust_proxies
from workers.queue import RqJobQueue


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    queue: JobQueue | None = None,
) -> Flask:
    settings = settings or Settings.from_env(os.environ)
    if queue is None:
        queue = RqJobQueue.from_url(settings.redis_url)
    app = Flask(__name__)
    trust_proxies(app, settings.proxy_hops)
    app.config.update(
        SECRET_KEY=settings.require_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
    )
    engine = make_engine(settings.database_url, settings.db_timeouts)
    clock = clock or DatabaseClock(engine)  # every host tells the database's time
    factory = session_factory(engine)
    vault = PhoneVault(settings.require_data_key(), settings.data_key_previous)
    context = WebContext(
        settings=settings,
        factory=factory,
        vault=vault,
        clock=clock,
        queue=queue,
        relayed=RelayedMarks(factory),
        services=service_context(settings, clock=clock, engine=engine),
        spool=Spool(settings.spool_dir, vault),
    )
    spooling.install(app)
    # Open consoles, in this worker and every other, hear of this app's commits.
    publisher = RedisPublisher(settings.redis_url)
    live.publish_after_commit(context.factory, publisher)
    live.publish_after_commit(context.services.factory, publisher)
    app.extensions["alerts"] = context
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    health.register(app, settings)
    errors.register(app)
    console.register(app, settings)
    return app
