"""Reads of the API: stations near a point or in a city."""

import math

from stations.selectors import stations_public

EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): plenty for "which station is nearest"."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def stations_listed(*, city: str = "", lat: float | None = None, lon: float | None = None, limit: int = 50) -> list:
    """Open stations; in a city (its name in the address), or nearest a point first (stations without
    coordinates last). Each carries `distance_km` (None without a point). Few stations exist: the
    distance is worked out in Python rather than in SQL, the same on SQLite and PostgreSQL."""
    stations = stations_public().order_by("name")
    if city:
        stations = stations.filter(address__icontains=city)
    rows = list(stations)
    for station in rows:
        station.distance_km = None
        if lat is not None and lon is not None and station.latitude is not None and station.longitude is not None:
            station.distance_km = round(distance_km(lat, lon, float(station.latitude), float(station.longitude)), 3)
    if lat is not None and lon is not None:
        rows.sort(key=lambda s: (s.distance_km is None, s.distance_km or 0.0, s.name))
    return rows[:limit]
