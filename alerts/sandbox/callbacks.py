"""Moving outbound messages through their lifecycle and telling the app, as Twilio does.

Each message goes queued -> sent -> delivered (or undelivered/failed for a
number the sandbox was told to fail). Each change is stored first, then
POSTed to the message's StatusCallback, signed like Twilio signs it. A
message's next step is only scheduled once the previous callback has been
delivered or given up on, so the app always sees them in order.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from twilio.request_validator import RequestValidator

from alerts.sandbox.store import API_VERSION, Message, MessageStore

log = logging.getLogger(__name__)

USER_AGENT = "TwilioProxy/1.1"


def signed_post(
    url: str, params: Mapping[str, str], auth_token: str, timeout_s: float
) -> requests.Response:
    """POST `params` form-encoded to `url` with Twilio's X-Twilio-Signature header."""
    signature = RequestValidator(auth_token).compute_signature(url, dict(params))
    headers = {
        "X-Twilio-Signature": signature,
        "User-Agent": USER_AGENT,
        "I-Twilio-Idempotency-Token": str(uuid.uuid4()),
    }
    return requests.post(
        url, data=dict(params), headers=headers, timeout=timeout_s, allow_redirects=False
    )


def status_callback_params(message: Message) -> dict[str, str]:
    params = {
        "MessageSid": message.sid,
        "SmsSid": message.sid,
        "AccountSid": message.account_sid,
        "From": message.from_,
        "To": message.to,
        "MessageStatus": message.status,
        "SmsStatus": message.status,
        "ApiVersion": API_VERSION,
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    if message.status in {"failed", "undelivered"} and message.error_code is not None:
        params["ErrorCode"] = str(message.error_code)
    if message.status == "delivered" and message.date_sent is not None:
        params["RawDlrDoneDate"] = message.date_updated.strftime("%y%m%d%H%M")
    return params


@dataclass(frozen=True)
class CallbackPolicy:
    delay_s: float = 0.2
    retries: int = 3
    retry_delay_s: float = 0.2
    timeout_s: float = 5.0


class LifecycleWorker:
    """A timer heap served by one scheduler thread; HTTP posts run on a small pool.

    The pool keeps one slow or hung receiver from stalling every other
    message's lifecycle. Threads start on first use so building an app that
    never sends anything leaves no threads behind.
    """

    def __init__(self, store: MessageStore, auth_token: str, policy: CallbackPolicy) -> None:
        self._store = store
        self._auth_token = auth_token
        self._policy = policy
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    def deliver(self, sid: str) -> None:
        """Start a newly queued message on its way to `sent`."""
        self._schedule(self._policy.delay_s, lambda: self._advance(sid, "sent"))

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._heap.clear()
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _schedule(self, delay_s: float, job: Callable[[], None]) -> None:
        with self._wake:
            if self._stopping:
                return
            if self._thread is None:
                self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sandbox-cb")
                self._thread = threading.Thread(
                    target=self._run, name="sandbox-scheduler", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._heap, (time.monotonic() + delay_s, next(self._counter), job))
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and (
                    not self._heap or self._heap[0][0] > time.monotonic()
                ):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._wake.wait(timeout)
                if self._stopping:
                    return
                _, _, job = heapq.heappop(self._heap)
                assert self._pool is not None
                try:
                    self._pool.submit(self._guarded, job)
                except RuntimeError:  # the pool shut down under us: we are stopping
                    return

    @staticmethod
    def _guarded(job: Callable[[], None]) -> None:
        # A bug in one step must not kill the pool thread or the sandbox.
        try:
            job()
        except Exception:
            log.exception("sandbox lifecycle step failed")

    def _advance(self, sid: str, status: str) -> None:
        current = self._store.get(sid)
        if current is None:
            return
        error_code: int | None = None
        if status == "final":
            rule = self._store.failure_for(current.to)
            status, error_code = (rule.status, rule.error_code) if rule else ("delivered", None)
        message = self._store.set_status(sid, status, error_code)
        if message is None:
            return
        log.info("sandbox message %s is %s", sid, status)

        def then() -> None:
            if status == "sent":
                self._schedule(self._policy.delay_s, lambda: self._advance(sid, "final"))

        if message.status_callback:
            self._post(message.status_callback, status_callback_params(message), sid, 1, then)
        else:
            then()

    def _post(
        self,
        url: str,
        params: dict[str, str],
        sid: str,
        attempt: int,
        then: Callable[[], None],
    ) -> None:
        problem: str
        try:
            response = signed_post(url, params, self._auth_token, self._policy.timeout_s)
        except requests.RequestException as error:
            problem = type(error).__name__
        else:
            if response.status_code < 500:
                if response.status_code >= 400:
                    log.warning(
                        "status callback for %s refused with HTTP %s", sid, response.status_code
                    )
                then()
                return
            problem = f"HTTP {response.status_code}"
        if attempt <= self._policy.retries:
            log.info("status callback for %s failed (%s), retrying", sid, problem)
            self._schedule(
                self._policy.retry_delay_s * attempt,
                lambda: self._post(url, params, sid, attempt + 1, then),
            )
            return
        log.warning("status callback for %s given up after %d attempts (%s)", sid, attempt, problem)
        then()
