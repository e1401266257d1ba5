"""What services need from outside, gathered once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import Clock
from alerts.core.ports import SmsSender
from alerts.core.vault import PhoneVault
from alerts.correlation.domain.rules import CorrelationRules
from alerts.dispatch.domain.config import DispatchConfig
from alerts.locating.domain.threats import KeywordLists
from alerts.locating.locator import Locator


@dataclass(frozen=True)
class ServiceContext:
    factory: sessionmaker[Session]
    vault: PhoneVault
    clock: Clock
    sms: SmsSender
    status_callback_url: str | None
    locator: Locator
    keywords: KeywordLists
    correlation: CorrelationRules = field(default_factory=CorrelationRules.defaults)
    duplicate_window: timedelta = timedelta(minutes=10)
    # False in replays: SMS decisions are recorded, never sent.
    sends_sms: bool = True
    # A replay: the jobs it queues wait behind all live work (`Priority.BULK`).
    bulk: bool = False
    same_sender_window: timedelta = timedelta(minutes=30)
    default_language: str = "fr"
    unit_language: str = "en"
    dispatch: DispatchConfig = field(default_factory=DispatchConfig)
    # The number SMS are sent from, and how many segments a second it may send (0: unpaced).
    sms_lane: str = "+15005550006"
    sms_segments_per_s: float = 1.0
    # How long one send attempt holds its SMS (see `alerts.messaging.domain.sending`).
    send_lease: timedelta = timedelta(seconds=30)
