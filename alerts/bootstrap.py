"""The services' context built from settings: one recipe for workers, the
scheduler, the web console and the CLI, so none of them wires adapters its own way."""

from __future__ import annotations

from sqlalchemy import Engine

from alerts.core.clock import Clock
from alerts.core.context import ServiceContext
from alerts.core.db.clock import DatabaseClock
from alerts.core.db.session import make_engine, session_factory
from alerts.core.ports import SmsSender
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.correlation.rules_file import load_correlation_rules
from alerts.dispatch.rules_file import load_dispatch_config
from alerts.locating.geocoder import HttpGeocoder
from alerts.locating.keywords import load_keyword_lists
from alerts.locating.locator import Geocoder, Locator, PlaceIndexCache
from alerts.messaging.domain.sending import send_lease
from alerts.messaging.twilio_sms import TwilioSmsSender, build_twilio_client


def service_context(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sms: SmsSender | None = None,
    engine: Engine | None = None,
) -> ServiceContext:
    """Everything a service call needs, from `settings`.

    Args:
        clock: the one clock of this process: the database's by default (see
            `DatabaseClock`), a FakeClock in tests and replays.
        sms: the SMS port; the Twilio SDK (real Twilio or the sandbox) by default.
        engine: reuse an engine the caller already holds.
    """
    engine = engine or make_engine(settings.database_url, settings.db_timeouts)
    return ServiceContext(
        factory=session_factory(engine),
        vault=PhoneVault(settings.require_data_key(), settings.data_key_previous),
        clock=clock or DatabaseClock(engine),
        sms=sms or TwilioSmsSender(build_twilio_client(settings), settings.sms_from),
        status_callback_url=settings.url_for("/sms/twilio/status"),
        locator=Locator(PlaceIndexCache(), geocoder_from(settings)),
        keywords=load_keyword_lists(settings.keywords_dir),
        correlation=load_correlation_rules(settings.correlation_file),
        duplicate_window=settings.duplicate_window,
        same_sender_window=settings.same_sender_window,
        default_language=settings.default_language,
        dispatch=load_dispatch_config(settings),
        sms_lane=settings.sms_from,
        sms_segments_per_s=settings.sms_segments_per_s,
        send_lease=send_lease(settings.twilio_timeout_s),
    )


def geocoder_from(settings: Settings) -> Geocoder | None:
    if not settings.geocoder_url:
        return None
    return HttpGeocoder(
        settings.geocoder_url,
        "photon" if settings.geocoder_kind == "photon" else "nominatim",
        timeout_s=settings.geocoder_timeout_s,
        min_interval_s=settings.geocoder_min_interval_s,
    )
