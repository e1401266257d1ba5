"""Fake external services on loopback, for parts that are optional in production."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Flask, Response, jsonify, request


@dataclass
class FakeNominatim:
    """Answers /search like Nominatim, from `known` (lower-cased query → lat, lon, name)."""

    url: str = ""
    delay_s: float = 0.0
    known: dict[str, tuple[float, float, str]] = field(
        default_factory=lambda: {"mavivi": (0.5447, 29.4639, "Mavivi, Beni")}
    )
    calls: list[tuple[float, dict[str, str]]] = field(default_factory=list)

    def app(self) -> Flask:
        app = Flask("fake-nominatim")

        @app.get("/search")
        def search() -> Response:
            self.calls.append((time.monotonic(), request.args.to_dict()))
            time.sleep(self.delay_s)
            hit = self.known.get(request.args.get("q", "").strip().lower())
            if hit is None:
                return jsonify([])
            lat, lon, name = hit
            return jsonify(
                [
                    {
                        "lat": str(lat),
                        "lon": str(lon),
                        "display_name": name,
                        "place_id": 1,
                        "osm_type": "node",
                        "osm_id": 1,
                    }
                ]
            )

        return app
