"""The sandbox's memory: messages, numbers told to fail, and how SMS are counted.

Everything is in-process and guarded by one lock, because the HTTP server and
the callback worker touch it from different threads.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from alerts.core.clock import Clock
from alerts.messaging.domain.segments import count_segments

API_VERSION = "2010-04-01"

Direction = Literal["inbound", "outbound-api", "outbound-reply"]
FailureStatus = Literal["failed", "undelivered"]

# Twilio's codes for the two ways the sandbox fails a number: 30003 is what an
# unreachable handset gives, 30008 is the carrier's catch-all.
DEFAULT_ERROR_CODES: dict[str, int] = {"undelivered": 30003, "failed": 30008}
ERROR_MESSAGES: dict[int, str] = {
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Message filtered",
    30008: "Unknown error",
}

_E164 = re.compile(r"^\+[1-9]\d{1,14}$")


def new_sid(prefix: str) -> str:
    """A Twilio-shaped sid: two letters and 32 lowercase hex digits."""
    return prefix + secrets.token_hex(16)


def is_e164(number: str) -> bool:
    return bool(_E164.match(number))


def is_message_sid(value: str) -> bool:
    return bool(re.fullmatch(r"(SM|MM)[0-9a-f]{32}", value))


@dataclass
class Message:
    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    direction: Direction
    status: str
    num_segments: int
    date_created: datetime
    date_updated: datetime
    date_sent: datetime | None
    messaging_service_sid: str | None = None
    status_callback: str | None = None
    error_code: int | None = None
    error_message: str | None = None
    # Insertion order breaks ties between messages created in the same second.
    seq: int = 0


@dataclass(frozen=True)
class FailureRule:
    status: FailureStatus
    error_code: int

    @classmethod
    def of(cls, status: FailureStatus, error_code: int | None = None) -> FailureRule:
        return cls(status, error_code or DEFAULT_ERROR_CODES[status])


@dataclass(frozen=True)
class MessageFilter:
    to: str | None = None
    from_: str | None = None
    # Each bound is (moment, date_only): a bare date compares by calendar day.
    sent_on: tuple[datetime, bool] | None = None
    sent_before: tuple[datetime, bool] | None = None
    sent_after: tuple[datetime, bool] | None = None

    def matches(self, message: Message) -> bool:
        if self.to is not None and message.to != self.to:
            return False
        if self.from_ is not None and message.from_ != self.from_:
            return False
        sent = message.date_sent
        if sent is None:
            return self.sent_on is None and self.sent_before is None and self.sent_after is None
        if self.sent_on is not None and sent.date() != self.sent_on[0].date():
            return False
        # Twilio's DateSent< and DateSent> are inclusive ("on or before/after").
        if self.sent_before is not None:
            bound, date_only = self.sent_before
            if (sent.date() > bound.date()) if date_only else (sent > bound):
                return False
        if self.sent_after is not None:
            bound, date_only = self.sent_after
            if (sent.date() < bound.date()) if date_only else (sent < bound):
                return False
        return True


class MessageStore:
    """Thread-safe in-memory messages. Readers get copies, never live records."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._messages: dict[str, Message] = {}
        self._failures: dict[str, FailureRule] = {}
        self._seq = 0

    def create(
        self,
        *,
        account_sid: str,
        to: str,
        from_: str,
        body: str,
        direction: Direction,
        status: str,
        sid: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
    ) -> Message:
        now = self._clock.now()
        with self._lock:
            self._seq += 1
            message = Message(
                sid=sid or new_sid("SM"),
                account_sid=account_sid,
                to=to,
                from_=from_,
                body=body,
                direction=direction,
                status=status,
                num_segments=count_segments(body),
                date_created=now,
                date_updated=now,
                date_sent=now,
                messaging_service_sid=messaging_service_sid,
                status_callback=status_callback,
                seq=self._seq,
            )
            self._messages[message.sid] = message
            return dataclasses.replace(message)

    def get(self, sid: str) -> Message | None:
        with self._lock:
            message = self._messages.get(sid)
            return dataclasses.replace(message) if message else None

    def set_status(
        self,
        sid: str,
        status: str,
        error_code: int | None = None,
    ) -> Message | None:
        now = self._clock.now()
        with self._lock:
            message = self._messages.get(sid)
            if message is None:
                return None
            message.status = status
            message.date_updated = now
            if status == "sent":
                message.date_sent = now
            if error_code is not None:
                message.error_code = error_code
                message.error_message = ERROR_MESSAGES.get(error_code, "Unknown error")
            return dataclasses.replace(message)

    def select(self, where: Callable[[Message], bool] = lambda _m: True) -> list[Message]:
        """Matching messages, newest first, as Twilio lists them."""
        with self._lock:
            found = [dataclasses.replace(m) for m in self._messages.values() if where(m)]
        found.sort(key=lambda m: (m.date_created, m.seq), reverse=True)
        return found

    def __len__(self) -> int:
        with self._lock:
            return len(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()

    def fail_number(self, number: str, rule: FailureRule) -> None:
        with self._lock:
            self._failures[number] = rule

    def clear_failures(self, number: str | None = None) -> None:
        with self._lock:
            if number is None:
                self._failures.clear()
            else:
                self._failures.pop(number, None)

    def failure_for(self, number: str) -> FailureRule | None:
        with self._lock:
            return self._failures.get(number)

    def failures(self) -> dict[str, FailureRule]:
        with self._lock:
            return dict(self._failures)
