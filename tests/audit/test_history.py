"""Historical imports: the seed tables with their counts, bad rows named, good rows kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.history import HistoryFileError, import_history, shipped_files
from alerts.audit.models import HistoricalIncident
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.timeline.models import Event

SEEDS = {p.stem: p for p in shipped_files()}


def load(factory: sessionmaker[Session], clock: FakeClock, raw: bytes, dataset: str):  # type: ignore[no-untyped-def]
    with write_transaction(factory) as session:
        return import_history(session, clock.now(), raw, dataset=dataset, actor="test")


def rows(factory: sessionmaker[Session], dataset: str) -> list[HistoricalIncident]:
    with factory() as session:
        return list(
            session.scalars(
                select(HistoricalIncident)
                .where(HistoricalIncident.dataset == dataset)
                .order_by(HistoricalIncident.line)
            )
        )


def test_ten_deadliest_attacks_none_with_a_response_during(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    """000 lines 149-167: the ten deadliest attacks of 2010-2013."""
    path = SEEDS["oios_2014_deadliest_attacks"]
    summary = load(factory, clock, path.read_bytes(), "oios-2014")
    assert (summary.kept, summary.errors) == (10, [])
    attacks = rows(factory, "oios-2014")
    assert len(attacks) == 10 and {a.kind for a in attacks} == {"attack"}
    assert [a.response_during for a in attacks] == [False] * 10
    assert [a.deaths_text for a in attacks] == [
        "600", "500-600", ">328", ">182", "150", ">112", ">100", ">100", ">100", "100",
    ]  # fmt: skip
    assert [(a.deaths_low, a.deaths_high) for a in attacks[:3]] == [
        (600, 600),
        (500, 600),
        (329, None),
    ]
    missions = [a.mission for a in attacks]
    assert missions.count("UNAMID") == 5 and missions.count("UNMISS") == 3
    assert missions.count("MONUSCO") == 2  # MONUC's Mabanga ya Talo counts as MONUSCO
    mabanga = next(a for a in attacks if a.mission_text == "MONUC")
    assert mabanga.mission == "MONUSCO" and str(mabanga.date_first) == "2010-12-14"
    assert all(a.date_first is not None for a in attacks)


def test_nine_dated_refusals(factory: sessionmaker[Session], clock: FakeClock) -> None:
    """002 lines 246-262: nine dated refusals, plus two undated mentions."""
    path = SEEDS["oios_2017_failures_to_follow_orders"]
    summary = load(factory, clock, path.read_bytes(), "oios-2017")
    assert (summary.kept, summary.errors) == (11, [])
    refusals = [r for r in rows(factory, "oios-2017") if r.kind == "refusal"]
    dated = [r for r in refusals if r.date_first is not None]
    assert len(refusals) == 11 and len(dated) == 9
    by_mission: dict[str, int] = {}
    for r in dated:
        by_mission[r.mission] = by_mission.get(r.mission, 0) + 1
    assert by_mission == {"UNMISS": 6, "MINUSCA": 1, "MINUSMA": 2}
    juba = [r for r in dated if r.location == "Juba"]
    assert [str(r.date_first) for r in juba] == ["2016-07-11"] * 3


def test_a_bad_row_gets_its_line_number_and_good_rows_are_kept(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    text = (
        "date,mission,deaths,response_during\n"
        "#date,#org +mission,#affected +killed,#status +response_during\n"
        "18 August 2011,UNMISS,600,no\n"
        "Smarch 2012,UNAMID,10,no\n"
        '"8-22 August 2013",UNAMID,"500-600",no\n'
        "2013,,5,no\n"
        "2013,MONUC,lots,no\n"
        "2013,MONUC,5,perhaps\n"
        "2013,MONUC,5,yes,extra\n"
    )
    summary = load(factory, clock, text.encode(), "mixed")
    assert summary.kept == 2
    assert [(e.line, e.reason.split(":")[0]) for e in summary.errors] == [
        (4, "date"),
        (6, "mission"),
        (7, "deaths"),
        (8, "response_during"),
        (9, "5 cells, but the header has 4"),
    ]
    assert [r.line for r in rows(factory, "mixed")] == [3, 5]


def test_reimport_replaces_and_is_an_event(
    factory: sessionmaker[Session], clock: FakeClock, tmp_path: Path
) -> None:
    raw = SEEDS["oios_2014_deadliest_attacks"].read_bytes()
    load(factory, clock, raw, "oios-2014")
    again = load(factory, clock, raw, "oios-2014")
    assert (again.kept, again.replaced) == (10, 10)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(HistoricalIncident)) == 10
        events = session.scalars(select(Event).where(Event.kind == "history.imported")).all()
    assert len(events) == 2 and events[1].data["sha256"] == again.sha256


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"when,where\n2010,UNMISS\n", "unknown column"),
        (b"date,mission\n\xff\xfe", "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_loads_nothing(
    factory: sessionmaker[Session], clock: FakeClock, raw: bytes, message: str
) -> None:
    with pytest.raises(HistoryFileError, match=message):
        load(factory, clock, raw, "broken")
