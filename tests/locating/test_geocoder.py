"""The optional geocoder, against a fake Nominatim server on loopback."""

from __future__ import annotations

import itertools
import threading

import pytest

from alerts.locating.geocoder import HttpGeocoder
from alerts.supervisor import free_port
from tests.fakes import FakeNominatim


def test_finds_a_place_and_restricts_the_countries(nominatim: FakeNominatim) -> None:
    hit = HttpGeocoder(nominatim.url, min_interval_s=0).geocode("Mavivi")
    assert hit is not None
    assert (hit.point.lat, hit.point.lon, hit.name) == (0.5447, 29.4639, "Mavivi, Beni")
    assert nominatim.calls[0][1]["countrycodes"] == "cd,ss,cf,ml,sd"


def test_not_found_is_none(nominatim: FakeNominatim) -> None:
    assert HttpGeocoder(nominatim.url, min_interval_s=0).geocode("Atlantis") is None


def test_a_slow_server_times_out_to_none(nominatim: FakeNominatim) -> None:
    nominatim.delay_s = 2.0
    assert HttpGeocoder(nominatim.url, timeout_s=0.3, min_interval_s=0).geocode("Mavivi") is None


def test_a_dead_server_is_none() -> None:
    assert HttpGeocoder(f"http://127.0.0.1:{free_port()}", min_interval_s=0).geocode("x") is None


def test_calls_are_spaced_by_the_rate_limit(nominatim: FakeNominatim) -> None:
    geocoder = HttpGeocoder(nominatim.url, min_interval_s=0.3)
    threads = [threading.Thread(target=geocoder.geocode, args=("Mavivi",)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(t for t, _ in nominatim.calls)
    assert len(times) == 3
    assert all(later - earlier >= 0.25 for earlier, later in itertools.pairwise(times))


def test_rejects_a_url_that_is_not_http() -> None:
    with pytest.raises(ValueError, match="geocoder URL"):
        HttpGeocoder("ftp://example.org")
