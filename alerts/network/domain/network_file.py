"""The mission network file: bases, units, places and registered senders.

Validated whole before anything is written, so an invalid file changes
nothing, and every error names the entry and the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from alerts.core.domain.phones import InvalidPhoneNumber, require_e164
from alerts.dispatch.domain.config import DispatchConfig, DispatchConfigError
from alerts.dispatch.domain.routing import aor_geometry
from alerts.registry.domain.units import UnitStatus


class NetworkFileError(ValueError):
    """The file cannot be loaded. `problems` lists each entry and field at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# A language code such as fr, en, sw, ln; others fall back to the default language.
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]


def _phones(values: list[str]) -> list[str]:
    normalised = []
    for position, raw in enumerate(values):
        try:
            normalised.append(require_e164(str(raw)))
        except InvalidPhoneNumber as error:
            # The number itself is not repeated: error messages end up in logs.
            raise ValueError(f"phone #{position + 1}: {error}") from None
    return normalised


class BaseEntry(_Entry):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: Literal["permanent", "temporary"] = "permanent"
    sector: str | None = Field(default=None, max_length=100)
    opened: date | None = None
    closed: date | None = None
    aor: dict[str, Any] | None = None
    phones: list[str] = Field(default_factory=list)

    _check_phones = field_validator("phones")(_phones)

    @field_validator("aor")
    @classmethod
    def _polygon(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        if value.get("type") != "Polygon" or not isinstance(value.get("coordinates"), list):
            raise ValueError('must be a GeoJSON Polygon: {"type": "Polygon", "coordinates": [...]}')
        # Routing reads it for every alert: a shape that cannot be drawn must stop here.
        try:
            shape = aor_geometry(value)
        except (ValueError, TypeError, IndexError, AttributeError):
            shape = None
        if shape is None or shape.is_empty or not shape.is_valid:
            raise ValueError(
                "is not a valid polygon: give rings of [lon, lat] points, at least three "
                "distinct ones, the last repeating the first, the boundary never crossing itself"
            )
        return value

    @model_validator(mode="after")
    def _dates(self) -> BaseEntry:
        if self.opened and self.closed and self.closed < self.opened:
            raise ValueError("closed is before opened")
        return self


class UnitEntry(_Entry):
    callsign: str = Field(min_length=1, max_length=64)
    base: str
    role: Literal["qrf", "patrol", "air"]
    notice_to_move_min: int = Field(default=30, ge=0, le=24 * 60)
    phones: list[str] = Field(default_factory=list)
    status: UnitStatus = UnitStatus.READY
    travel_mode: Literal["road", "foot", "air"] | None = None
    country: str | None = Field(default=None, max_length=64)
    language: Language | None = None

    _check_phones = field_validator("phones")(_phones)

    @property
    def mode(self) -> str:
        """How the unit moves: air units fly, patrols walk, a QRF drives unless told."""
        if self.travel_mode is not None:
            return self.travel_mode
        return {"air": "air", "patrol": "foot"}.get(self.role, "road")


class ContactEntry(_Entry):
    """Someone escalation SMS reach: a base commander, a sector HQ, the JOC duty officer."""

    role: Literal["base_commander", "sector_hq", "joc_duty"]
    name: str = Field(min_length=1, max_length=200)
    phones: list[str] = Field(min_length=1)
    base: str | None = None
    sector: str | None = Field(default=None, max_length=100)
    language: Language | None = None

    _check_phones = field_validator("phones")(_phones)

    @model_validator(mode="after")
    def _scope(self) -> ContactEntry:
        if self.role == "base_commander" and not self.base:
            raise ValueError("a base_commander needs `base`, the base they command")
        return self


class PlaceEntry(_Entry):
    name: str = Field(min_length=1, max_length=200)
    alt_names: list[str] = Field(default_factory=list)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    admin: str | None = None


class SenderEntry(_Entry):
    phone: str
    role: Literal["focal_point", "cla", "unit"]
    place: str | None = None
    base: str | None = None
    language: Language | None = None
    unit: str | None = None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _phones([value])[0]

    @model_validator(mode="after")
    def _role_fields(self) -> SenderEntry:
        if self.role == "unit" and not self.unit:
            raise ValueError("a sender with role unit needs `unit` (a unit callsign)")
        # Without a home village, a focal point's alert that names no place is unlocatable.
        if self.role == "focal_point" and not self.place:
            raise ValueError("a focal_point needs `place`, the village they are registered to")
        if self.role == "cla" and not self.base:
            raise ValueError("a cla needs `base`, the base she lives on")
        return self


class NetworkFile(_Entry):
    mission: str = Field(min_length=1, max_length=100)
    bases: list[BaseEntry] = Field(default_factory=list)
    units: list[UnitEntry] = Field(default_factory=list)
    places: list[PlaceEntry] = Field(default_factory=list)
    senders: list[SenderEntry] = Field(default_factory=list)
    contacts: list[ContactEntry] = Field(default_factory=list)
    # Overrides of config/dispatch.yaml and the timeout settings for this mission.
    dispatch: dict[str, Any] | None = None

    @field_validator("dispatch")
    @classmethod
    def _dispatch(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        try:
            DispatchConfig().with_overrides(value, "dispatch")
        except DispatchConfigError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("bases", "units", "places", "senders", "contacts", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


def _entry_label(document: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """'units[2] (QRF-BENI).notice_to_move_min' from pydantic's error location."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        label = f"{section}[{index}]"
        try:
            entry = document[section][index]
        except (KeyError, IndexError, TypeError):
            entry = None
        if isinstance(entry, dict):
            name = entry.get("id") or entry.get("callsign") or entry.get("name")
            if name and section not in ("senders", "contacts"):
                label += f" ({name})"
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}.{rest}" if rest else label
    return ".".join(str(part) for part in loc) or "file"


def _cross_references(network: NetworkFile) -> list[str]:
    problems: list[str] = []
    base_ids = [b.id for b in network.bases]
    callsigns = [u.callsign for u in network.units]
    place_names: dict[str, int] = {}
    seen_places: set[tuple[str, str]] = set()
    for index, place in enumerate(network.places):
        name_and_admin = (place.name.casefold(), (place.admin or "").casefold())
        if name_and_admin in seen_places:
            problems.append(
                f"places[{index}] ({place.name}): duplicate of an earlier place with the same "
                "admin; namesakes must differ in `admin`"
            )
        seen_places.add(name_and_admin)
        place_names[place.name.casefold()] = place_names.get(place.name.casefold(), 0) + 1
    for section, keys in (("bases", base_ids), ("units", callsigns)):
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key in seen:
                problems.append(f"{section}[{index}] ({key}): duplicate of an earlier entry")
            seen.add(key)
    for index, unit in enumerate(network.units):
        if unit.base not in base_ids:
            problems.append(f"units[{index}] ({unit.callsign}).base: no base with id {unit.base!r}")
    phone_owner: dict[str, str] = {}

    def claim(phone: str, owner: str) -> None:
        if phone in phone_owner:
            problems.append(f"{owner}: phone is already listed at {phone_owner[phone]}")
        else:
            phone_owner[phone] = owner

    for index, base in enumerate(network.bases):
        for phone in base.phones:
            claim(phone, f"bases[{index}] ({base.id}).phones")
    for index, unit in enumerate(network.units):
        for phone in unit.phones:
            claim(phone, f"units[{index}] ({unit.callsign}).phones")
    for index, contact in enumerate(network.contacts):
        label = f"contacts[{index}]"
        if contact.base and contact.base not in base_ids:
            problems.append(f"{label}.base: no base with id {contact.base!r}")
        for phone in contact.phones:
            claim(phone, f"{label}.phones")
    sectors = {b.sector for b in network.bases if b.sector}
    for index, contact in enumerate(network.contacts):
        if contact.sector and contact.sector not in sectors:
            problems.append(
                f"contacts[{index}].sector: no base is in sector {contact.sector!r} "
                f"(sectors: {', '.join(sorted(sectors)) or 'none'})"
            )
    unit_phones = {p for u in network.units for p in u.phones}
    for index, sender in enumerate(network.senders):
        label = f"senders[{index}]"
        if sender.place and sender.place.casefold() not in place_names:
            problems.append(f"{label}.place: no place named {sender.place!r} in places")
        elif sender.place and place_names[sender.place.casefold()] > 1:
            problems.append(
                f"{label}.place: {place_names[sender.place.casefold()]} places are named "
                f"{sender.place!r}; rename one (e.g. with its area) so the home is certain"
            )
        if sender.base and sender.base not in base_ids:
            problems.append(f"{label}.base: no base with id {sender.base!r}")
        if sender.unit and sender.unit not in callsigns:
            problems.append(f"{label}.unit: no unit with callsign {sender.unit!r}")
        # A unit's duty phone may also be listed as a sender of that unit.
        if not (sender.role == "unit" and sender.phone in unit_phones):
            claim(sender.phone, f"{label}.phone")
    return problems


def parse_network(document: object) -> NetworkFile:
    """Validate a parsed YAML/JSON document. Raises NetworkFileError listing every problem."""
    if not isinstance(document, dict):
        raise NetworkFileError(["file: expected a mapping with mission, bases, units, ..."])
    try:
        network = NetworkFile.model_validate(document)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = _entry_label(document, tuple(item["loc"]))
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}")
        raise NetworkFileError(problems) from None
    problems = _cross_references(network)
    if problems:
        raise NetworkFileError(problems)
    return network
