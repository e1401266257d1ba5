from datetime import timedelta
from pathlib import Path

import pytest

from alerts.core.settings import SETTINGS_HELP, Settings, SettingsError


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.twilio_api_base is None  # unset means real Twilio
    assert settings.geocoder_url is None  # the online geocoder is off by default


def test_values_are_read_and_typed() -> None:
    settings = Settings.from_env(
        {
            "ALERTS_SMS_AUTO_REPLY": "0",
            "ALERTS_SAME_SENDER_WINDOW_S": "600",
            "TWILIO_API_BASE": "http://127.0.0.1:5025",
            "ALERTS_GEOCODER_URL": "http://127.0.0.1:8080",
            "ALERTS_GEOCODER_TIMEOUT_S": "1.5",
        }
    )
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
