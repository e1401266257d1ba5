"""Failed logins: per account as configured, per address ten times that."""

from __future__ import annotations

from redis import Redis

from alerts.console.login_throttle import LoginThrottle


def test_per_account_and_per_address(redis: Redis, redis_url: str) -> None:
    throttle = LoginThrottle(redis_url, "2 per minute")
    for _ in range(2):
        throttle.failed("10.0.0.1", "amina")
    assert not throttle.allowed("10.0.0.1", "amina")
    assert not throttle.allowed("10.0.0.2", "Amina")  # the account, from anywhere
    assert throttle.allowed("10.0.0.1", "bisimwa")  # a colleague behind the same NAT
    for index in range(18):
        throttle.failed("10.0.0.1", f"guess{index}")
    assert not throttle.allowed("10.0.0.1", "someone-else")
    assert not any(b"amina" in key for key in redis.keys("*"))


def test_counts_in_process_when_redis_is_down() -> None:
    throttle = LoginThrottle("redis://127.0.0.1:1/0", "2 per minute")
    throttle.failed("10.0.0.1", "amina")
    throttle.failed("10.0.0.1", "amina")
    assert not throttle.allowed("10.0.0.1", "amina")
