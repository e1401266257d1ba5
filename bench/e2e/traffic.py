"""The alerts of one run: who texts what, and when. Pure: a seed gives the same run.

Most alerts are distinct attacks at coordinates of their own, far enough apart
that each opens an incident and, under the default tasking policy (attacks,
abductions and burnings are tasked at once), tasks a QRF. Some are a second
informant's report of an attack just reported, at nearly the same spot, which
joins its incident; a few are the same informant sending the same words again,
which the system keeps as a duplicate.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Literal

from bench.e2e.network import LAT_RANGE, LON_RANGE

Kind = Literal["new", "second", "resend"]

TEMPLATES = (
    "Attaque en cours {lat}, {lon}, des hommes armés tirent près du marché.",
    "Shambulio linaendelea sasa hivi {lat}, {lon}, watu wenye silaha wanapiga risasi.",
    "Enlèvement de {n} personnes au champ, position {lat}, {lon}, ils partent vers la forêt.",
    "Nyumba zinachomwa moto {lat} {lon}, washambulizi wamevaa sare za jeshi. Njooni haraka.",
    "Attack now at {lat}, {lon}, armed men shooting at the market.",
    "Des hommes armés attaquent le village, ils tirent. Position {lat}, {lon}.",
)
SECOND_TEMPLATES = (
    "Ici aussi on entend les tirs {lat}, {lon}, les gens fuient.",
    "Mimi pia nasikia risasi {lat}, {lon}, watu wanakimbia.",
)
JITTER_DEG = 0.0003  # a second informant's coordinates: some 30 m off the first's
RECENT = 40  # a second report is about one of the last attacks reported


@dataclass(frozen=True)
class Alert:
    due_s: float  # seconds after the start of the load
    sid: str
    sender: str
    body: str
    kind: Kind
    attack: int  # which attack it reports; the same for a second report and a resend


@dataclass(frozen=True)
class Mix:
    second: float = 0.10  # share of alerts that are a second informant's report
    resend: float = 0.04  # share that repeat their sender's previous alert word for word
    strangers: float = 0.25  # share of senders who are not registered focal points


def _coordinates(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(*LAT_RANGE), 4), round(rng.uniform(*LON_RANGE), 4)


def sender_pool(registered: list[str], strangers: int) -> list[str]:
    return registered + [f"+2439702{i:05d}" for i in range(strangers)]


def schedule(
    rate: float, duration_s: float, senders: list[str], mix: Mix, seed: int = 20240601
) -> list[Alert]:
    """Alerts at a steady `rate` per second for `duration_s`, in order of due time.

    Evenly spaced, not Poisson: the measure asks for a sustained rate, and even
    spacing keeps every second's load the same so that latency over time shows
    the system, not the dice.
    """
    rng = random.Random(seed)
    count = int(rate * duration_s)
    alerts: list[Alert] = []
    attacks: list[tuple[float, float, str]] = []  # (lat, lon, first sender)
    last_of: dict[str, Alert] = {}
    for i in range(count):
        due = i / rate
        sid = "SM" + secrets.token_hex(16)
        roll = rng.random()
        sender = rng.choice(senders)
        previous = last_of.get(sender)
        if roll < mix.resend and previous is not None:
            alert = Alert(due, sid, sender, previous.body, "resend", previous.attack)
        elif roll < mix.resend + mix.second and attacks:
            attack = rng.randrange(max(0, len(attacks) - RECENT), len(attacks))
            lat, lon, first = attacks[attack]
            while sender == first:
                sender = rng.choice(senders)
            lat += rng.uniform(-JITTER_DEG, JITTER_DEG)
            lon += rng.uniform(-JITTER_DEG, JITTER_DEG)
            body = rng.choice(SECOND_TEMPLATES).format(lat=f"{lat:.4f}", lon=f"{lon:.4f}")
            alert = Alert(due, sid, sender, body, "second", attack)
        else:
            lat, lon = _coordinates(rng)
            attacks.append((lat, lon, sender))
            body = rng.choice(TEMPLATES).format(lat=f"{lat:.4f}", lon=f"{lon:.4f}",
                                                n=rng.randint(2, 9))  # fmt: skip
            alert = Alert(due, sid, sender, body, "new", len(attacks) - 1)
        alerts.append(alert)
        last_of[alert.sender] = alert
    return alerts
