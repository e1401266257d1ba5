"""The narrow interfaces services use to reach the outside world.

Each has one real implementation in `alerts.adapters` (or `workers` for the
queue), so services stay free of Twilio, Redis and RQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class SmsSendError(Exception):
    """The SMS provider refused or failed a send.

    `retryable` tells whether to try again; `ambiguous` that the provider may
    have taken the message all the same (a 5xx, a timeout), so it must be asked
    before a retry sends it twice.
    """

    def __init__(
        self, message: str, *, retryable: bool, code: int | None = None, ambiguous: bool = False
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code
        self.ambiguous = ambiguous


class SmsSender(Protocol):
    def send(self, to: str, body: str, status_callback: str | None) -> str:
        """Send one SMS and return the provider's message sid."""
        ...

    def find_sent(self, to: str, body: str, since: datetime) -> list[str]:
        """The sids of messages with this body sent to `to` since `since`, newest
        first: did an attempt that seemed to fail go through?"""
        ...


@dataclass(frozen=True)
class ReceivedSms:
    """An SMS the provider received for us, as its records show it."""

    provider_sid: str
    from_number: str
    body: str
    sent_at: datetime
    num_segments: int | None = None


class Inbox(Protocol):
    def received(self, to: str, since: datetime) -> list[ReceivedSms]:
        """Every SMS the provider received for `to` from `since` on, oldest first.

        Raises SmsSendError when the provider cannot be asked.
        """
        ...


class QueueUnavailable(Exception):
    """The job queue cannot be reached; the work stays in the outbox for later."""


class JobQueue(Protocol):
    def enqueue(self, job: str, ref_id: int, job_id: str, priority: str = "alerts") -> None:
        """Put job `job` (a `Job`'s value, as the outbox stores it) for record
        `ref_id` on the queue of `priority` (a `Priority`'s value; an unknown one
        waits with the alerts).

        Raises QueueUnavailable on an outage, ValueError for an unknown job.
        """
        ...
