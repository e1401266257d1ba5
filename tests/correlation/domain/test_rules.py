from datetime import timedelta

import pytest

from alerts.correlation.domain.rules import CorrelationRules

DEFAULTS = CorrelationRules.defaults()


def test_defaults() -> None:
    assert DEFAULTS.window("attack") == timedelta(hours=6)
    assert DEFAULTS.window("armed_men_sighted") == timedelta(hours=3)
    assert DEFAULTS.window("unknown") == DEFAULTS.default_window
    assert DEFAULTS.max_window == timedelta(hours=24)  # displacement
    assert DEFAULTS.reopen_window == timedelta(hours=1)


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        ("attack", "killing", True),
        ("killing", "attack", True),
        ("sexual_violence", "armed_men_sighted", True),
        ("displacement", "looting", True),
        ("looting", "displacement", True),
        ("other", "displacement", True),
        ("unknown", "killing", True),
        ("displacement", "displacement", True),
    ],
)
def test_default_compatibility(a: str, b: str, compatible: bool) -> None:
    assert DEFAULTS.are_compatible(a, b) is compatible


def test_from_mapping_merges_windows_and_replaces_compatibility() -> None:
    rules = CorrelationRules.from_mapping(
        {
            "window_minutes": {"attack": 120},
            "default_window_minutes": 90,
            "compatible": {"attack": ["killing"], "displacement": []},
            "reopen_minutes": 0,
            "min_similarity": 0.6,
        }
    )
    assert rules.window("attack") == timedelta(minutes=120)
    assert rules.window("killing") == timedelta(hours=6)  # kept from the defaults
    assert rules.default_window == timedelta(minutes=90)
    assert rules.are_compatible("killing", "attack")  # symmetric
    assert not rules.are_compatible("attack", "looting")
    assert not rules.are_compatible("attack", "displacement")
    assert rules.are_compatible("other", "displacement")
    assert rules.reopen_window == timedelta(0)
    assert rules.min_similarity == 0.6


def test_an_empty_mapping_is_the_defaults() -> None:
    assert CorrelationRules.from_mapping({}) == DEFAULTS


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"windows": {}}, "'windows'"),
        ({"window_minutes": [360]}, "window_minutes"),
        ({"window_minutes": {"raid": 60}}, "window_minutes.raid"),
        ({"window_minutes": {"attack": "6h"}}, "window_minutes.attack"),
        ({"window_minutes": {"attack": 0}}, "window_minutes.attack"),
        ({"window_minutes": {"attack": True}}, "window_minutes.attack"),
        ({"default_window_minutes": -5}, "default_window_minutes"),
        ({"compatible": {"attack": "killing"}}, "compatible.attack"),
        ({"compatible": {"attack": ["raid"]}}, "compatible.attack"),
        ({"compatible": ["attack"]}, "compatible"),
        ({"reopen_minutes": None}, "reopen_minutes"),
        ({"min_similarity": 1.5}, "min_similarity"),
    ],
)
def test_from_mapping_names_the_key_at_fault(raw: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        CorrelationRules.from_mapping(raw)
