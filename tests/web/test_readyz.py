"""/readyz names what keeps the system from carrying an alert end to end, and the
console's alarm shows a heartbeat gone stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask.testing import FlaskClient
from rq import Queue, Worker
from rq.utils import utcformat

from alerts.core.domain.health import HealthBounds
from alerts.web import create_app
from tests.live import FOCAL_POINT_KIWANJA, LiveSystem
from tests.private_redis import private_redis
from tests.web.console.helpers import add_user, logged_in_client
from workers.queue import QUEUE_NAME


def probe(system: LiveSystem, **changes: object) -> FlaskClient:
    """A web process of this system, with these settings changed."""
    return create_app(system.settings.replace(**changes), clock=system.clock).test_client()


def ready(client: FlaskClient) -> tuple[int, dict[str, object]]:
    response = client.get("/readyz")
    return response.status_code, response.get_json()


def test_ready_when_every_part_answers(system: LiveSystem) -> None:
    system.beat()
    status, body = ready(probe(system))
    assert (status, body["status"], body["failing"]) == (200, "ok", [])
    assert body["checks"]["backlog"] == {  # type: ignore[index]
        "ok": True,
        "problem": None,
        "unprocessed": 0,
        "unrelayed": 0,
    }
    assert probe(system).get("/healthz").status_code == 200


def test_not_ready_when_redis_is_down(system: LiveSystem, tmp_path: Path) -> None:
    system.beat()
    with private_redis(tmp_path) as redis:
        client = probe(system, redis_url=redis.url)
        assert ready(client)[0] == 200
        redis.kill()
        status, body = ready(client)
    assert (status, body["failing"]) == (503, ["redis"])
    assert body["checks"]["redis"]["problem"] == "unreachable: ConnectionError"  # type: ignore[index]
    assert probe(system).get("/healthz").status_code == 200  # alive all the same


def test_not_ready_when_the_scheduler_heartbeat_is_stale(system: LiveSystem) -> None:
    client = probe(system)
    status, body = ready(client)
    assert (status, body["failing"]) == (503, ["scheduler"])
    assert body["checks"]["scheduler"]["problem"] == "no heartbeat ever recorded"  # type: ignore[index]
    system.beat()
    assert ready(client)[0] == 200
    system.clock.advance(timedelta(seconds=31))  # type: ignore[attr-defined]
    status, body = ready(client)
    assert (status, body["failing"]) == (503, ["scheduler"])
    assert body["checks"]["scheduler"]["problem"] == "last heartbeat 31 s ago (limit 30 s)"  # type: ignore[index]


def test_not_ready_when_the_backlog_is_over_its_bound(system: LiveSystem) -> None:
    system.beat()
    client = probe(system, health=HealthBounds(max_unprocessed=1))
    system.text(FOCAL_POINT_KIWANJA, "Attaque en cours 0.5447, 29.4639")
    assert ready(client)[0] == 200  # one waiting: within the bound
    system.text(FOCAL_POINT_KIWANJA, "Attaque en cours 0.5447, 29.4639 encore")
    status, body = ready(client)
    assert (status, body["failing"]) == (503, ["backlog"])
    assert body["checks"]["backlog"]["problem"] == "more than 1 messages unprocessed"  # type: ignore[index]
    system.run_workers()
    assert ready(client)[0] == 200


def officer(system: LiveSystem) -> FlaskClient:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    return logged_in_client(system, "amina")


def alarms(client: FlaskClient) -> str:
    return client.get("/console/queue/rows").get_data(as_text=True)


def test_the_console_alarm_shows_a_stale_scheduler_heartbeat(system: LiveSystem) -> None:
    client = officer(system)
    system.beat()
    assert "alarm-scheduler" not in alarms(client)
    system.clock.advance(timedelta(seconds=45))  # type: ignore[attr-defined]
    rows = alarms(client)
    assert 'class="alarm alarm-scheduler" role="alert"' in rows
    assert "Scheduler heartbeat stale" in rows and "last heartbeat 45 s ago" in rows
    system.beat()
    assert "alarm-scheduler" not in alarms(client)


def test_the_console_alarm_shows_a_worker_gone_silent(system: LiveSystem) -> None:
    # A worker killed with SIGKILL stays registered in Redis, its heartbeat ageing.
    killed = Worker([Queue(QUEUE_NAME, connection=system.redis)], connection=system.redis,
                    name="worker-killed")  # fmt: skip
    killed.register_birth()
    old = datetime.now(UTC) - timedelta(minutes=2)
    system.redis.hset(killed.key, "last_heartbeat", utcformat(old))
    client = officer(system)
    system.beat()
    rows = alarms(client)
    assert "Worker heartbeat stale" in rows and "worker-killed" in rows
    killed.register_death()
    system.beat()
    assert "No worker running" in alarms(client)


def test_readyz_needs_no_login_and_names_no_secret(system: LiveSystem) -> None:
    system.beat()
    text = probe(system).get("/readyz").get_data(as_text=True)
    assert system.settings.redis_url not in text and "test-secret-key" not in text
