"""The labelled sets: messages with their true place, and what a locator answered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from alerts.core.domain.geo import Point

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "geolocation"
MESSAGES = DATA / "messages.jsonl"
HELDOUT = DATA / "heldout.jsonl"


@dataclass(frozen=True)
class Dataset:
    """A labelled set, and whether the matcher was tuned on it (None: not known)."""

    path: Path
    title: str
    tuned: bool | None

    @property
    def link(self) -> str:
        try:
            return self.path.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return str(self.path)

    @property
    def status(self) -> str:
        return {True: "tuned on", False: "not tuned on", None: "tuning unknown"}[self.tuned]


TUNING = Dataset(MESSAGES, "tuning set", tuned=True)
HELD_OUT = Dataset(HELDOUT, "held-out set", tuned=False)


def dataset(path: Path) -> Dataset:
    """The known set at `path`, or an ad hoc one named after its file."""
    for known in (TUNING, HELD_OUT):
        if path.resolve() == known.path.resolve():
            return known
    return Dataset(path, path.name, tuned=None)


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    sender_place: str | None
    language: str
    truth: Point | None
    expect: str
    category: str


@dataclass(frozen=True)
class Answer:
    """What a locator said: a point or none, and whether it asked a person to choose."""

    point: Point | None
    ambiguous: bool = False


def read_messages(path: Path = MESSAGES) -> list[Message]:
    messages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        truth = item["truth"]
        messages.append(
            Message(
                id=item["id"],
                text=item["text"],
                sender_place=item["sender_place"],
                language=item["language"],
                truth=None if truth is None else Point(truth["lat"], truth["lon"]),
                expect=item["expect"],
                category=item["category"],
            )
        )
    return messages
