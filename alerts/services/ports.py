"""The narrow interfaces services use to reach the outside world.

Each has one real implementation in `alerts.adapters` (or `workers` for the
queue), so services stay free of Twilio, Redis and RQ.
"""

from __future__ import annotations

from typing import Protocol


class SmsSendError(Exception):
    """The SMS provider refused or failed a send. `retryable` tells whether to try again."""

    def __init__(self, message: str, *, retryable: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class SmsSender(Protocol):
    def send(self, to: str, body: str, status_callback: str | None) -> str:
        """Send one SMS and return the provider's message sid."""
        ...


class QueueUnavailable(Exception):
    """The job queue cannot be reached; the work stays in the outbox for later."""


class JobQueue(Protocol):
    def enqueue(self, job: str, ref_id: int, job_id: str) -> None:
        """Put job `job` for record `ref_id` on the queue.

        Raises QueueUnavailable on an outage, ValueError for an unknown job.
        """
        ...
