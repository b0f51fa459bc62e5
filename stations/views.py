from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django_permissions_policy.decorators import permissions_policy_override

from .directory import by_distance, directory_entry, next_free_slots
from .forms import DirectorySearchForm
from .selectors import stations_directory, stations_public

OSM_TILES = "https://tile.openstreetmap.org"

# The directory's map draws OpenStreetMap's tiles, images from their server: img-src opens to
# that one host on this page only; every other page keeps the strict policy of config.settings.
DIRECTORY_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:", OSM_TILES]}
# "Use my location" asks the browser for its position: geolocation is opened to this origin
# on this page only (the page's own script, static/js/station-directory.js, asks).
DIRECTORY_PERMISSIONS = {**settings.PERMISSIONS_POLICY, "geolocation": ["self"]}


def home(request):
    return render(request, "home.html", {"stations": stations_public()})


@csp_override(DIRECTORY_CSP)
@permissions_policy_override(DIRECTORY_PERMISSIONS)
def station_list(request):
    """Every public station, nearest first when the visitor gave a place; the map is drawn over the list."""
    now = timezone.now()
    stations = list(stations_directory(now=now))
    form = DirectorySearchForm(request.GET or None, stations=stations)
    origin = form.origin if form.is_bound and form.is_valid() else None
    ranked = by_distance(stations, origin) if origin else [(station, None) for station in stations]
    next_slots = next_free_slots(stations, now)
    entries = [
        directory_entry(station, now=now, distance=distance, next_slot_at=next_slots.get(station.pk))
        for station, distance in ranked
    ]
    context = {"entries": entries, "form": form, "origin": origin, "osm_tiles": OSM_TILES}
    return render(request, "stations/station_list.html", context)


def station_detail(request, slug):
    now = timezone.now()
    station = get_object_or_404(stations_directory(now=now), slug=slug)
    context = {
        "station": station,
        "entry": directory_entry(station, now=now),
        "pressure_notice": station.pressure_notice_shown(now),
    }
    return render(request, "stations/station_detail.html", context)
