import pytest

from alerts.messaging.domain.delivery import advances


@pytest.mark.parametrize(
    ("current", "new", "expected"),
    [
        (None, "sent", True),
        ("accepted", "sent", True),
        ("sent", "delivered", True),
        ("delivered", "sent", False),  # late "sent" after "delivered"
        ("delivered", "delivered", False),  # duplicate callback
        ("sent", "undelivered", True),
        ("undelivered", "delivered", False),
        ("delivered", "read", True),
        ("sent", "made-up", False),
    ],
)
def test_status_only_moves_forward(current: str | None, new: str, expected: bool) -> None:
    assert advances(current, new) is expected
