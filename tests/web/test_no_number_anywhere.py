"""No informant's number anywhere it should not be.

The whole pipeline runs once (alerts by SMS, a beep, a CLA's relay, a reveal, a
CLA's `NUM`, replies, reports and exports) and then every place a number could
leak is scanned: log records at DEBUG and the app's formatted log output, every
Redis key and value (RQ job arguments and results included), every console page
and a live-stream payload, every export, every event's data, and the bodies of the
sandbox's message log. Two things carry a number by design and are left out: the
page that shows a revealed number, and the one SMS that answers the CLA's `NUM`.

Every format is looked for: `+243970000001`, `243970000001`, `0970000001`, and
any of them spaced or dashed: a phone-shaped run of digits is compared without
its separators.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from redis import Redis
from rq.job import Job
from sqlalchemy import select

from alerts.audit.reports.tables import table_names
from alerts.core.log import configure_logging
from alerts.correlation.models import Incident
from alerts.dispatch.models import CallbackTask
from alerts.timeline.models import Event
from alerts.web.console.security import cookie_name
from tests.dispatch.helpers import CLA_BENI, reply
from tests.live import FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem
from tests.web.console.helpers import PASSWORD, add_user, csrf_from, logged_in_client

STRANGER = "+243990004444"
INFORMANTS = (FOCAL_POINT_MAVIVI, FOCAL_POINT_KIWANJA, STRANGER, CLA_BENI)
# The national significant numbers: what every written form of a number contains.
SIGNIFICANT = {number: number.removeprefix("+243") for number in INFORMANTS}
PHONE_SHAPED = re.compile(r"\d(?:[\s().\-]?\d){6,}")
TYPED_PASSWORD = "correct horse battery staple 42"
PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


def numbers_in(text: str) -> set[str]:
    """The informants' numbers `text` holds, in any format."""
    runs = ["".join(ch for ch in run if ch.isdigit()) for run in PHONE_SHAPED.findall(text)]
    return {number for number, nsn in SIGNIFICANT.items() if any(nsn in run for run in runs)}


def test_the_scan_sees_every_format() -> None:
    for written in ("+243970000001", "243970000001", "0970000001", "+243 97 000 0001",
                    "097-000-0001", "%2B243970000001", "tel:+243970000001"):  # fmt: skip
        assert numbers_in(f"call {written} now") == {FOCAL_POINT_MAVIVI}, written
    assert numbers_in("FP-7K3Q9M at 2026-03-01 04:00:00, 0.5447, 29.4639") == set()


class RawRecords(logging.Handler):
    """Every record's message as it was logged, before any filter masked it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def app_log(caplog: pytest.LogCaptureFixture) -> Iterator[tuple[RawRecords, io.StringIO]]:
    """The records at DEBUG, raw, and the app's own log output as its processes set it up
    (`configure_logging`: the same handler, levels and last-line redaction)."""
    caplog.set_level(logging.DEBUG)
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("twilio.http_client", "urllib3")}
    configure_logging("DEBUG")
    output = io.StringIO()
    for handler in root.handlers:
        if handler not in before and isinstance(handler, logging.StreamHandler):
            handler.setStream(output)
    raw = RawRecords()
    root.handlers.insert(0, raw)  # first: it sees each record before a filter changes it
    try:
        yield raw, output
    finally:
        root.handlers[:] = before
        root.setLevel(level)
        for name, was in quiet.items():
            logging.getLogger(name).setLevel(was)


def run_the_pipeline(system: LiveSystem) -> dict[str, str]:
    """Everything that handles a number, once. Returns the pages and exports it saw."""
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    add_user(system.factory, system.clock, "amina", "joc_officer")
    add_user(system.factory, system.clock, "eva", "evaluator")
    add_user(system.factory, system.clock, "root", "admin")
    seen: dict[str, str] = {}

    # A password typed into the username box, then the real login.
    client = system.web_app.test_client()
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    form = {"username": TYPED_PASSWORD, "password": PASSWORD, "csrf_token": token}
    assert client.post("/console/login", data=form).status_code == 401

    # Alerts by SMS (a focal point, a stranger), a beep and a QRF's answer.
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours a 0.5447, 29.4639, des morts")
    system.text(STRANGER, "Des hommes armes pres de Kiwanja")
    system.run_workers()
    assert system.call(FOCAL_POINT_MAVIVI)["outcome"] == "rejected-busy"
    system.run_workers()
    with system.factory() as session:
        task = session.scalars(select(CallbackTask)).one()
        refs = list(session.scalars(select(Incident.ref).order_by(Incident.id)))
    # A refusal: its reason goes into the full exports verbatim.
    reply(system, QRF_BENI_PRIMARY, f"NO {refs[0]} no vehicles, call 0970000009")
    reply(system, CLA_BENI, f"NUM {task.ref}")
    reply(system, CLA_BENI, f"DONE {task.ref} spoke to her, armed men passed at dawn")

    # A CLA relays what she heard by radio; then she reveals a caller's number.
    claire = logged_in_client(system, "claire")
    token = csrf_from(claire.get("/console/relay").get_data(as_text=True))
    relay = {"csrf_token": token, "channel": "radio", "reported_at": "2026-03-01T03:30",
             "tz_offset_min": "0", "text": "Tirs entendus a Mavivi", "place": "Mavivi"}  # fmt: skip
    assert claire.post("/console/relay", data=relay).status_code == 303
    system.run_workers()
    page = claire.get(f"/console/incidents/{task.incident_id}").get_data(as_text=True)
    match = re.search(r"/senders/(\d+)/reveal", page)
    assert match
    url = f"/console/incidents/{task.incident_id}/senders/{match.group(1)}/reveal"
    shown = claire.post(url, data={"csrf_token": csrf_from(page), "reason": "call her back"})
    assert numbers_in(shown.get_data(as_text=True))  # the one page whose purpose it is
    system.run_workers()

    # Every console page, for each role that sees it.
    with system.factory() as session:
        incident_ids = list(session.scalars(select(Incident.id).order_by(Incident.id)))
    for name in ("amina", "claire", "root"):
        browser = logged_in_client(system, name)
        paths = ["/console/", "/console/queue/rows", "/console/relay", "/console/login"]
        for incident_id in incident_ids:
            base = f"/console/incidents/{incident_id}"
            paths += [base, f"{base}/live", f"{base}/map.json"]
        for path in paths:
            response = browser.get(path)
            assert response.status_code in {200, 403}, (name, path, response.status_code)
            seen[f"page {name} {path}"] = response.get_data(as_text=True)

    seen.update(reports_and_exports(system))
    return seen


def reports_and_exports(system: LiveSystem) -> dict[str, str]:
    """Every report kind, format and CSV table (with its HXL row); the admin's full exports."""
    seen: dict[str, str] = {}
    eva, root = logged_in_client(system, "eva"), logged_in_client(system, "root")
    seen["page /reports/"] = eva.get("/reports/").get_data(as_text=True)
    for kind in ("latency", "noncompliance"):
        for fmt in ("html", "json", "csv"):
            query = {**PERIOD, "format": fmt}
            seen[f"export {kind} {fmt}"] = eva.get(f"/reports/{kind}", query_string=query).get_data(
                as_text=True
            )
            token = csrf_from(root.get("/reports/").get_data(as_text=True))
            full = {**query, "detail": "full", "reason": "board of inquiry", "csrf_token": token}
            response = root.post(f"/reports/{kind}", data=full)
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            seen[f"export {kind} {fmt} full"] = response.get_data(as_text=True)
        for table in table_names(kind):
            query = {**PERIOD, "format": "csv", "table": table}
            response = eva.get(f"/reports/{kind}", query_string=query)
            assert response.status_code == 200, (kind, table)
            seen[f"export {kind} {table}.csv"] = response.get_data(as_text=True)
    return seen


def stream_payload(system: LiveSystem) -> list[str]:
    """What an officer's live stream carries while an alert comes in."""
    cookie = logged_in_client(system, "amina").get_cookie(cookie_name(secure=True))
    assert cookie is not None
    http = requests.Session()
    http.cookies.set(cookie_name(secure=True), cookie.value)
    response = http.get(f"{system.web_url}/console/stream", stream=True, timeout=(5, 10))
    lines = response.iter_lines(decode_unicode=True)
    next(lines)
    system.text(FOCAL_POINT_KIWANJA, "Attaque en cours a Kiwanja 0.5447, 29.4639")
    system.run_workers()
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if line.startswith("data:") and line != "data: {}":
            break
    response.close()
    return seen


def redis_contents(redis: Redis) -> Iterator[tuple[str, str]]:
    """Every key, and every value in whatever type it has; RQ's jobs unpacked."""
    for raw_key in redis.scan_iter(count=1000):
        key = raw_key.decode(errors="replace")
        yield key, key
        kind = redis.type(raw_key).decode()
        values: list[Any]
        if kind == "string":
            values = [redis.get(raw_key)]
        elif kind == "hash":
            values = [item for pair in redis.hgetall(raw_key).items() for item in pair]
        elif kind == "list":
            values = list(redis.lrange(raw_key, 0, -1))
        elif kind == "set":
            values = list(redis.smembers(raw_key))
        elif kind == "zset":
            values = [member for member, _ in redis.zrange(raw_key, 0, -1, withscores=True)]
        elif kind == "stream":
            values = [str(entry) for entry in redis.xrange(raw_key)]
        else:
            values = []
        for value in values:
            if isinstance(value, bytes):
                with contextlib.suppress(zlib.error):
                    value = zlib.decompress(value)  # RQ's job data
                value = value.decode("latin-1")
            yield key, str(value)
        if key.startswith("rq:job:") and kind == "hash":
            job = Job.fetch(key.removeprefix("rq:job:"), connection=redis)
            yield key, repr((job.func_name, job.args, job.kwargs, job.meta))
            yield key, repr(job.return_value())


def test_no_informant_number_anywhere_it_should_not_be(
    system: LiveSystem, app_log: tuple[RawRecords, io.StringIO], caplog: pytest.LogCaptureFixture
) -> None:
    raw, output = app_log
    places = run_the_pipeline(system)
    places.update({f"stream line {i}": line for i, line in enumerate(stream_payload(system))})
    assert any(key.startswith("export latency csv") for key in places)

    for key, value in redis_contents(system.redis):
        places[f"redis {key} #{len(places)}"] = value
    with system.factory() as session:
        for event in session.scalars(select(Event)):
            places[f"event {event.id} {event.kind}"] = json.dumps(event.data) + event.actor
    messages = system.sandbox.store.select()
    number_sms = [
        m for m in messages if m.to == CLA_BENI and numbers_in(m.body) == {FOCAL_POINT_MAVIVI}
    ]
    assert len(number_sms) == 1, "the CLA's NUM is answered once, with the number"
    for message in messages:
        if message not in number_sms:
            places[f"sms {message.sid} to a {message.direction}"] = message.body
    for i, line in enumerate(raw.lines):
        places[f"log record {i}"] = line
    for record in caplog.records:
        places[f"caplog {record.name}"] = record.getMessage()
    places["app log output"] = output.getvalue()
    # The scan saw what it means to scan.
    assert raw.lines and output.getvalue()
    assert any(place.startswith("redis rq:job:") for place in places)
    assert any(place.startswith("stream") and '"kind"' in text for place, text in places.items())
    assert any(place.startswith("sms ") for place in places)
    assert "#event" in places["export latency csv"]
    assert "#contact" in places["export latency csv full"]

    leaks = {place: sorted(numbers_in(text)) for place, text in places.items() if numbers_in(text)}
    assert leaks == {}

    # A password typed into the username box is never logged, nor kept in Redis.
    assert not [place for place, text in places.items() if TYPED_PASSWORD in text]
    assert any("failed login" in line for line in raw.lines)
