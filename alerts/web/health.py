"""Liveness and readiness.

`/healthz` answers while the process serves requests: for a proxy or an
orchestrator deciding whether to restart it. `/readyz` answers 200 only when the
system can carry an alert end to end: the database, Redis with room for jobs, a
live scheduler, and a backlog within bounds; otherwise 503, naming what failed.
It is for monitoring: never take the web tier out of service on it, since the
webhook stores SMS even when Redis or the workers are down.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from redis import Redis

from alerts.core.settings import Settings
from alerts.pipeline.health import readiness
from alerts.web.context import web_context
from workers.health import probe_client, redis_state

bp = Blueprint("health", __name__)

_PROBE = "alerts_redis_probe"


def register(app: Flask, settings: Settings) -> None:
    app.extensions[_PROBE] = probe_client(settings.redis_url)
    app.register_blueprint(bp)


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> tuple[dict[str, object], int]:
    ctx = web_context()
    redis: Redis = current_app.extensions[_PROBE]
    checks = readiness(ctx.factory, redis_state(redis), ctx.clock.now(), ctx.settings.health)
    failing = [check.name for check in checks if not check.ok]
    body: dict[str, object] = {
        "status": "failing" if failing else "ok",
        "failing": failing,
        "checks": {
            check.name: {"ok": check.ok, "problem": check.problem, **check.facts}
            for check in checks
        },
    }
    return body, 503 if failing else 200
