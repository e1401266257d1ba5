from datetime import date

import pytest

from alerts.core.domain.geo import Point
from alerts.dispatch.domain.config import DispatchConfig
from alerts.dispatch.domain.routing import BaseSite, UnitState, aor_geometry, route

TODAY = date(2026, 3, 1)
BENI = BaseSite(1, "Beni", Point(0.4914, 29.4731), date(2012, 1, 1), None)
OICHA_CLOSED = BaseSite(2, "Oicha TOB", Point(0.7000, 29.5167), date(2019, 1, 1), date(2020, 6, 30))
GOMA = BaseSite(3, "Goma", Point(-1.6792, 29.2228), date(2010, 7, 1), None)
FUTURE_TOB = BaseSite(4, "Eringeti TOB", Point(0.5833, 29.5667), date(2027, 1, 1), None)
MAVIVI = Point(0.5447, 29.4639)


def qrf(unit_id: int, base_id: int, status: str = "ready") -> UnitState:
    return UnitState(unit_id, f"QRF-{unit_id}", base_id, "qrf", status, 15)


def test_nearest_open_base_and_its_ready_qrf() -> None:
    decision = route(MAVIVI, [BENI, GOMA], [qrf(10, 1), qrf(30, 3)], TODAY)
    assert decision.base_id == 1
    assert decision.unit_id == 10
    assert decision.reason == "nearest-open-base"
    assert decision.unit_reason == "base-qrf-ready"


def test_closed_and_not_yet_open_bases_are_skipped_but_recorded() -> None:
    point = Point(0.70, 29.52)  # right at the closed Oicha TOB
    decision = route(point, [BENI, OICHA_CLOSED, FUTURE_TOB, GOMA], [qrf(10, 1)], TODAY)
    assert decision.base_id == 1
    notes = {c.name: (c.eligible, c.note) for c in decision.candidates if c.kind == "base"}
    assert notes["Oicha TOB"] == (False, "closed")
    assert notes["Eringeti TOB"] == (False, "closed")
    assert notes["Beni"] == (True, "open")


def test_falls_back_to_nearest_other_ready_qrf() -> None:
    units = [qrf(10, 1, status="unavailable"), qrf(30, 3)]
    decision = route(MAVIVI, [BENI, GOMA], units, TODAY)
    assert decision.base_id == 1
    assert decision.unit_id == 30
    assert decision.unit_reason == "nearest-other-qrf-ready"
    unavailable = next(c for c in decision.candidates if c.id == 10 and c.kind == "unit")
    assert not unavailable.eligible and unavailable.note == "unavailable"


def test_patrols_are_not_qrfs() -> None:
    patrol = UnitState(11, "PATROL", 1, "patrol", "ready", 5)
    decision = route(MAVIVI, [BENI], [patrol], TODAY)
    assert decision.unit_id is None
    assert decision.unit_reason == "no-qrf-ready"


def test_no_open_base_and_unlocated() -> None:
    assert route(MAVIVI, [OICHA_CLOSED], [], TODAY).reason == "no-open-base"
    assert route(None, [BENI], [qrf(10, 1)], TODAY).reason == "unlocated"


def test_decision_record_is_json_ready() -> None:
    record = route(MAVIVI, [BENI, GOMA], [qrf(10, 1)], TODAY).as_record()
    beni = record["candidates"][0]  # type: ignore[index]
    assert beni["name"] == "Beni" and 5_000 < beni["distance_m"] < 7_000


def test_a_unit_already_tasked_for_the_incident_is_not_asked_again() -> None:
    decision = route(MAVIVI, [BENI, GOMA], [qrf(10, 1), qrf(30, 3)], TODAY, frozenset({10}))
    assert decision.unit_id == 30
    declined = next(c for c in decision.candidates if c.kind == "unit" and c.id == 10)
    assert (declined.eligible, declined.note) == (False, "already tasked for this incident")


# Kiwanja COB's AOR from the example network: Rutshuru, Kiwanja and the roads around.
KIWANJA_AOR = aor_geometry(
    {
        "type": "Polygon",
        "coordinates": [
            [[29.38, -1.05], [29.55, -1.05], [29.60, -1.20], [29.50, -1.30], [29.36, -1.26],
             [29.38, -1.05]]
        ],
    }
)  # fmt: skip
RUTSHURU = Point(-1.1867, 29.4453)


def test_the_base_whose_aor_contains_the_incident_is_responsible_even_if_another_is_nearer() -> (
    None
):
    near = BaseSite(5, "Rutshuru post", Point(-1.19, 29.44), date(2012, 1, 1), None)
    kiwanja = BaseSite(6, "Kiwanja COB", Point(-1.17, 29.46), date(2010, 7, 1), None, KIWANJA_AOR)
    decision = route(RUTSHURU, [near, kiwanja], [qrf(60, 6), qrf(50, 5)], TODAY)
    assert (decision.base_id, decision.reason) == (6, "aor")
    assert (decision.unit_id, decision.unit_reason) == (60, "base-qrf-ready")
    notes = {c.name: c.note for c in decision.candidates if c.kind == "base"}
    assert notes["Kiwanja COB"] == "open, AOR contains the incident"


def test_a_closed_base_is_not_responsible_for_its_old_aor() -> None:
    closed = BaseSite(6, "Kiwanja TOB", Point(-1.17, 29.46), date(2010, 1, 1), date(2015, 1, 1),
                      KIWANJA_AOR)  # fmt: skip
    decision = route(RUTSHURU, [closed, GOMA], [qrf(30, 3)], TODAY)
    assert (decision.base_id, decision.reason) == (3, "nearest-open-base")


def test_another_base_s_qrf_is_chosen_by_notice_to_move_plus_travel_time() -> None:
    # Goma's QRF is farther but flies; Beni-area TOB's QRF drives and needs 2 hours' notice.
    eringeti = BaseSite(7, "Eringeti COB", Point(0.5833, 29.5667), date(2015, 1, 1), None)
    slow = UnitState(70, "QRF-ERINGETI", 7, "qrf", "ready", 120, "road")
    flying = UnitState(30, "QRF-GOMA-AIR", 3, "qrf", "ready", 20, "air")
    busy = qrf(10, 1, status="deployed")
    decision = route(MAVIVI, [BENI, GOMA, eringeti], [busy, slow, flying], TODAY)
    assert decision.base_id == 1
    assert (decision.unit_id, decision.unit_reason) == (30, "nearest-other-qrf-ready")
    etas = {c.name: c.eta_s for c in decision.candidates if c.kind == "unit"}
    assert etas["QRF-GOMA-AIR"] is not None and etas["QRF-ERINGETI"] is not None
    assert etas["QRF-GOMA-AIR"] < etas["QRF-ERINGETI"]


@pytest.mark.parametrize(
    ("mode", "kmh", "detour"),
    [("road", 25.0, 1.4), ("foot", 4.0, 1.3), ("air", 180.0, 1.0), ("boat", 25.0, 1.4)],
)
def test_travel_time_follows_the_mode_s_speed_and_detour(
    mode: str, kmh: float, detour: float
) -> None:
    assert DispatchConfig().travel_s(10_000, mode) == pytest.approx(10 * detour / kmh * 3600)


def test_the_record_keeps_the_chosen_unit_s_eta_and_every_candidate() -> None:
    record = route(MAVIVI, [BENI, GOMA], [qrf(10, 1), qrf(30, 3)], TODAY).as_record()
    candidates = record["candidates"]
    assert isinstance(candidates, list) and len(candidates) == 4
    assert isinstance(record["eta_s"], int) and record["eta_s"] >= 15 * 60
