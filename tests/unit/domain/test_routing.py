from datetime import date

from alerts.domain.geo import Point
from alerts.domain.routing import BaseSite, UnitState, route

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


def test_a_unit_that_declined_is_not_asked_again() -> None:
    decision = route(MAVIVI, [BENI, GOMA], [qrf(10, 1), qrf(30, 3)], TODAY, frozenset({10}))
    assert decision.unit_id == 30
    declined = next(c for c in decision.candidates if c.kind == "unit" and c.id == 10)
    assert (declined.eligible, declined.note) == (False, "declined this incident")
