"""A link that gives someone the way to a station: OpenStreetMap's directions page, no script of ours.

With the station's coordinates the route ends exactly there (OpenStreetMap asks the
visitor where they start); without them, a search for its address.
"""

from urllib.parse import urlencode

OSM_DIRECTIONS = "https://www.openstreetmap.org/directions"
OSM_SEARCH = "https://www.openstreetmap.org/search"


def directions_url(station) -> str:
    if station.latitude is not None and station.longitude is not None:
        return f"{OSM_DIRECTIONS}?{urlencode({'to': f'{station.latitude:.6f},{station.longitude:.6f}'})}"
    return f"{OSM_SEARCH}?{urlencode({'query': ' '.join(station.address.split())})}"
