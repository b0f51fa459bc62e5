from datetime import datetime

from django.db.models import Prefetch

from .directory import by_distance
from .models import Closure, OpeningHours, Space, Station
from .places import Place


def stations_public():
    return Station.objects.filter(is_active=True).prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")),
        Prefetch("spaces", queryset=Space.objects.filter(is_active=True).order_by("kind", "name")),
    )


def stations_directory(*, now: datetime):
    """The public stations with what the directory shows: four queries, whatever their number.

    `current_closures` is the list of closures going on at `now` (stations.directory.open_now).
    """
    return stations_public().prefetch_related(
        Prefetch(
            "closures",
            queryset=Closure.objects.filter(starts_at__lte=now, ends_at__gt=now),
            to_attr="current_closures",
        )
    )


def stations_nearest_with_kind(*, station: Station, kind: str, limit: int = 3) -> list[tuple[Station, float | None]]:
    """The other public stations that have an active space of `kind`, nearest to `station` first.

    Three queries (the stations, their hours and spaces). Without coordinates for `station`, they come by name.
    """
    others = list(stations_public().filter(spaces__kind=kind, spaces__is_active=True).exclude(pk=station.pk).distinct())
    if station.latitude is None or station.longitude is None:
        return [(other, None) for other in others[:limit]]
    origin = Place(station.name, float(station.latitude), float(station.longitude))
    return by_distance(others, origin)[:limit]
