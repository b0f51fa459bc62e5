"""The directory's "next free slot" per station (stations.directory), from the slot engine, cached.

The engine costs one query per station and kind of space (bookings.slots.availability), so a
directory of n stations would cost up to 2n: each station's answer is kept in the cache for
NEXT_SLOT_CACHE_SECONDS, all read in one round trip (no SQL). The directory only points the
way; the wizard asks the engine again before offering the slot, so a slightly stale answer
costs nothing but a different time shown.
"""

from datetime import datetime

from django.core.cache import cache

from stations.directory import bookable_kinds
from stations.models import Station

from .slots.availability import station_booking_days, station_free_slots

NEXT_SLOT_CACHE_SECONDS = 120
_NONE = "none"  # the cache's get_many cannot tell a stored None from a miss


def _cache_key(station: Station) -> str:
    return f"directory:next-slot:{station.pk}"


def station_next_free_slot(station: Station, now: datetime) -> datetime | None:
    """The start of the earliest free slot of any bookable kind within the horizon: a query per kind it has."""
    days = station_booking_days(station, now)
    starts = [
        slots[0].starts_at
        for kind in bookable_kinds(station)
        if (slots := station_free_slots(station=station, kind=kind, first_day=days[0], last_day=days[-1], now=now))
    ]
    return min(starts, default=None)


def stations_next_free_slots(stations: list[Station], now: datetime) -> dict[int, datetime | None]:
    """{station id: its next free slot or None}; engine queries only for stations not in the cache."""
    keys = {station.pk: _cache_key(station) for station in stations}
    cached = cache.get_many(list(keys.values()))
    found: dict[int, datetime | None] = {}
    fresh = {}
    for station in stations:
        key = keys[station.pk]
        if key in cached:
            found[station.pk] = None if cached[key] == _NONE else cached[key]
            continue
        found[station.pk] = station_next_free_slot(station, now)
        fresh[key] = found[station.pk] or _NONE
    if fresh:
        cache.set_many(fresh, timeout=NEXT_SLOT_CACHE_SECONDS)
    # A cached slot may have started being too near to book since: the wizard says so; here it is dropped.
    return {pk: at if at is None or at > now else None for pk, at in found.items()}
