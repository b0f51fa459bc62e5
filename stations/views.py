from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .selectors import stations_public


def home(request):
    return render(request, "home.html", {"stations": stations_public()})


def station_list(request):
    return render(request, "stations/station_list.html", {"stations": stations_public()})


def station_detail(request, slug):
    station = get_object_or_404(stations_public(), slug=slug)
    hours_by_day = [
        (ranges[0].get_weekday_display(), ranges)
        for _, group in groupby(station.opening_hours.all(), key=lambda o: o.weekday)
        for ranges in [list(group)]
    ]
    context = {
        "station": station,
        "hours_by_day": hours_by_day,
        "pressure_notice": station.pressure_notice_shown(timezone.now()),
    }
    return render(request, "stations/station_detail.html", context)
