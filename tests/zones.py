"""Safe exchange zones and station positions for the zone, directory and wizard tests (issue 12)."""

from decimal import Decimal

from stations.models import SpaceKind
from tests import factories

# The real places, so that distances mean something: about 3.5 km from the 11th to the 13th.
PARIS_11_POSITION = (Decimal("48.858900"), Decimal("2.378700"))
PARIS_13_POSITION = (Decimal("48.831900"), Decimal("2.356900"))
KENNEWICK_POSITION = (Decimal("46.208700"), Decimal("-119.119500"))
HOUSE_RULES = "Open 24 hours. Stay in view of the cameras. In an emergency, call 911."


def place(station, position):
    station.latitude, station.longitude = position
    station.save(update_fields=["latitude", "longitude"])
    return station


def kennewick(*, bays: bool = False):
    """Kennewick's safe exchange zone: two camera-watched spots, no officer, no opening hours.

    With `bays`, also a bookable parking bay open 09:00-18:00 (a station with bays and a zone, no room).
    """
    station = factories.StationFactory(
        slug="kennewick",
        name="Kennewick Police Department",
        address="211 W 6th Ave\nKennewick, WA 99336\nUnited States",
        time_zone="America/Los_Angeles",
        language="en",
        phone="+1 509-585-4208",
        latitude=KENNEWICK_POSITION[0],
        longitude=KENNEWICK_POSITION[1],
    )
    for n in (1, 2):
        factories.SpaceFactory(
            station=station, kind=SpaceKind.ZONE, name=f"Safe Exchange Spot {n}", house_rules=HOUSE_RULES
        )
    if bays:
        factories.SpaceFactory(station=station, kind=SpaceKind.BAY, name="Vehicle bay")
        for weekday in range(7):
            factories.OpeningHoursFactory(station=station, weekday=weekday)
    return station
