"""`alerts audit`: the evaluator's commands on the transparency log. Each kind of
tampering done in the database itself is named; the proofs it hands out verify with
the standalone script of docs/audit.md."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.correlation.timeline import incident_timeline
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventData, EventKind
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import leaf_hash
from alerts.timeline.ledger import Subject
from alerts.timeline.log_key import load_log_key
from alerts.timeline.models import Event, LogLeaf, TreeHead
from alerts.timeline.sequencer import seal, seal_all
from tests.conftest import ROOT
from tests.dispatch.helpers import attack_at_mavivi
from tests.live import LiveSystem

SCRIPT = ROOT / "docs" / "audit_verify.py"


@dataclass(frozen=True)
class Note(EventData):
    kind: ClassVar[EventKind] = EventKind.INCIDENT_NOTE
    n: int


def write_and_seal(settings: Settings, factory: sessionmaker[Session], clock: FakeClock,
                   count: int, batches: int = 2) -> None:  # fmt: skip
    """`count` events, sealed under `batches` signed heads."""
    key = load_log_key(settings.log_key)
    for index in range(count):
        clock.advance(timedelta(seconds=1))
        with write_transaction(factory) as session:
            ledger.record(session, clock.now(), Note(index), Subject("test", index))
        if (index + 1) % max(1, count // batches) == 0:
            seal(factory, key, clock.now())
    seal(factory, key, clock.now())


def run(settings: Settings, *args: str) -> tuple[int, str]:
    env = {"ALERTS_DATABASE_URL": settings.database_url, "ALERTS_LOG_KEY": settings.log_key or ""}
    result = CliRunner().invoke(main, ["audit", *args], env=env)
    return result.exit_code, result.output


def edit(session: Session) -> None:
    session.execute(
        update(Event).where(Event.id == _event_of_leaf(session, 3)).values(data={"n": 99})
    )


def delete_leaf_and_event(session: Session) -> None:
    event_id = _event_of_leaf(session, 3)
    session.execute(delete(LogLeaf).where(LogLeaf.leaf_index == 3))
    session.execute(delete(Event).where(Event.id == event_id))


def insert_stray(session: Session) -> None:
    """A forger's row below the horizon: old transaction id (PostgreSQL) and a free low id."""
    postgres = session.get_bind().dialect.name == "postgresql"
    session.add(Event(id=0, writer_xid=1 if postgres else None, occurred_at=_time_of(session, 2),
                      actor="system", kind="incident.note", subject_type="test", subject_id=42,
                      incident_id=None, data={"n": 42}))  # fmt: skip


def reorder(session: Session) -> None:
    """Leaves 3 and 4 swap events; each keeps the hash it was sealed with."""
    three, four = _event_of_leaf(session, 3), _event_of_leaf(session, 4)
    parked = Event(occurred_at=_time_of(session, 4), actor="system", kind="incident.note",
                   subject_type="test", subject_id=None, incident_id=None, data={})  # fmt: skip
    session.add(parked)
    session.flush()  # a row to park one leaf on: every leaf names a distinct, real event
    for index, event_id in ((3, parked.id), (4, three), (3, four)):
        session.execute(
            update(LogLeaf).where(LogLeaf.leaf_index == index).values(event_id=event_id)
        )
    session.delete(parked)


def forge_head(session: Session) -> None:
    session.execute(update(TreeHead).values(root_hash="ab" * 32))


def rewrite(session: Session) -> None:
    """An edit whose stored leaf hash is edited to match: only the signed heads show it."""
    event_id = _event_of_leaf(session, 3)
    session.execute(update(Event).where(Event.id == event_id).values(data={"n": 99}))
    event = session.get(Event, event_id)
    assert event is not None
    session.refresh(event)
    digest = leaf_hash(event_leaf_bytes(event)).hex()
    session.execute(update(LogLeaf).where(LogLeaf.leaf_index == 3).values(leaf_hash=digest))


def _event_of_leaf(session: Session, index: int) -> int:
    return session.execute(text("SELECT event_id FROM log_leaves WHERE leaf_index = :i"),
                           {"i": index}).scalar_one()  # fmt: skip


def _time_of(session: Session, index: int) -> datetime:
    event = session.get(Event, _event_of_leaf(session, index))
    assert event is not None
    return event.occurred_at


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (edit, "TAMPERED (edited): event"),
        (delete_leaf_and_event, "TAMPERED (deleted): leaf 3 is missing"),
        (insert_stray, "TAMPERED (inserted): event 0 is not in the log"),
        (reorder, "TAMPERED (reordered): event"),
        (forge_head, "TAMPERED (forged head): the head of size"),
        (rewrite, "TAMPERED (rewritten): the first"),
    ],
)
def test_each_kind_of_tampering_is_named(
    settings: Settings,
    factory: sessionmaker[Session],
    clock: FakeClock,
    tamper: Callable[[Session], None],
    expected: str,
) -> None:
    write_and_seal(settings, factory, clock, 6)
    assert run(settings, "verify")[0] == 0
    with factory() as session, session.begin():
        tamper(session)
    code, output = run(settings, "verify")
    assert code == 1
    assert expected in output, output
    assert "first: " in output


def test_an_intact_log_says_what_it_checked(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    write_and_seal(settings, factory, clock, 4)
    code, output = run(settings, "verify")
    assert code == 0 and "OK: 4 leaves rebuilt from their events" in output
    assert "no anchor given" in output


def test_a_kept_anchor_catches_a_cut_off_end(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock, tmp_path: Path
) -> None:
    write_and_seal(settings, factory, clock, 6)
    code, saved = run(settings, "anchor", "--json")
    assert code == 0
    kept = tmp_path / "anchors.jsonl"
    kept.write_text(saved)
    assert run(settings, "verify", "--anchor-file", str(kept))[0] == 0
    with factory() as session, session.begin():  # the last two leaves, and every trace of them
        session.execute(text("DELETE FROM tree_heads WHERE tree_size > 4"))
        events = [_event_of_leaf(session, 4), _event_of_leaf(session, 5)]
        session.execute(text("DELETE FROM log_nodes"))
        session.execute(text("DELETE FROM log_leaves WHERE leaf_index >= 4"))
        session.execute(delete(Event).where(Event.id.in_(events)))
    code, output = run(settings, "verify", "--anchor-file", str(kept))
    assert code == 1 and "TAMPERED (truncated): a kept anchor covers 6 leaves" in output


def test_anchor_and_public_key_print_the_fixed_shapes(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    code, output = run(settings, "anchor", "--json")
    assert code == 1 and "no signed head yet" in output
    write_and_seal(settings, factory, clock, 3)
    record = json.loads(run(settings, "anchor", "--json")[1])
    assert set(record) == {"tree_size", "root_hash", "timestamp", "signature", "key_id"}
    assert record["tree_size"] == 3 and record["timestamp"].endswith("Z")
    code, key = run(settings, "public-key")
    assert code == 0 and len(base64.b64decode(key.strip())) == 32


def test_proofs_verify_with_the_standalone_script(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock, tmp_path: Path
) -> None:
    write_and_seal(settings, factory, clock, 7, batches=3)
    first = json.loads(run(settings, "anchor", "--json")[1])
    write_and_seal(settings, factory, clock, 5)
    anchor = json.loads(run(settings, "anchor", "--json")[1])
    public_key = run(settings, "public-key")[1].strip()
    files = {"anchor": anchor, "first": first}
    code, proof = run(settings, "prove", "4", "--json")
    assert code == 0
    files["proof"] = json.loads(proof)
    assert set(files["proof"]) == {"leaf_index", "tree_size", "leaf", "leaf_hash", "audit_path"}
    assert len(files["proof"]["audit_path"]) <= 20
    code, extension = run(settings, "consistency", str(first["tree_size"]), "--json")
    assert code == 0
    files["extension"] = json.loads(extension)
    assert set(files["extension"]) == {"first", "second", "first_root", "second_root", "proof"}
    for name, value in files.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(value))

    def script(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(SCRIPT), *args, "--key", public_key]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)

    inclusion = script("inclusion", "--anchor", "anchor.json", "--proof", "proof.json")
    assert inclusion.returncode == 0 and "OK" in inclusion.stdout, inclusion.stderr
    consistent = script("consistency", "--earlier", "first.json", "--later", "anchor.json",
                        "--proof", "extension.json")  # fmt: skip
    assert consistent.returncode == 0, consistent.stderr
    files["proof"]["leaf"] = files["proof"]["leaf"].replace('"n":4', '"n":5')
    (tmp_path / "proof.json").write_text(json.dumps(files["proof"]))
    forged = script("inclusion", "--anchor", "anchor.json", "--proof", "proof.json")
    assert forged.returncode == 1 and "FAILED" in forged.stderr


def test_requests_that_cannot_be_proved_say_why(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    write_and_seal(settings, factory, clock, 3)
    code, output = run(settings, "prove", "9", "--json")
    assert code == 1 and "leaf 9 is not in the head of size 3" in output
    code, output = run(settings, "prove", "0", "--size", "99", "--json")
    assert code == 1 and "no signed head of size 99; the latest are 3, 2, 1" in output
    code, output = run(settings, "prove", "--incident", "NOPE1", "--json")
    assert code == 1 and "no incident with reference" in output
    assert run(settings, "prove", "--json")[0] == 2


def test_an_incident_is_proved_alone_and_its_bundle_verifies(
    system: LiveSystem, tmp_path: Path
) -> None:
    incident = attack_at_mavivi(system)
    seal_all(system.factory, load_log_key(system.settings.log_key), system.clock.now())
    settings = system.settings
    code, output = run(settings, "prove", "--incident", incident.ref, "--json")
    assert code == 0, output
    bundle = json.loads(output)
    assert set(bundle) == {"tree_size", "root_hash", "proofs"}
    with system.factory() as session:
        timeline = {e.id for e in incident_timeline(session, incident.id)}
        sealed = set(session.scalars(select(LogLeaf.event_id)))
        everything = session.scalar(select(func.count()).select_from(Event))
    proved = {json.loads(p["leaf"])["id"] for p in bundle["proofs"]}
    # Every sealed event of this incident's timeline, and nothing of anything else.
    assert proved == timeline & sealed and len(proved) >= 5 and len(proved) < (everything or 0)
    (tmp_path / "bundle.json").write_text(output)
    (tmp_path / "anchor.json").write_text(run(settings, "anchor", "--json")[1])
    checked = subprocess.run(
        [sys.executable, str(SCRIPT), "inclusion", "--key", run(settings, "public-key")[1].strip(),
         "--anchor", "anchor.json", "--proof", "bundle.json"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert checked.returncode == 0 and "OK: leaves" in checked.stdout, checked.stderr
