"""Alert streams with known ground truth, for the correlation benchmark.

Seeded, so every run makes the same ones: events in North Kivu and Ituri, a
fifth of them with a neighbour 3-8 km away, each reported by informants who
locate it by coordinates (~100 m), a named village (3 km, the village within
3 km of the event), their home village (10 km, home 1-6 km away) or the
relaying CLA's base (25 km), or not at all; threat types mixed per event,
exact repeats by the same sender, texts in six languages.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from alerts.core.domain.geo import Point
from alerts.correlation.domain.model import ReportFacts
from alerts.correlation.domain.spatial import distance_m

START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
# North Kivu and Ituri, roughly: (south, west, north, east).
AREA = (-1.9, 28.0, 2.6, 30.9)
METRES_PER_DEGREE = 111_320.0
NEIGHBOUR_SHARE = 0.2
NEIGHBOUR_KM = (3.0, 8.0)
APART_KM = 10.0  # other events are at least this far from each other
# How each report is located, and how far its point lies from the event.
METHODS = (  # method, share, radius (m)
    ("coordinates", 0.30, 100.0),
    ("place_name", 0.40, 3_000.0),
    ("sender_place", 0.27, 10_000.0),
    ("relay_base", 0.02, 25_000.0),
    ("unlocated", 0.01, 0.0),
)
COORDINATE_SCATTER_M = 500  # informants typing a position stand around the village
VILLAGE_KM = 3.0  # a named village lies within this of the event
HOME_KM = (1.0, 6.0)  # an informant's home village, from the event
BASE_KM = (5.0, 22.0)  # the CLA base that relays an informant without a home village
REPEAT_SHARE = 0.05  # the same sender sends the same text again
SEVERITY = {"killing": 4, "sexual_violence": 4, "abduction": 4, "attack": 3, "burning": 3}

# Threat types one event is reported as: the main one, then what else informants saw.
EVENT_KINDS = (
    ("attack", ("attack", "killing", "burning", "looting", "armed_men_sighted")),
    ("killing", ("killing", "attack", "displacement")),
    ("abduction", ("abduction", "attack", "armed_men_sighted")),
    ("looting", ("looting", "burning", "attack")),
    ("armed_men_sighted", ("armed_men_sighted", "attack")),
    ("sexual_violence", ("sexual_violence", "attack", "abduction")),
)
# {p}: the place as written (a village, a position), or nothing for coarse reports.
PHRASES = {
    "attack": [
        "Attaque à {p} ce matin, {n} morts",
        "ADF ont attaqué {p} vers {h}h",
        "Armed men attacking {p} now, people fleeing",
        "watu wamevamiwa karibu na {p}",
        "basoda bazali kobundisa bato na mboka ya {p}",
        "a-zo ti ngbonga aga na kodro ti {p}",
        "nas bundug ja fi {p} de sabah",
    ],
    "killing": [
        "{n} personnes tuées à {p}",
        "{n} killed at {p} this morning",
        "Wavamizi wameingia kijiji cha {p} usiku huu, watu {n} wameuawa",
        "bato {n} babomami na {p}",
        "{n} nas mutu fi {p}",
    ],
    "burning": [
        "maisons brûlées à {p}, la population fuit",
        "houses burning in {p}",
        "nyumba zinachomwa {p} sasa hivi",
        "bandako ezali kozika na {p}",
    ],
    "looting": [
        "pillage en cours à {p}",
        "looting of shops in {p}",
        "wanapora mali {p}",
        "bayibi bazali koyiba na {p}",
    ],
    "armed_men_sighted": [
        "hommes armés aperçus près de {p}",
        "armed men seen near {p}, about {n}",
        "watu wenye silaha wameonekana {p}",
        "nas ma bundug fi {p}",
    ],
    "abduction": [
        "{n} personnes enlevées à {p}",
        "{n} people abducted from {p}",
        "watu {n} wametekwa nyara {p}",
    ],
    "sexual_violence": [
        "femmes violées à {p} cette nuit",
        "wanawake wamebakwa {p}",
        "women raped in {p}",
    ],
    "displacement": [
        "population de {p} fuit vers la brousse",
        "watu wanakimbia kutoka {p}",
        "people fleeing {p} to the bush",
    ],
}
# Messages naming no place the gazetteer knows: an alarm and a plea, in one language
# or two; located by the sender's village or relay base.
ALARMS = [
    "Attaque maintenant!", "on tire beaucoup ici", "les assaillants sont là", "tunaomba msaada",
    "risasi nyingi huko sasa hivi", "watu wanakimbia", "help us please they are shooting",
    "they are here now", "masasi ezali kobeta", "banyama bakoti", "ngbonga aga mingi",
    "nas bundug ja hini", "wavamizi wamefika",
]  # fmt: skip
PLEAS = [
    "venez vite svp", "au secours", "aidez nous", "tusaidieni haraka sana", "tosalisa",
    "e sara ye", "saidu", "come quickly", "msaada tafadhali", "",
]  # fmt: skip
# A local detail the gazetteer does not hold (a hamlet, a chief, a market day),
# which informants of one event share: "chez", "kwa", "near".
DETAILS = ["chez {d}", "kwa {d}", "near {d}", "quartier {d}", "kwa mzee {d}", "mboka {d}"]
DETAIL_SHARE = 0.25
ONSETS = "b k l m n p s t w z g f v mb nd ng ny sh ch j ts bw kw mw".split()  # noqa: SIM905
VOWELS = "a e i o u".split()  # noqa: SIM905
PREFIXES = "ki ka bu mu lu ma nya ba".split()  # noqa: SIM905


@dataclass(frozen=True)
class Event:
    id: int
    point: Point
    kind: str
    threats: tuple[str, ...]
    villages: tuple[tuple[str, Point], ...]  # named in place-name reports, the first most
    detail: str  # a local name no gazetteer holds, in some of its texts
    start: datetime
    span: timedelta  # reports arrive from `start` to `start + span`
    reports: int


def offset(point: Point, km: float, bearing: float) -> Point:
    """The point `km` away on `bearing` (radians), flat-Earth: fine for a few km."""
    dlat = km * 1000 * math.cos(bearing) / METRES_PER_DEGREE
    dlon = km * 1000 * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(point.lat)))
    return Point(point.lat + dlat, point.lon + dlon)


def around(point: Point, low_km: float, high_km: float, rng: random.Random) -> Point:
    """A point between `low_km` and `high_km` away, uniform over the ring's area."""
    km = math.sqrt(rng.uniform(low_km**2, high_km**2))
    return offset(point, km, rng.uniform(0, 2 * math.pi))


def village_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        syllables = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 3))]
        name = (rng.choice(PREFIXES) + "".join(syllables)).capitalize()
        if name not in taken:
            taken.add(name)
            return name


def events(count: int, reports: int, start: datetime, period: timedelta, span: timedelta,
           rng: random.Random) -> list[Event]:  # fmt: skip
    """`count` events sharing `reports` reports; a fifth sit 3-8 km from an earlier one,
    starting within an hour of it (neighbouring attacks of one night)."""
    south, west, north, east = AREA
    taken: set[str] = set()
    weights = [rng.lognormvariate(0, 0.8) for _ in range(count)]
    sizes = [max(3, round(reports * w / sum(weights))) for w in weights]
    made: list[Event] = []
    for event_id, size in enumerate(sizes, start=1):
        if made and rng.random() < NEIGHBOUR_SHARE:
            near = rng.choice(made)
            point = spaced(partial(around, near.point, *NEIGHBOUR_KM, rng), made, NEIGHBOUR_KM[0])
            begins = near.start + rng.uniform(-1, 1) * min(period, timedelta(hours=1))
            begins = min(max(begins, start), start + period)
        else:
            point = spaced(
                lambda: Point(rng.uniform(south, north), rng.uniform(west, east)), made, APART_KM
            )
            begins = start + rng.random() * period
        kind, threats = rng.choice(EVENT_KINDS)
        villages = tuple(
            (village_name(rng, taken), around(point, 0, VILLAGE_KM, rng))
            for _ in range(rng.choice((1, 1, 2)))
        )
        detail = village_name(rng, taken)
        made.append(Event(event_id, point, kind, threats, villages, detail, begins, span, size))
    return made


def spaced(draw: Callable[[], Point], made: list[Event], km: float) -> Point:
    """A drawn point at least `km` from every earlier event: only the neighbours meant
    to be near are near (drawn again, up to a limit, then taken as it is)."""
    point = draw()
    for _ in range(50):
        if all(distance_m(point, e.point) >= km * 1000 for e in made):
            break
        point = draw()
    return point


def stream(made: list[Event], rng: random.Random) -> tuple[list[ReportFacts], dict[int, int]]:
    """Every event's reports, in time order, with ids from 1; and report id -> event id."""
    drafts: list[tuple[datetime, int, int, Point | None, float | None, str, str, int, str]] = []
    next_sender = 1
    for event in made:
        senders = list(range(next_sender, next_sender + max(2, int(event.reports * 0.6))))
        next_sender += len(senders)
        homes = {s: around(event.point, *HOME_KM, rng) for s in senders}
        base = around(event.point, *BASE_KM, rng)
        sent: list[tuple[int, Point | None, float | None, str, str, int, str]] = []
        for _ in range(event.reports):
            at = event.start + rng.random() * event.span
            if sent and rng.random() < REPEAT_SHARE:
                drafts.append((at + timedelta(seconds=rng.uniform(5, 90)), event.id, *sent[-1]))
                continue
            sender = rng.choice(senders)
            draft = report_draft(event, sender, homes[sender], base, rng)
            sent.append(draft)
            drafts.append((at, event.id, *draft))
    drafts.sort(key=lambda d: d[0])
    facts, truth = [], {}
    for report_id, (at, event_id, sender, point, radius, method, threat, sev, text) in enumerate(
        drafts, start=1
    ):
        facts.append(ReportFacts(report_id, sender, at, point, radius, method, threat, sev, text))
        truth[report_id] = event_id
    return facts, truth


def report_draft(event: Event, sender: int, home: Point, base: Point, rng: random.Random
                 ) -> tuple[int, Point | None, float | None, str, str, int, str]:  # fmt: skip
    roll, cumulative = rng.random(), 0.0
    method, radius = METHODS[-1][0], METHODS[-1][2]
    for name, share, size in METHODS:
        cumulative += share
        if roll < cumulative:
            method, radius = name, size
            break
    threat = event.kind if rng.random() < 0.5 else rng.choice(event.threats)
    if rng.random() < 0.08:
        threat = "other"
    point: Point | None
    if method == "coordinates":
        point = around(event.point, 0, COORDINATE_SCATTER_M / 1000, rng)
        written = f"{point.lat:.4f}, {point.lon:.4f}"
    elif method == "place_name":
        name, point = event.villages[0] if rng.random() < 0.75 else rng.choice(event.villages)
        written = name if rng.random() < 0.7 else name.lower()
    else:
        point = {"sender_place": home, "relay_base": base}.get(method)
        written = ""
    text = f"{rng.choice(ALARMS)} {rng.choice(PLEAS)}".strip()
    if written:
        phrase = rng.choice(PHRASES.get(threat, PHRASES[event.kind]))
        text = phrase.format(p=written, n=rng.randint(2, 30), h=rng.randint(1, 12))
    if rng.random() < DETAIL_SHARE:
        text = f"{text} {rng.choice(DETAILS).format(d=event.detail)}"
    severity = SEVERITY.get(threat, 2) if threat != "other" else 1
    return sender, point, radius if point else None, method, threat, severity, text


def generate(
    count: int,
    reports: int,
    period: timedelta,
    span: timedelta,
    seed: int,
    limit: int | None = None,
) -> tuple[list[ReportFacts], dict[int, int], int]:
    rng = random.Random(seed)
    made = events(count, reports, START, period, span, rng)
    facts, truth = stream(made, rng)
    if limit is not None:
        facts = facts[:limit]
        truth = {f.id: truth[f.id] for f in facts}
    return facts, truth, len(set(truth.values()))
