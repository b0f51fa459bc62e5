"""The station's day in the admin: a timeline per room and bay, from the daily schedule's own selector.

A fixed number of queries whatever the day holds: the schedule's four
(bookings with their space, officer, buyer and charter check; spaces; shifts;
absences), the day's opening hours and closures, and the slot engine for each
kind of space, which says which empty cells the public can still book.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib import messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from config.user_input import day_out_of_range_message, parse_day
from stations.models import Closure, OpeningHours, SpaceKind

from ..schedule import station_day_schedule
from ..slots.availability import station_free_slots
from ..slots.engine import local_wall_time_to_utc
from .common import admin_context, require_perm, station_of_request, visible_stations


@dataclass
class TimelineRow:
    starts_at: datetime  # local
    cells: list = field(default_factory=list)  # per space: a Booking, "free", "taken" (by a longer booking) or ""


def _grid_starts(station, day, openings, zone) -> set[datetime]:
    starts = set()
    for opening in openings:
        wall_clock = datetime.combine(day, opening.opens_at)
        closes = datetime.combine(day, opening.closes_at)
        while wall_clock + station.slot_length <= closes:
            instant = local_wall_time_to_utc(day, wall_clock.time(), zone)
            if instant is not None:
                starts.add(instant)
            wall_clock += station.slot_length
    return starts


def day_timeline(*, station, day, now):
    """The schedule, its timeline rows and the free capacity of one local day."""
    zone = station.zone
    schedule = station_day_schedule(station=station, day=day, now=now, include_outcomes=True)
    openings = list(OpeningHours.objects.filter(station=station, weekday=day.weekday()).order_by("opens_at"))
    day_start = datetime.combine(day, datetime.min.time(), zone)
    day_end = day_start + timedelta(days=1)
    closures = list(Closure.objects.filter(station=station, starts_at__lt=day_end, ends_at__gt=day_start))
    offered = set()
    offered_count = {}
    for kind in (SpaceKind.ROOM, SpaceKind.BAY):
        slots = station_free_slots(station=station, kind=kind, first_day=day, last_day=day, now=now)
        offered_count[kind] = len(slots)
        offered |= {(slot.starts_at, space_id) for slot in slots for space_id in slot.free_space_ids}
    spaces = [space for space, _bookings in schedule.by_space]
    bookings = [booking for _space, space_bookings in schedule.by_space for booking in space_bookings]
    starts = _grid_starts(station, day, openings, zone) | {booking.starts_at for booking in bookings}
    rows = []
    for instant in sorted(starts):
        row = TimelineRow(starts_at=timezone.localtime(instant, zone))
        for space, space_bookings in schedule.by_space:
            here = [b for b in space_bookings if b.starts_at == instant]
            if here:
                row.cells.append(here)
            elif any(b.starts_at < instant < b.ends_at for b in space_bookings):
                row.cells.append("taken")
            elif (instant, space.pk) in offered:
                row.cells.append("free")
            else:
                row.cells.append("")
        rows.append(row)
    return {
        "schedule": schedule,
        "spaces": spaces,
        "rows": rows,
        "closures": closures,
        "offered_rooms": offered_count[SpaceKind.ROOM],
        "offered_bays": offered_count[SpaceKind.BAY],
        "booking_count": len(bookings),
    }


def schedule_view(model_admin, request):
    require_perm(request, "bookings.view_booking")
    station = station_of_request(request, request.GET.get("station"))
    if station is None:
        return TemplateResponse(
            request,
            "bookings/admin/pick_station.html",
            admin_context(
                model_admin,
                request,
                gettext("Daily schedule: pick a station"),
                stations=visible_stations(request),
                target="admin:bookings_booking_schedule",
            ),
        )
    now = timezone.now()
    today = timezone.localtime(now, station.zone).date()
    day = parse_day(request.GET.get("day"))
    if day is None:
        if request.GET.get("day"):
            model_admin.message_user(request, day_out_of_range_message(), messages.WARNING)
        day = today
    context = day_timeline(station=station, day=day, now=now)
    title = gettext("Daily schedule of %(station)s, %(day)s") % {
        "station": station.name,
        "day": date_format(day, "l j F Y"),
    }
    return TemplateResponse(
        request,
        "bookings/admin/schedule.html",
        admin_context(
            model_admin,
            request,
            title,
            station=station,
            day=day,
            today=today,
            previous_day=day - timedelta(days=1),
            next_day=day + timedelta(days=1),
            picks_station=model_admin.sees_all(request),
            **context,
        ),
    )
