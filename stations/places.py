"""Where a visitor is, from a postcode or a town typed in the directory's search box.

No geocoding service is reachable from the servers (and sending what people type to a third
party would need a privacy notice of its own), so the directory answers from what it knows:

1. this small table of the postcodes and towns around the participating stations (approximate
   centres, to rank stations by distance, never to show a position);
2. otherwise, the stations whose address contains what was typed (a postcode or a town in
   the address): the first of them, by name, is taken as the starting point.

A place outside both gets a clear message; the browser's own location (the "Use my location"
button, static/js/station-directory.js) works anywhere.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float


# Paris: the centre of each arrondissement (75116 is the 16th's second postcode).
_PARIS_ARRONDISSEMENTS = {
    "75001": (48.8625, 2.3364),
    "75002": (48.8683, 2.3428),
    "75003": (48.8630, 2.3601),
    "75004": (48.8543, 2.3576),
    "75005": (48.8445, 2.3497),
    "75006": (48.8491, 2.3328),
    "75007": (48.8562, 2.3122),
    "75008": (48.8727, 2.3125),
    "75009": (48.8770, 2.3375),
    "75010": (48.8761, 2.3607),
    "75011": (48.8591, 2.3800),
    "75012": (48.8350, 2.4213),
    "75013": (48.8283, 2.3623),
    "75014": (48.8292, 2.3266),
    "75015": (48.8401, 2.2930),
    "75016": (48.8604, 2.2620),
    "75116": (48.8604, 2.2620),
    "75017": (48.8873, 2.3067),
    "75018": (48.8925, 2.3484),
    "75019": (48.8871, 2.3848),
    "75020": (48.8634, 2.4011),
}

KNOWN_PLACES: dict[str, Place] = {
    **{code: Place(code, *position) for code, position in _PARIS_ARRONDISSEMENTS.items()},
    "paris": Place("Paris", 48.8566, 2.3522),
    # The Tri-Cities, Washington, around Kennewick's safe exchange zone.
    "kennewick": Place("Kennewick, WA", 46.2112, -119.1372),
    "99336": Place("99336", 46.2112, -119.1372),
    "99337": Place("99337", 46.1740, -119.1290),
    "99338": Place("99338", 46.1837, -119.2178),
    "pasco": Place("Pasco, WA", 46.2396, -119.1006),
    "99301": Place("99301", 46.2396, -119.1006),
    "richland": Place("Richland, WA", 46.2857, -119.2845),
    "99352": Place("99352", 46.2857, -119.2845),
}


def normalised(text: str) -> str:
    """Lower case, without accents or punctuation: "Saint-Denis " and "saint denis" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def place_known(text: str) -> Place | None:
    """The table's entry for a postcode or a town, or None."""
    key = normalised(text)
    return KNOWN_PLACES.get(key) or KNOWN_PLACES.get(key.replace(" ", ""))


def place_in_addresses(text: str, stations) -> Place | None:
    """The first station (by name) whose address contains `text`, as a place; None if none does."""
    wanted = normalised(text)
    if not wanted:
        return None
    for station in sorted(stations, key=lambda s: s.name):
        if station.latitude is not None and station.longitude is not None and wanted in normalised(station.address):
            return Place(text.strip(), float(station.latitude), float(station.longitude))
    return None
