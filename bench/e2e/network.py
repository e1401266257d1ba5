"""The mission the end-to-end benchmark loads: many bases, each with its QRFs, and
informants registered to villages spread over eastern DR Congo.

Generated, not the example file: the example's six ready QRFs would all be tasked
in the first second of a 50 alerts/s run. Every number is in the fictional
ranges the example network uses (+24381... staff, +24397... informants).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from alerts.network.domain.network_file import NetworkFile, parse_network

# Where bases, villages and attacks are: eastern DR Congo, North Kivu and Ituri.
LAT_RANGE = (-1.9, 2.1)
LON_RANGE = (27.9, 30.7)
MISSION = "MONUSCO"


@dataclass(frozen=True)
class Shape:
    bases: int
    qrfs_per_base: int
    villages: int
    focal_points: int

    @property
    def qrfs(self) -> int:
        return self.bases * self.qrfs_per_base


def unit_phone(index: int) -> str:
    return f"+24381{100000 + index:06d}"


def focal_point_phone(index: int) -> str:
    return f"+2439701{index:05d}"


def _grid(count: int) -> list[tuple[float, float]]:
    """`count` points on a regular grid over the area, rows of about equal length."""
    columns = max(1, round(count**0.5))
    rows = -(-count // columns)
    lat_step = (LAT_RANGE[1] - LAT_RANGE[0]) / rows
    lon_step = (LON_RANGE[1] - LON_RANGE[0]) / columns
    return [
        (
            round(LAT_RANGE[0] + (i // columns + 0.5) * lat_step, 4),
            round(LON_RANGE[0] + (i % columns + 0.5) * lon_step, 4),
        )
        for i in range(count)
    ]


def network_document(shape: Shape, seed: int = 7) -> dict[str, Any]:
    """The network file as a parsed YAML document would be."""
    rng = random.Random(seed)
    bases, units = [], []
    for b, (lat, lon) in enumerate(_grid(shape.bases)):
        bases.append({"id": f"b{b:03d}", "name": f"Bench COB {b:03d}", "lat": lat, "lon": lon,
                      "sector": f"Sector {b % 4}"})  # fmt: skip
        for q in range(shape.qrfs_per_base):
            number = b * shape.qrfs_per_base + q
            units.append({"callsign": f"QRF-B{b:03d}-{q}", "base": f"b{b:03d}", "role": "qrf",
                          "notice_to_move_min": rng.choice((10, 15, 20, 30)),
                          "phones": [unit_phone(number)], "status": "ready"})  # fmt: skip
    places = [
        {"name": f"Kijiji {v:04d}", "lat": round(rng.uniform(*LAT_RANGE), 4),
         "lon": round(rng.uniform(*LON_RANGE), 4)}
        for v in range(shape.villages)
    ]  # fmt: skip
    senders = [
        {"phone": focal_point_phone(f), "role": "focal_point",
         "place": places[f % shape.villages]["name"], "language": rng.choice(("fr", "sw"))}
        for f in range(shape.focal_points)
    ]  # fmt: skip
    return {"mission": MISSION, "bases": bases, "units": units, "places": places,
            "senders": senders}  # fmt: skip


def bench_network(shape: Shape) -> NetworkFile:
    return parse_network(network_document(shape))
