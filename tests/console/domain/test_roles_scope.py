"""Who may do what, and who sees which incident."""

from __future__ import annotations

import pytest

from alerts.console.domain.roles import PERMISSIONS, REVEAL_ROLES, ROLES, may
from alerts.console.domain.scope import Scope, sees
from alerts.registry.senders import REVEAL_ROLES as SERVICE_REVEAL_ROLES


def test_reveal_roles_agree_with_the_service() -> None:
    assert REVEAL_ROLES == SERVICE_REVEAL_ROLES


def test_every_role_has_permissions_and_views() -> None:
    assert set(PERMISSIONS) == set(ROLES)
    assert all(may(role, "view") for role in ROLES)


@pytest.mark.parametrize(
    "permission", ["verify", "locate", "merge", "task", "close", "relay", "reveal"]
)
def test_evaluators_change_nothing(permission: str) -> None:
    assert not may("evaluator", permission)  # type: ignore[arg-type]


def test_unknown_role_may_do_nothing() -> None:
    assert not may("superuser", "view")


BENI = Scope("joc_officer", "MONUSCO", "Beni")
MISSION = Scope("joc_officer", "MONUSCO", None)
ADMIN = Scope("admin", "MONUSCO", None)


@pytest.mark.parametrize(
    ("scope", "mission", "sector", "single", "expected"),
    [
        (BENI, "MONUSCO", "Beni", True, True),
        (BENI, "MONUSCO", "Goma", True, False),
        (BENI, "MONUSCO", None, True, False),
        (BENI, None, None, True, False),
        (MISSION, "MONUSCO", "Goma", False, True),
        (MISSION, "UNMISS", None, False, False),
        (MISSION, None, None, True, True),
        (MISSION, None, None, False, False),
        (ADMIN, None, None, False, True),
        (ADMIN, "UNMISS", None, False, False),
    ],
)
def test_sees(
    scope: Scope, mission: str | None, sector: str | None, single: bool, expected: bool
) -> None:
    assert sees(scope, mission, sector, single_mission=single) is expected
