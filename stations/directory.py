"""The public directory's view of a station: distance, hours for every weekday, open now, links.

Pure functions over a station read by stations.selectors.stations_directory (its opening
hours, active spaces and current closures prefetched): no query here.

The next free slot comes from the slot engine, which lives in the bookings app above this one;
the bookings app registers its finder at start-up (bookings.apps) so that the stations app
does not import it (the apps' layering, tests/test_import_direction.py).
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.utils import timezone

from .models import BOOKABLE_SPACE_KINDS, Space, SpaceKind, Station, Weekday
from .places import Place

EARTH_RADIUS_KM = 6371.0

# stations -> {station id: the start of its next free slot, or None}; see next_slot_finder_register.
NextSlotFinder = Callable[[list[Station], datetime], dict[int, datetime | None]]
_next_slot_finders: list[NextSlotFinder] = []


def next_slot_finder_register(finder: NextSlotFinder) -> None:
    """Called once by the bookings app when it is ready."""
    if finder not in _next_slot_finders:
        _next_slot_finders.append(finder)


def next_free_slots(stations: list[Station], now: datetime) -> dict[int, datetime | None]:
    found: dict[int, datetime | None] = {}
    for finder in _next_slot_finders:
        found |= finder(stations, now)
    return found


def distance_km(latitude_a: float, longitude_a: float, latitude_b: float, longitude_b: float) -> float:
    """Great-circle distance (haversine): the order of stations, not a route's length."""
    phi_a, phi_b = math.radians(latitude_a), math.radians(latitude_b)
    d_phi = phi_b - phi_a
    d_lambda = math.radians(longitude_b - longitude_a)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def station_distance_km(station: Station, origin: Place) -> float | None:
    if station.latitude is None or station.longitude is None:
        return None
    return distance_km(origin.latitude, origin.longitude, float(station.latitude), float(station.longitude))


def by_distance(stations: Iterable[Station], origin: Place) -> list[tuple[Station, float | None]]:
    """Nearest first; stations without coordinates last, by name."""
    pairs = [(station, station_distance_km(station, origin)) for station in stations]
    return sorted(pairs, key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].name))


def active_spaces(station: Station) -> list[Space]:
    return [space for space in station.spaces.all() if space.is_active]


def exchange_zones(station: Station) -> list[Space]:
    return [space for space in active_spaces(station) if space.kind == SpaceKind.ZONE]


def bookable_kinds(station: Station) -> list[str]:
    kinds = {space.kind for space in active_spaces(station)}
    return [kind for kind in BOOKABLE_SPACE_KINDS if kind in kinds]


def open_now(station: Station, now: datetime) -> bool:
    """A safe exchange zone is always open; otherwise the opening hours, in the station's own time zone.

    A closure going on now (prefetched as `current_closures` by the directory) closes the desk,
    not the zone, which is outdoors and watched by cameras.
    """
    if exchange_zones(station):
        return True
    if getattr(station, "current_closures", None):
        return False
    local = timezone.localtime(now, station.zone)
    return any(
        hours.weekday == local.weekday() and hours.opens_at <= local.time() < hours.closes_at
        for hours in station.opening_hours.all()
    )


@dataclass
class WeekdayHours:
    weekday: int
    label: str
    ranges: list = field(default_factory=list)  # OpeningHours rows, earliest first


def weekly_hours(station: Station) -> list[WeekdayHours]:
    """Monday to Sunday, every day present: a day without ranges is a closed day."""
    week = [WeekdayHours(day.value, day.label) for day in Weekday]
    for hours in sorted(station.opening_hours.all(), key=lambda h: (h.weekday, h.opens_at)):
        week[hours.weekday].ranges.append(hours)
    return week


def tel_href(phone: str) -> str:
    """A tel: link keeps the digits and a leading +: "+1 509-585-4208" -> "tel:+15095854208"."""
    digits = re.sub(r"[^\d+]", "", phone)
    return f"tel:{digits[0]}{digits[1:].replace('+', '')}" if digits else ""


def directions_href(station: Station) -> str:
    """OpenStreetMap's route planner with the station as destination (the visitor fills in the start)."""
    if station.latitude is None or station.longitude is None:
        return ""
    return "https://www.openstreetmap.org/directions?" + urlencode(
        {"route": f";{station.latitude},{station.longitude}"}
    )


@dataclass
class DirectoryEntry:
    station: Station
    distance_km: float | None
    open_now: bool
    week: list[WeekdayHours]
    zones: list[Space]
    bookable_kinds: list[str]
    next_slot_at: datetime | None
    tel_href: str
    directions_href: str

    @property
    def is_bookable(self) -> bool:
        return bool(self.bookable_kinds)


def directory_entry(
    station: Station, *, now: datetime, distance: float | None = None, next_slot_at: datetime | None = None
) -> DirectoryEntry:
    return DirectoryEntry(
        station=station,
        distance_km=distance,
        open_now=open_now(station, now),
        week=weekly_hours(station),
        zones=exchange_zones(station),
        bookable_kinds=bookable_kinds(station),
        next_slot_at=timezone.localtime(next_slot_at, station.zone) if next_slot_at else None,
        tel_href=tel_href(station.phone),
        directions_href=directions_href(station),
    )
