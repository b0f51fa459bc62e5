"""Statistics per station, or for every station (superusers and the all-stations permission).

Charts are drawn by Chart.js, served from static/vendor (no CDN), from the JSON
the page embeds; ?format=json gives that JSON and ?format=csv the rows behind it.
Staff see their own station only, in every format.
"""

from datetime import timedelta

from django import forms
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from charter.models import RuleCategory
from config.user_input import BoundedDateField, IsoDateInput, day_out_of_range_message, parse_day
from stations.models import Station

from ..exports import csv_writer
from ..models import BookingStatus, NoShowParty
from ..statistics import statistics_rows, statistics_summary
from .common import admin_context, require_perm, station_of_request, visible_stations

DEFAULT_DAYS = 28
MAX_DAYS = 366


class PeriodForm(forms.Form):
    # "To" alone is also an email's recipient ("Destinataire"): the context says it ends a period ("Au").
    first_day = BoundedDateField(label=pgettext_lazy("date range", "From"), widget=IsoDateInput)
    last_day = BoundedDateField(label=pgettext_lazy("date range", "To"), widget=IsoDateInput)


def _period(request, today):
    asked = request.GET.get("first_day"), request.GET.get("last_day")
    first, last = parse_day(asked[0]), parse_day(asked[1])
    error = None
    if (asked[0] and first is None) or (asked[1] and last is None):
        error = day_out_of_range_message()
        first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    elif first is None or last is None:
        first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    elif last < first or (last - first).days >= MAX_DAYS:
        error = gettext("Pick a period of one day to one year, the first day before the last.")
        first, last = today - timedelta(days=DEFAULT_DAYS - 1), today
    return first, last, error


def _labels() -> dict:
    return {
        "statuses": {value: str(label) for value, label in BookingStatus.choices},
        "parties": {value: str(label) for value, label in NoShowParty.choices},
        "categories": {**{value: str(label) for value, label in RuleCategory.choices}, "unspecified": gettext("—")},
        "sources": {
            "booking": gettext("At booking (the wizard refused the item)"),
            "staff": gettext("Staff verdict"),
            "desk": gettext("At the desk"),
        },
        "hours_booked": gettext("Hours in exchanges"),
        "hours_on_shift": gettext("Hours on shift"),
        "bookings": gettext("Bookings"),
    }


def statistics_view(model_admin, request):
    require_perm(request, "bookings.view_booking")
    station = station_of_request(request, request.GET.get("station"))
    stations = [station] if station is not None else list(Station.objects.order_by("name"))
    zone = station.zone if station is not None else timezone.get_default_timezone()
    first_day, last_day, error = _period(request, timezone.localtime(timezone.now(), zone).date())
    rows = statistics_rows(stations=stations, first_day=first_day, last_day=last_day)
    scope = station.slug if station is not None else "all-stations"
    output = request.GET.get("format")
    if output == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="safe-exchange-statistics-{scope}-{first_day}-{last_day}.csv"'
        )
        writer = csv_writer(response)
        writer.writerow(["station", "metric", "period", "category", "value"])
        writer.writerows([row.station, row.metric, row.period, row.category, row.value] for row in rows)
        return response
    summary = statistics_summary(rows, first_day=first_day, last_day=last_day, several_stations=station is None)
    summary |= {"station": scope, "first_day": first_day.isoformat(), "last_day": last_day.isoformat()}
    if output == "json":
        return JsonResponse(summary)
    title = (
        gettext("Statistics of %(station)s") % {"station": station.name}
        if station is not None
        else gettext("Statistics of every station")
    )
    statuses = dict(BookingStatus.choices)
    outcome_rows = [(statuses.get(status, status), count) for status, count in summary["outcomes"].items()]
    officer_rows = []
    for entry in summary["officer_time"]["officers"]:
        booked, on_shift = sum(entry["booking_minutes"]), sum(entry["shift_minutes"])
        share = round(100 * booked / on_shift) if on_shift else None
        officer_rows.append((entry["officer"], round(booked / 60, 1), round(on_shift / 60, 1), share))
    query = {"first_day": first_day.isoformat(), "last_day": last_day.isoformat()}
    if station is not None and model_admin.sees_all(request):
        query["station"] = station.pk
    return TemplateResponse(
        request,
        "bookings/admin/statistics.html",
        admin_context(
            model_admin,
            request,
            title,
            station=station,
            stations=visible_stations(request) if model_admin.sees_all(request) else [],
            form=PeriodForm(initial={"first_day": first_day, "last_day": last_day}),
            period_error=error,
            summary=summary,
            outcome_rows=outcome_rows,
            officer_rows=officer_rows,
            labels=_labels(),
            query=query,
        ),
    )
