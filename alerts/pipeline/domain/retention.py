"""When an informant's number may be erased: kept no longer than it is needed.

A registered phone (an informant, a CLA, a duty phone) is the network itself and
is kept. A stranger's number is needed to answer them and to recognise their next
SMS; once they have been silent longer than the retention period it is only a
risk, unless an incident they reported is still open, since the JOC may yet
need to call them back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Verdict(StrEnum):
    KEEP = "keep"  # registered, or heard from within the period
    KEEP_OPEN_INCIDENT = "keep_open_incident"  # expired, but an incident of theirs is open
    ERASE = "erase"


@dataclass(frozen=True)
class SenderActivity:
    registered: bool
    last_heard: datetime  # their last SMS, or when they were first seen
    in_open_incident: bool


def verdict(sender: SenderActivity, now: datetime, retention: timedelta) -> Verdict:
    if sender.registered or sender.last_heard > now - retention:
        return Verdict.KEEP
    if sender.in_open_incident:
        return Verdict.KEEP_OPEN_INCIDENT
    return Verdict.ERASE
