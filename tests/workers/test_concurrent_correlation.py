"""Reports of one attack, processed at the same moment by four RQ worker processes,
end in one incident (PostgreSQL in CI: advisory locks per grid cell)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from alerts.correlation.models import Incident, Report
from alerts.dispatch.models import Tasking
from tests.live import LiveSystem, process_env

WORKERS = 4
REPORTS = 16


def test_four_workers_one_attack_one_incident(system: LiveSystem) -> None:
    # Sixteen villagers text about one attack, a few hundred metres apart.
    for index in range(REPORTS):
        lat = 0.5447 + (index % 4) * 0.001
        lon = 29.4639 + (index // 4) * 0.001
        system.text(f"+2439900{index:05d}", f"attaque en cours {lat:.4f}, {lon:.4f} tirs")
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "alerts", "worker", "--burst", "--without-scheduler"],
            env=process_env(system.settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=180)
        assert worker.returncode == 0, errors[-2000:]

    with system.factory() as session:
        incidents = session.scalars(select(Incident)).all()
        assert len(incidents) == 1, [(i.id, i.lat, i.lon) for i in incidents]
        incident = incidents[0]
        assert incident.informants == REPORTS
        reports = session.scalar(select(func.count()).select_from(Report)) or 0
        assert reports == REPORTS
        assert len(session.scalars(select(Tasking)).all()) == 1
