"""The load: signed Twilio webhooks posted on schedule, and units that finish their orders.

Open loop: each alert is posted at its due time by whichever client is free, so a
slow answer delays no later alert (a pool of keep-alive clients, sized for the
rate). The release loop plays the QRFs: it watches the sandbox for tasking SMS
and, some seconds after one is accepted, texts `DONE <ref>` from the unit's duty
phone, so the unit is ready again for a later alert. Without that, a 50 alerts/s
run would use up any realistic number of QRFs in seconds.
"""

from __future__ import annotations

import heapq
import http.client
import queue
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from twilio.request_validator import RequestValidator

from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from bench.e2e.traffic import Alert
from bench.harness.load import ALERT_NUMBER, REQUEST_TIMEOUT_S, WEBHOOK_PATH

TASKING_REF = re.compile(r"^\S+ REF (\w+):")


@dataclass(frozen=True)
class Post:
    sid: str
    body: bytes  # the form, encoded
    signature: str
    due: float  # wall clock (time.time()) it is meant to be posted at
    is_alert: bool


@dataclass
class Posted:
    due: float
    sent: float  # wall clock when the request went out
    answered: float
    status: int  # 0: no answer


@dataclass
class Results:
    alerts: dict[str, Posted] = field(default_factory=dict)  # by sid
    releases: Counter[int] = field(default_factory=Counter)  # DONE replies by HTTP status
    release_lag_s: list[float] = field(default_factory=list)  # posted after their due time


def signed(url: str, sid: str, sender: str, text: str, due: float, is_alert: bool) -> Post:
    params = {
        "MessageSid": sid, "SmsSid": sid, "AccountSid": SANDBOX_ACCOUNT_SID, "From": sender,
        "To": ALERT_NUMBER, "Body": text, "NumSegments": "1", "NumMedia": "0",
        "SmsStatus": "received", "ApiVersion": "2010-04-01",
    }  # fmt: skip
    signature = RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, params)
    return Post(sid, urlencode(params).encode(), signature, due, is_alert)


def _post(connection: http.client.HTTPConnection, post: Post) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Twilio-Signature": post.signature}  # fmt: skip
    connection.request("POST", WEBHOOK_PATH, body=post.body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


class Driver:
    """Clients that post what the schedule and the release loop hand them."""

    def __init__(self, port: int, clients: int) -> None:
        self.port = port
        self.work: queue.SimpleQueue[Post | None] = queue.SimpleQueue()
        self.results = Results()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(clients)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        for _ in self._threads:
            self.work.put(None)
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT_S * 2 + 5)

    def _client(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S)
        while (post := self.work.get()) is not None:
            sent = time.time()
            try:
                status = _post(connection, post)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()  # an idle keep-alive closed by the server: once more
                try:
                    status = _post(connection, post)
                except (http.client.HTTPException, OSError):
                    status = 0
            except (http.client.HTTPException, OSError):
                connection.close()
                status = 0
            self._record(post, sent, time.time(), status)
        connection.close()

    def _record(self, post: Post, sent: float, answered: float, status: int) -> None:
        with self._lock:
            if post.is_alert:
                self.results.alerts[post.sid] = Posted(post.due, sent, answered, status)
            else:
                self.results.releases[status] += 1
                self.results.release_lag_s.append(sent - post.due)

    def feed(self, posts: list[Post], stop: threading.Event) -> None:
        """Hand each post to the clients at its due time (the caller's thread)."""
        for post in posts:
            wait = post.due - time.time()
            if wait > 0 and stop.wait(wait):
                return
            self.work.put(post)


def alert_posts(url: str, alerts: list[Alert], start: float) -> list[Post]:
    """Every alert signed before the clock runs."""
    return [signed(url, a.sid, a.sender, a.body, start + a.due_s, True) for a in alerts]


class Releaser(threading.Thread):
    """Texts `DONE <ref>` for each tasking SMS `after_s` after the sandbox accepted it."""

    def __init__(self, driver: Driver, sandbox_url: str, webhook_url: str, after_s: float) -> None:
        super().__init__(daemon=True)
        self.driver, self.sandbox_url, self.webhook_url = driver, sandbox_url, webhook_url
        self.after_s = after_s
        self.stopping = threading.Event()
        self.seen_seq = 0
        self.taskings = 0
        self._due: list[tuple[float, str, str]] = []  # (due, unit phone, ref)

    def run(self) -> None:
        session = requests.Session()
        next_poll = 0.0
        while not self.stopping.is_set():
            now = time.time()
            if now >= next_poll:
                self._poll(session)
                next_poll = now + 0.5
            while self._due and self._due[0][0] <= now:
                due, phone, ref = heapq.heappop(self._due)
                sid = "SM" + secrets.token_hex(16)
                self.driver.work.put(signed(self.webhook_url, sid, phone, f"DONE {ref}", due,
                                            False))  # fmt: skip
            self.stopping.wait(0.05)

    def _poll(self, session: requests.Session) -> None:
        try:
            answer = session.get(f"{self.sandbox_url}/_bench/outbound",
                                 params={"after": self.seen_seq}, timeout=10)  # fmt: skip
            messages = answer.json()["messages"]
        except (requests.RequestException, ValueError, KeyError):
            return
        for message in messages:
            self.seen_seq = max(self.seen_seq, int(message["seq"]))
            found = TASKING_REF.match(message["body"])
            if found is None:
                continue
            self.taskings += 1
            heapq.heappush(self._due, (message["accepted"] + self.after_s, message["to"],
                                       found.group(1)))  # fmt: skip
