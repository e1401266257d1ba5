"""A handful of real places for the geolocation tests: plain data, no fixture.

Coordinates are the towns' own (GeoNames). "Mabanga" is deliberately here
twice, a quarter of Goma and a village near Bunia, 350 km apart, so that a
bare "Mabanga" is ambiguous. Beni is also listed a second time, from GeoNames
a kilometre off, as the gazetteer import will list it.
"""

from alerts.core.domain.geo import Point
from alerts.locating.domain.geolocation import (
    GazetteerIndex,
    PlaceRecord,
    SenderContext,
    SenderPlace,
)

BENI = PlaceRecord(1, "Beni", (), 0.4914, 29.4731, "Nord-Kivu", "CD", 231_000, feature="PPLA2")
BUNIA = PlaceRecord(2, "Bunia", (), 1.5594, 30.2519, "Ituri", "CD", 768_000, feature="PPLA")
GOMA = PlaceRecord(3, "Goma", (), -1.6792, 29.2228, "Nord-Kivu", "CD", 670_000, feature="PPLA")
KIWANJA = PlaceRecord(4, "Kiwanja", ("Kiwandja",), -1.2167, 29.4500, "Nord-Kivu", "CD")
RUTSHURU = PlaceRecord(5, "Rutshuru", (), -1.1833, 29.4500, "Nord-Kivu", "CD", feature="PPL")
BUTEMBO = PlaceRecord(6, "Butembo", (), 0.1417, 29.2917, "Nord-Kivu", "CD", 670_000, feature="PPL")
MAMBASA = PlaceRecord(7, "Mambasa", (), 1.3597, 29.0458, "Ituri", "CD", feature="PPL")
DJUGU = PlaceRecord(8, "Djugu", (), 1.9247, 30.4997, "Ituri", "CD", feature="PPL")
MAVIVI = PlaceRecord(9, "Mavivi", (), 0.5447, 29.4639, "Nord-Kivu", "CD")
MABANGA_GOMA = PlaceRecord(10, "Mabanga", (), -1.6667, 29.2333, "Nord-Kivu", "CD")
MABANGA_BUNIA = PlaceRecord(11, "Mabanga", (), 1.6000, 30.2000, "Ituri", "CD")
BENI_GEONAMES = PlaceRecord(
    5_333_333, "Beni", ("Bèni",), 0.5000, 29.4667, "Nord-Kivu", "CD", 231_000, "geonames", "PPLA2"
)

RECORDS = (
    *(BENI, BUNIA, GOMA, KIWANJA, RUTSHURU, BUTEMBO, MAMBASA, DJUGU, MAVIVI),
    *(MABANGA_GOMA, MABANGA_BUNIA, BENI_GEONAMES),
)
INDEX = GazetteerIndex(RECORDS)
NOBODY = SenderContext()


def home_in(record: PlaceRecord) -> SenderContext:
    """A sender registered in `record`'s village."""
    return SenderContext(home=SenderPlace(record.name, Point(record.lat, record.lon)))
