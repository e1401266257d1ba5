"""The jobs the outbox hands to the queue: declared once, so a writer, the relay
and the worker registry cannot spell one differently.

The values are stored in `outbox.job` and name RQ jobs: never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class Job(StrEnum):
    PROCESS_MESSAGE = "process_message"  # an inbound SMS: intake, locate, correlate, dispatch
    SEND_SMS = "send_sms"  # one queued outbound SMS
