"""`alerts geolocate`: where is this alert, and what is it about?"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.db.session import make_engine, session_factory
from alerts.core.domain.geo import Location, Point
from alerts.locating.domain.geolocation import GazetteerIndex, SenderContext, SenderPlace, geolocate
from alerts.locating.domain.threats import (
    KeywordListError,
    KeywordLists,
    ThreatAssessment,
    classify,
)
from alerts.locating.keywords import load_keyword_lists
from alerts.locating.locator import PlaceIndexCache
from alerts.registry.models import Place


def result_object(location: Location, threat: ThreatAssessment) -> dict[str, Any]:
    """The documented JSON shape: lat and lon are null when nothing was found."""
    return {
        "lat": location.point.lat if location.point else None,
        "lon": location.point.lon if location.point else None,
        "radius_m": location.radius_m,
        "method": location.method,
        "confidence": location.confidence,
        "place": location.place_name,
        "ambiguous": location.ambiguous,
        "candidates": [
            {"name": c.name, "lat": c.lat, "lon": c.lon, "score": c.score}
            for c in location.candidates
        ],
        "threat": threat.threat,
        "severity": threat.severity,
    }


def find_place(session: Session, name: str) -> SenderPlace | None:
    """A registered village by name; the mission's own places first."""
    place = session.scalars(
        select(Place)
        .where(func.lower(Place.name) == name.strip().lower())
        .order_by(Place.source != "network", Place.population.desc())
        .limit(1)
    ).first()
    return None if place is None else SenderPlace(place.name, Point(place.lat, place.lon))


class Geolocator:
    def __init__(self, session: Session, keywords: KeywordLists) -> None:
        self.session = session
        self.keywords = keywords
        index, self.mission_area = PlaceIndexCache().get(session)
        self.index: GazetteerIndex = index

    def locate(self, text: str, sender_place: str | None) -> dict[str, Any]:
        home = find_place(self.session, sender_place) if sender_place else None
        if sender_place and home is None:
            raise click.BadParameter(f"no place named {sender_place!r} in the database")
        context = SenderContext(home=home, mission_area=self.mission_area)
        return result_object(geolocate(text, self.index, context), classify(text, self.keywords))


def _batch(geolocator: Geolocator, lines: TextIO, out: TextIO) -> int:
    """One result per input line, in order; a bad line gets an object with `error`."""
    problems = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError('expected {"text": "...", "sender_place": "optional"}')
            sender_place = item.get("sender_place")
            if sender_place is not None and not isinstance(sender_place, str):
                raise ValueError("sender_place must be a string or null")
            result = geolocator.locate(item["text"], sender_place)
        except (ValueError, click.BadParameter) as error:
            problems += 1
            message = error.format_message() if isinstance(error, click.BadParameter) else error
            result = {"line": number, "error": str(message), "lat": None, "lon": None}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return problems


@click.command()
@click.argument("text")
@click.option(
    "--sender-place", help="The sender's registered village, used if the text names none."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (per line with -).")
@click.option(
    "--keywords",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keyword lists folder (default: ALERTS_KEYWORDS_DIR).",
)
def geolocate_command(
    text: str, sender_place: str | None, as_json: bool, keywords: Path | None
) -> None:
    """Locate TEXT and classify its threat; TEXT "-" reads JSON lines from stdin."""
    settings = load_settings()
    try:
        keyword_lists = load_keyword_lists(keywords or settings.keywords_dir)
    except KeywordListError as error:
        raise click.ClickException("\n".join(error.problems)) from None
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained(), factory() as session:
        geolocator = Geolocator(session, keyword_lists)
        if len(geolocator.index) == 0:
            raise click.ClickException(
                "the database holds no places: run `alerts network load FILE` and "
                "`alerts gazetteer import starter` first"
            )
        if text == "-":
            if not as_json:
                raise click.UsageError("reading from stdin (-) needs --json")
            problems = _batch(geolocator, sys.stdin, sys.stdout)
            if problems:
                click.echo(f"{problems} line(s) could not be read; see their `error`", err=True)
            return
        result = geolocator.locate(text, sender_place)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    _print_human(result)


def _print_human(result: dict[str, Any]) -> None:
    if result["lat"] is None:
        click.echo("unlocated: send to triage")
    else:
        click.echo(
            f"{result['lat']:.5f}, {result['lon']:.5f}  ±{result['radius_m']:.0f} m  "
            f"by {result['method']} ({result['confidence']:.0%})"
            + (f"  {result['place']}" if result["place"] else "")
        )
    if result["ambiguous"]:
        click.echo("AMBIGUOUS: a person must choose between:")
    for candidate in result["candidates"]:
        click.echo(
            f"  - {candidate['name']} {candidate['lat']:.4f}, {candidate['lon']:.4f} "
            f"(score {candidate['score']:.2f})"
        )
    click.echo(f"threat: {result['threat']}, severity {result['severity']}")
