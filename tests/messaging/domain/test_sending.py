from datetime import timedelta

import pytest

from alerts.messaging.domain.sending import send_lease


def test_the_lease_outlasts_both_calls_of_an_attempt() -> None:
    assert send_lease(10) > 2 * timedelta(seconds=10)
    assert send_lease(30) > 2 * timedelta(seconds=30)


def test_a_call_without_a_timeout_has_no_lease() -> None:
    with pytest.raises(ValueError, match="timeout above 0"):
        send_lease(0)
