"""Scoring each locator's answers against the truth, per set and group."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bench.geolocation.locators import Gazetteer, GeotextBaseline, gazetteer, geolocate_answers
from bench.geolocation.sets import Answer, Dataset, Message, read_messages

# Within a walk of the truth: a QRF sent there finds the village. Sender-only
# answers are 10 km uncertain by design, but a sender's own village is its truth.
HIT_KM = 5.0
MEASURES = ("located", "ambiguous", "unlocated")


def outcome(message: Message, answer: Answer) -> tuple[str, bool]:
    """The measure a message counts towards, and whether the answer was right for it."""
    if message.expect == "located":
        assert message.truth is not None
        right = answer.point is not None and answer.point.distance_m(message.truth) <= HIT_KM * 1000
        return "located", right
    if message.expect == "ambiguous":
        return "ambiguous", answer.ambiguous
    return "unlocated", answer.point is None


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def share(self) -> str:
        return (
            f"{100 * self.right / self.total:.0f}% ({self.right}/{self.total})"
            if self.total
            else "–"
        )

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 0.0


def tally(
    messages: list[Message], answers: list[Answer], key: Callable[[Message], str]
) -> dict[tuple[str, str], Tally]:
    """(group, measure) -> right/total, grouped by `key` (language, category or "all")."""
    counts: dict[tuple[str, str], Tally] = {}
    for message, answer in zip(messages, answers, strict=True):
        measure, right = outcome(message, answer)
        entry = counts.setdefault((key(message), measure), Tally())
        entry.total += 1
        entry.right += right
    return counts


@dataclass(frozen=True)
class Results:
    dataset: Dataset
    messages: list[Message]
    ours: list[Answer]
    baseline: list[Answer]
    gazetteer: Gazetteer

    def misses(self) -> Iterable[str]:
        for message, answer in zip(self.messages, self.ours, strict=True):
            measure, right = outcome(message, answer)
            if not right:
                got = (
                    "none"
                    if answer.point is None
                    else f"{answer.point.lat:.4f},{answer.point.lon:.4f}"
                )
                off = ""
                if answer.point is not None and message.truth is not None:
                    off = f" ({answer.point.distance_m(message.truth) / 1000:.1f} km off)"
                flag = " ambiguous" if answer.ambiguous else ""
                yield f"{message.id} ({measure}): got {got}{flag}{off}. “{message.text}”"


def run(datasets: list[Dataset]) -> list[Results]:
    places = gazetteer()
    baseline_locator = GeotextBaseline()
    runs = []
    for data in datasets:
        messages = read_messages(data.path)
        ours = geolocate_answers(messages, places.records)
        baseline = [baseline_locator.locate(message.text) for message in messages]
        runs.append(Results(data, messages, ours, baseline, places))
    return runs
