"""A gazetteer held in memory for fast exact and fuzzy name lookup.

Built once from records (the mission's network file and GeoNames), then
queried for every alert. Names are folded (`normalise.fold`) so spelling
variants meet; typing mistakes are found with a deletion neighbourhood
(SymSpell's idea): each name is stored under itself and every string one
deletion away, and a query looks up itself and its own one-deletion strings.
Names one insertion, deletion, substitution or adjacent swap from the query
always share an entry with it (so do some two edits apart, which long names
accept), so a lookup costs a few dictionary probes instead of a comparison
with every name: its cost does not grow with the gazetteer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz.distance import OSA

from alerts.locating.domain.places.normalise import compact, fold

# Shorter words are too often a real word one letter away from some village.
MIN_FUZZY_LENGTH = 5
# Two mistakes only in long names, where two letters are a small share.
TWO_EDITS_FROM_LENGTH = 8
RECENT_LOOKUPS = 65_536  # fuzzy answers remembered, then forgotten all at once
# Three-letter names exist ("Bor"); shorter ones are initials, not places.
MIN_NAME_LENGTH = 3


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    """One gazetteer place, as the gazetteer import hands it over."""

    id: int
    name: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float
    admin: str | None = None
    country: str | None = None  # ISO 3166 alpha-2
    population: int = 0
    source: str = "network"  # "network" (mission file: takes precedence) or "geonames"
    feature: str | None = None  # GeoNames feature code, e.g. PPL, PPLA, PPLX


class NameMatch(NamedTuple):
    """A record whose name (or alternate name) matched a query.

    `distance` counts typing mistakes between the folded query and the folded
    name (0: the same after folding); `exact_spelling` is true when the query
    is one of the record's names letter for letter, accents and case aside.
    """

    record: PlaceRecord
    key: str
    distance: int
    exact_spelling: bool


def _one_deletion_variants(key: str) -> Iterator[str]:
    yield key
    if len(key) >= MIN_FUZZY_LENGTH:
        for position in range(len(key)):
            yield key[:position] + key[position + 1 :]


class GazetteerIndex:
    """Records by folded name, with a one-deletion neighbourhood for fuzzy lookup."""

    def __init__(self, records: Iterable[PlaceRecord]) -> None:
        self._records: tuple[PlaceRecord, ...] = tuple(records)
        self._keys: list[str] = []
        self._key_ids: dict[str, int] = {}
        self._records_of_key: list[list[int]] = []
        self._records_of_spelling: dict[str, list[int]] = {}
        # Most deletion strings belong to a single key: store its id directly
        # and only the shared ones as lists, which keeps 100,000 names in
        # about a hundred megabytes rather than several hundred.
        self._single_key_of_variant: dict[str, int] = {}
        self._keys_of_shared_variant: dict[str, list[int]] = {}
        # Alert words repeat ("hommes", "wameingia", "Beni"); the index never
        # changes after it is built, so recent answers stay right.
        self._recent_fuzzy: dict[tuple[str, str], tuple[NameMatch, ...]] = {}
        for position, record in enumerate(self._records):
            # A record off the Earth (a typo in an import, NaN) could only ever
            # answer a wrong point: it is kept in `records` but never found.
            if -90.0 <= record.lat <= 90.0 and -180.0 <= record.lon <= 180.0:
                for name in dict.fromkeys((record.name, *record.alt_names)):
                    self._add_name(name, position)

    def _add_name(self, name: str, position: int) -> None:
        spelling = compact(name)
        key = fold(spelling)
        if len(key) < MIN_NAME_LENGTH:
            return
        spelled = self._records_of_spelling.setdefault(spelling, [])
        if position not in spelled:
            spelled.append(position)
        key_id = self._key_ids.get(key)
        if key_id is None:
            key_id = len(self._keys)
            self._keys.append(key)
            self._key_ids[key] = key_id
            self._records_of_key.append([])
            for variant in _one_deletion_variants(key):
                self._add_variant(variant, key_id)
        if position not in self._records_of_key[key_id]:
            self._records_of_key[key_id].append(position)

    def _add_variant(self, variant: str, key_id: int) -> None:
        shared = self._keys_of_shared_variant.get(variant)
        if shared is not None:
            if key_id not in shared:
                shared.append(key_id)
            return
        single = self._single_key_of_variant.get(variant)
        if single is None:
            self._single_key_of_variant[variant] = key_id
        elif single != key_id:
            del self._single_key_of_variant[variant]
            self._keys_of_shared_variant[variant] = [single, key_id]

    @property
    def records(self) -> tuple[PlaceRecord, ...]:
        return self._records

    def __len__(self) -> int:
        return len(self._records)

    @property
    def name_count(self) -> int:
        """Distinct folded names, alternate names included."""
        return len(self._keys)

    def has_key(self, key: str) -> bool:
        return key in self._key_ids

    def exact(self, key: str, spelling: str = "") -> tuple[NameMatch, ...]:
        """Records whose folded name is `key`; `spelling` (compact) marks exact spellings."""
        key_id = self._key_ids.get(key)
        if key_id is None:
            return ()
        return tuple(self._matches(key_id, 0, spelling))

    def fuzzy(self, key: str, spelling: str = "") -> tuple[NameMatch, ...]:
        """Records whose folded name is `key` or one typing mistake from it (two for long
        keys), closest first."""
        if len(key) < MIN_FUZZY_LENGTH:
            return ()
        cached = self._recent_fuzzy.get((key, spelling))
        if cached is not None:
            return cached
        max_distance = 2 if len(key) >= TWO_EDITS_FROM_LENGTH else 1
        found: dict[int, int] = {}
        for variant in _one_deletion_variants(key):
            for key_id in self._keys_of_variant(variant):
                if key_id not in found:
                    found[key_id] = OSA.distance(key, self._keys[key_id], score_cutoff=max_distance)
        matches: list[NameMatch] = []
        for key_id, distance in sorted(found.items(), key=lambda item: item[1]):
            if distance <= max_distance:
                matches.extend(self._matches(key_id, distance, spelling))
        if len(self._recent_fuzzy) >= RECENT_LOOKUPS:
            self._recent_fuzzy.clear()
        self._recent_fuzzy[(key, spelling)] = result = tuple(matches)
        return result

    def lookup(self, name: str) -> tuple[NameMatch, ...]:
        """Exact matches of a written name if any, else its fuzzy matches."""
        spelling = compact(name)
        key = fold(spelling)
        return self.exact(key, spelling) or self.fuzzy(key, spelling)

    def _keys_of_variant(self, variant: str) -> list[int] | tuple[int, ...]:
        single = self._single_key_of_variant.get(variant)
        if single is not None:
            return (single,)
        return self._keys_of_shared_variant.get(variant, ())

    def _matches(self, key_id: int, distance: int, spelling: str) -> list[NameMatch]:
        key = self._keys[key_id]
        exactly_spelled = self._records_of_spelling.get(spelling, ()) if distance == 0 else ()
        return [
            NameMatch(self._records[position], key, distance, position in exactly_spelled)
            for position in self._records_of_key[key_id]
        ]
