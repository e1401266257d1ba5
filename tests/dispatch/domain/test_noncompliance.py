from __future__ import annotations

import pytest

from alerts.dispatch.domain.escalation_chain import Trigger
from alerts.dispatch.domain.noncompliance import classify, reason_code_of


@pytest.mark.parametrize(
    ("trigger", "category", "code"),
    [
        ("declined", "refusal", "other"),
        ("no_ack", "failure", "other"),
        ("undelivered", "failure", "communication"),
        ("no_departure", "failure", "other"),
        ("no_arrival", "failure", "other"),
    ],
)
def test_only_a_decline_is_a_refusal(trigger: Trigger, category: str, code: str) -> None:
    classified = classify(trigger, "")
    assert (classified.category, classified.reason_code) == (category, code)


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("CAVEAT no authority from capital", "national_caveat"),
        ("cav", "national_caveat"),
        ("Our contingent needs HQ approval", "national_caveat"),
        ("no vehicles, no fuel", "under_resourcing"),
        ("Pas assez d'hommes, véhicule en panne", "under_resourcing"),
        ("radio down, cannot hear you", "communication"),
        ("Not our AOR", "misinterpretation"),
        ("pont coupé par la pluie", "changing_circumstances"),
        ("situation already calm", "changing_circumstances"),
        ("RES", "under_resourcing"),
        ("we will not go", "other"),
        ("", "other"),
    ],
)
def test_a_decline_s_reason_names_or_describes_its_code(reason: str, code: str) -> None:
    assert reason_code_of(reason) == code
