"""Event kinds are one typed set, and each payload's data is the dict the log has
always held for its kind."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest

import alerts
from alerts.core.db.types import json_safe
from alerts.correlation.domain.events import IncidentSplit
from alerts.dispatch.domain.events import (
    EscalationNoContact,
    IncidentRouted,
    TaskingReplied,
    TaskingStoodDown,
    UnitStatusChanged,
)
from alerts.dispatch.domain.routing import RouteDecision
from alerts.dispatch.domain.tasking import TaskingStatus
from alerts.messaging.domain.delivery import KNOWN_STATUSES
from alerts.messaging.domain.events import STATUS_EVENT, SmsStatusChanged
from alerts.registry.domain.units import UnitStatus
from alerts.timeline.domain.kinds import EventData, EventKind


def _payload_classes() -> list[type[EventData]]:
    for module in pkgutil.iter_modules(alerts.__path__):
        if not module.ispkg:
            continue
        try:
            importlib.import_module(f"alerts.{module.name}.domain.events")
        except ModuleNotFoundError:
            continue
    found, todo = [], list(EventData.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_feature_declares_its_payloads_with_a_kind_from_the_set() -> None:
    classes = [c for c in _payload_classes() if c.__module__.startswith("alerts.")]
    assert len(classes) > 60
    for cls in classes:
        if "kind" in {f.name for f in dataclasses.fields(cls)} or isinstance(
            cls.__dict__.get("kind"), property
        ):
            continue  # a family: its kind is chosen per event
        assert isinstance(cls.kind, EventKind), cls  # type: ignore[attr-defined]


def test_every_kind_is_recorded_by_some_payload() -> None:
    fixed = {c.kind for c in _payload_classes() if isinstance(getattr(c, "kind", None), EventKind)}  # type: ignore[attr-defined]
    families = {
        EventKind.TASKING_ACKNOWLEDGED, EventKind.TASKING_DECLINED, EventKind.TASKING_DEPARTED,
        EventKind.TASKING_ARRIVED, EventKind.TASKING_COMPLETED, EventKind.TASKING_CANCELLED,
        *STATUS_EVENT.values(),
    }  # fmt: skip
    # Written once by migration 0008 (the chain sealed into the log), never by a service.
    by_migration = {EventKind.TIMELINE_CHAIN_MIGRATED}
    assert set(EventKind) == fixed | families | by_migration


def test_each_delivery_state_has_its_kind() -> None:
    assert set(STATUS_EVENT) == KNOWN_STATUSES
    assert all(kind == f"sms.{state}" for state, kind in STATUS_EVENT.items())
    changed = SmsStatusChanged("undelivered", "tasking", 3, "30003", "SM1")
    assert changed.kind is EventKind.SMS_UNDELIVERED


@pytest.mark.parametrize(
    ("payload", "data"),
    [
        (
            UnitStatusChanged("QRF-BENI-1", UnitStatus.READY, UnitStatus.TASKED, "tasking 4"),
            {"unit": "QRF-BENI-1", "from": "ready", "to": "tasked", "cause": "tasking 4"},
        ),
        (
            IncidentSplit(from_=1, new=2, new_ref="K7Q2", moved_reports=[5], reason="two"),
            {"from": 1, "new": 2, "new_ref": "K7Q2", "moved_reports": [5], "reason": "two"},
        ),
        (
            TaskingReplied(EventKind.TASKING_DECLINED, "QRF-BENI-1", TaskingStatus.PENDING, 9,
                           "FP-1", "pas de carburant", None),
            {"unit": "QRF-BENI-1", "from_status": "pending", "message_id": 9,
             "from_phone": "FP-1", "reason": "pas de carburant", "overdue": None},
        ),
        (
            TaskingStoodDown(EventKind.TASKING_CANCELLED, "QRF-BENI-2", "false alarm"),
            {"unit": "QRF-BENI-2", "reason": "false alarm"},
        ),
        (
            EscalationNoContact.for_role("sector_hq"),
            {"role": "sector_hq",
             "advice": "add a sector_hq to the mission's network file contacts"},
        ),
        (
            IncidentRouted(RouteDecision(1, None, "aor", "no-unit-ready", ())),
            {"base_id": 1, "unit_id": None, "reason": "aor", "unit_reason": "no-unit-ready",
             "eta_s": None, "candidates": []},
        ),
    ],
)  # fmt: skip
def test_data_keeps_the_keys_the_log_has_always_held(
    payload: EventData, data: dict[str, object]
) -> None:
    assert payload.data() == data


def test_stored_data_holds_plain_strings_not_members() -> None:
    payload = UnitStatusChanged("QRF-BENI-1", UnitStatus.READY, UnitStatus.TASKED, "tasking 4")
    stored = json_safe(payload.data())
    assert type(stored["from"]) is str and type(stored["to"]) is str


def test_kinds_are_the_spellings_already_in_the_log() -> None:
    # A kind's spelling is hashed into the events after it: add kinds, never rename one.
    assert all(k.value.count(".") == 1 and k.value == k.value.lower() for k in EventKind)
    assert len({k.value for k in EventKind}) == len(EventKind)
    assert {"incident.opened", "tasking.acknowledged", "sms.delivered", "reply.refused"} <= {
        k.value for k in EventKind
    }
