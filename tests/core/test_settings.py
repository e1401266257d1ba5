from datetime import timedelta
from pathlib import Path

import pytest

from alerts.core.domain.rates import Rate
from alerts.core.settings import SETTINGS_HELP, Settings, SettingsError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.twilio_api_base is None  # unset means real Twilio
    assert settings.geocoder_url is None  # the online geocoder is off by default
    assert settings.proxy_hops == 0  # X-Forwarded-For is trusted only when told to


def test_values_are_read_and_typed() -> None:
    settings = Settings.from_env(
        {
            "ALERTS_SMS_AUTO_REPLY": "0",
            "ALERTS_SAME_SENDER_WINDOW_S": "600",
            "TWILIO_API_BASE": "http://127.0.0.1:5025",
            "ALERTS_GEOCODER_URL": "http://127.0.0.1:8080",
            "ALERTS_GEOCODER_TIMEOUT_S": "1.5",
            "ALERTS_PROXY_HOPS": "1",
        }
    )
    assert settings.proxy_hops == 1
    assert settings.sms_auto_reply is False
    assert settings.same_sender_window == timedelta(minutes=10)
    assert settings.uses_sandbox
    assert settings.geocoder_timeout_s == 1.5


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALERTS_SMS_AUTO_REPLY": "maybe"}, "ALERTS_SMS_AUTO_REPLY must be 1 or 0"),
        ({"ALERTS_PUBLIC_URL": "alerts.example.org"}, "must start with http"),
        ({"TWILIO_API_BASE": "localhost:5025"}, "TWILIO_API_BASE must be a URL"),
        ({"ALERTS_GEOCODER_KIND": "google"}, "nominatim or photon"),
        ({"ALERTS_GEOCODER_TIMEOUT_S": "fast"}, "number of seconds"),
        ({"ALERTS_PROXY_HOPS": "-1"}, "ALERTS_PROXY_HOPS must be 0 or more"),
        ({"ALERTS_PROXY_HOPS": "nginx"}, "ALERTS_PROXY_HOPS must be a whole number"),
    ],
)
def test_bad_values_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_missing_secrets_say_how_to_make_them() -> None:
    with pytest.raises(SettingsError, match="alerts keys generate"):
        Settings.from_env({}).require_data_key()


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [name for name in SETTINGS_HELP if f"| `{name}` |" not in readme]
    assert missing == []


def test_health_bounds_are_read_and_checked() -> None:
    bounds = Settings.from_env(
        {
            "ALERTS_REPROCESS_AFTER_S": "120",
            "ALERTS_PROCESS_MAX_ATTEMPTS": "5",
            "ALERTS_SCHEDULER_STALE_S": "20",
            "ALERTS_WORKER_STALE_S": "90",
            "ALERTS_READY_MAX_UNPROCESSED": "50",
            "ALERTS_READY_MAX_UNRELAYED": "10",
            "ALERTS_REDIS_MEMORY_ALARM_PCT": "80",
        }
    ).health
    assert (bounds.reprocess_after, bounds.max_process_attempts) == (timedelta(minutes=2), 5)
    assert (bounds.scheduler_stale, bounds.worker_stale) == (
        timedelta(seconds=20),
        timedelta(seconds=90),
    )
    assert (bounds.max_unprocessed, bounds.max_unrelayed, bounds.redis_memory_pct) == (50, 10, 80)
    assert Settings.from_env({}).health.reprocess_after == timedelta(minutes=5)
    for env, message in (
        ({"ALERTS_REPROCESS_AFTER_S": "0"}, "positive number of seconds"),
        ({"ALERTS_PROCESS_MAX_ATTEMPTS": "-1"}, "0 or more"),
        ({"ALERTS_REDIS_MEMORY_ALARM_PCT": "120"}, "a percentage"),
    ):
        with pytest.raises(SettingsError, match=message):
            Settings.from_env(env)


def test_rotation_keys_and_retention_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "ALERTS_DATA_KEY": "n" * 32,
            "ALERTS_DATA_KEY_PREVIOUS": " o1" + "x" * 20 + ", o2" + "y" * 20 + " ,",
            "ALERTS_NUMBER_RETENTION_DAYS": "30",
        }
    )
    assert settings.data_key_previous == ("o1" + "x" * 20, "o2" + "y" * 20)
    assert settings.number_retention == timedelta(days=30)
    assert Settings.from_env({}).number_retention == timedelta(days=90)
    with pytest.raises(SettingsError, match="ALERTS_NUMBER_RETENTION_DAYS"):
        Settings.from_env({"ALERTS_NUMBER_RETENTION_DAYS": "0"})
    with pytest.raises(SettingsError, match="must not hold ALERTS_DATA_KEY"):
        Settings.from_env({"ALERTS_DATA_KEY": "n" * 32, "ALERTS_DATA_KEY_PREVIOUS": "n" * 32})


def test_the_reveal_limit_is_a_rate() -> None:
    assert Settings().reveal_limit == Rate(10, timedelta(hours=1))
    chosen = Settings.from_env({"ALERTS_REVEAL_LIMIT": "3 per 15 minutes"}).reveal_limit
    assert chosen == Rate(3, timedelta(minutes=15))
    with pytest.raises(SettingsError, match="ALERTS_REVEAL_LIMIT: expected a rate"):
        Settings.from_env({"ALERTS_REVEAL_LIMIT": "3"})
