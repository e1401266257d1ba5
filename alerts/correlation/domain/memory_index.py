"""Incidents in memory, found by grid cell and time, for benchmarks and replays.

The database pipeline does the same with an incident-cell table; this one
needs no database, so a day of alerts can be replayed through `decide` in
seconds. Memory stays flat over a long stream when idle incidents are
evicted: they can no longer match anything anyway.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TypeVar

from alerts.correlation.domain.cells import cell_of, cells_near, time_bucket
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules

K = TypeVar("K")


class CellTimeIndex:
    """Incidents filed under the cells of their best point and track points,
    and under the hour they were last active (for eviction)."""

    def __init__(self, rules: CorrelationRules) -> None:
        self._rules = rules
        self._incidents: dict[int, IncidentView] = {}
        self._by_cell: defaultdict[str, set[int]] = defaultdict(set)
        self._cells_of: dict[int, frozenset[str]] = {}
        self._by_hour: defaultdict[int, set[int]] = defaultdict(set)
        self._hour_of: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._incidents)

    def candidates(self, report: ReportFacts) -> list[IncidentView]:
        """Incidents within the report's reach, recent enough to match or continue.

        Open incidents are kept while the report falls within the longest window
        of their last report; closed ones while it falls within that window or
        the reopen window of their closing, as the database pipeline does.
        """
        if report.point is None or report.radius_m is None:
            return []
        at = report.received_at
        since = at - self._rules.max_window
        closed_since = at - max(self._rules.max_window, self._rules.reopen_window)
        seen: set[int] = set()
        for cell in cells_near(report.point, report.radius_m):
            ids = self._by_cell.get(cell)
            if ids:
                seen |= ids
        found = []
        for incident_id in sorted(seen):
            incident = self._incidents[incident_id]
            if incident.closed_at is None:
                recent = incident.last_report_at >= since
            else:
                recent = incident.closed_at >= closed_since
            if recent:
                found.append(incident)
        return found

    def get(self, incident_id: int) -> IncidentView | None:
        """The incident as last put, unless evicted."""
        return self._incidents.get(incident_id)

    def put(self, incident: IncidentView) -> None:
        """Insert or replace the incident, re-filing it under its current cells."""
        incident_id = incident.id
        self._incidents[incident_id] = incident
        cells = _cells(incident)
        old = self._cells_of.get(incident_id, frozenset())
        if cells != old:
            for cell in old - cells:
                _unfile(self._by_cell, cell, incident_id)
            for cell in cells - old:
                self._by_cell[cell].add(incident_id)
            self._cells_of[incident_id] = cells
        hour = time_bucket(_last_active(incident))
        old_hour = self._hour_of.get(incident_id)
        if hour != old_hour:
            if old_hour is not None:
                _unfile(self._by_hour, old_hour, incident_id)
            self._by_hour[hour].add(incident_id)
            self._hour_of[incident_id] = hour

    def evict_before(self, moment: datetime) -> int:
        """Forget incidents last active before `moment`; how many were dropped.

        Whole hours before `moment` go at once; in `moment`'s own hour each
        incident is checked, so none active at or after `moment` is dropped.
        """
        limit = time_bucket(moment)
        dropped = 0
        for hour in [h for h in self._by_hour if h <= limit]:
            for incident_id in list(self._by_hour[hour]):
                if hour == limit and _last_active(self._incidents[incident_id]) >= moment:
                    continue
                self._drop(incident_id)
                dropped += 1
        return dropped

    def _drop(self, incident_id: int) -> None:
        self._incidents.pop(incident_id)
        for cell in self._cells_of.pop(incident_id, frozenset()):
            _unfile(self._by_cell, cell, incident_id)
        hour = self._hour_of.pop(incident_id)
        _unfile(self._by_hour, hour, incident_id)


def _unfile(table: dict[K, set[int]], key: K, incident_id: int) -> None:
    """Remove the id; drop the key when nothing is left under it (memory stays flat)."""
    ids = table.get(key)
    if ids is not None:
        ids.discard(incident_id)
        if not ids:
            del table[key]


def _cells(incident: IncidentView) -> frozenset[str]:
    points = [p.point for p in incident.track]
    if incident.point is not None:
        points.append(incident.point)
    return frozenset(cell_of(point) for point in points)


def _last_active(incident: IncidentView) -> datetime:
    if incident.closed_at is None:
        return incident.last_report_at
    return max(incident.last_report_at, incident.closed_at)
