from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.dispatch.domain.config import DispatchConfig, DispatchConfigError, EscalationStep


@pytest.mark.parametrize(
    ("threat", "severity", "mode"),
    [
        ("killing", 1, "auto"),
        ("abduction", 2, "auto"),
        ("armed_men_sighted", 2, "verify"),
        ("armed_men_sighted", 4, "auto"),  # corroborated until severe
        ("displacement", 3, "verify"),
        ("other", 1, "verify"),
    ],
)
def test_default_policy_tasks_violence_at_once_and_waits_on_sightings(
    threat: str, severity: int, mode: str
) -> None:
    assert DispatchConfig().tasking_mode(threat, severity) == mode


def test_a_mission_overrides_timeouts_policy_and_chain() -> None:
    config = DispatchConfig().with_overrides(
        {
            "ack_timeout_s": 600,
            "travel_speed_kmh": {"road": 15},
            "tasking_policy": [{"threats": ["displacement"], "task": "verify"}, {"task": "auto"}],
            "escalation": [{"action": "next_qrf", "times": 3, "notify": ["joc_duty"]}],
        },
        "network.dispatch",
    )
    assert config.ack_timeout == timedelta(minutes=10)
    assert config.speeds_kmh["road"] == 15 and config.speeds_kmh["air"] == 180
    assert config.tasking_mode("armed_men_sighted", 1) == "auto"
    assert config.tasking_mode("displacement", 5) == "verify"
    assert config.escalation == (EscalationStep("next_qrf", ("joc_duty",), 3),)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"ack_timeout": 5}, "network.dispatch: unknown key 'ack_timeout'"),
        ({"ack_timeout_s": 0}, "network.dispatch.ack_timeout_s: expected a positive number"),
        ({"ack_timeout_s": True}, "expected a positive number"),
        ({"travel_speed_kmh": {"boat": 10}}, "travel_speed_kmh.boat: not a travel mode"),
        ({"detour_factor": {"road": 0.5}}, "detour_factor.road: must be at least 1.0"),
        ({"tasking_policy": [{"task": "maybe"}]}, "tasking_policy[0].task: expected auto or"),
        ({"tasking_policy": [{"task": "auto", "threats": ["war"]}]}, "[0].threats"),
        ({"escalation": []}, "escalation: expected a non-empty list"),
        ({"escalation": [{"action": "pray"}]}, "escalation[0].action"),
        ({"escalation": [{"action": "notify"}]}, "escalation[0]: a notify step needs `notify`"),
        ({"escalation": [{"action": "notify", "notify": ["mayor"]}]}, "[0].notify"),
        ({"escalation": [{"action": "resend", "times": 0}]}, "[0].times"),
    ],
)
def test_bad_overrides_name_the_key(raw: dict[str, object], message: str) -> None:
    with pytest.raises(DispatchConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        DispatchConfig().with_overrides(raw, "network.dispatch")
