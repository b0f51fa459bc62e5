"""Changes to the roster that are more than one row: a week of shifts from a template, the roster page's rows."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction

from .models import Officer, OfficerAbsence, Shift, Station
from .signals import roster_changed


@dataclass
class WeekOfShifts:
    created: list[Shift] = field(default_factory=list)
    # (officer, local start) of the template's shifts left out: the officer already
    # had a shift overlapping it (this template applied before, or another shift).
    skipped: list[tuple[Officer, datetime]] = field(default_factory=list)


def wall_time_to_instant(day: date, wall_time: time, zone) -> datetime:
    """The instant a wall-clock time names on a local day.

    On the autumn change a repeated time is its first occurrence (summer time); on
    the spring change a time in the gap is the instant an hour later on the clock
    (02:30 becomes 03:30), so a shift still starts, at the first time that exists.
    """
    return datetime.combine(day, wall_time, zone).astimezone(UTC)


def shifts_create_week(
    *,
    station: Station,
    officers,
    weekdays: set[int],
    starts: time,
    ends: time,
    first_day: date,
) -> WeekOfShifts:
    """Shifts for the chosen officers on the chosen weekdays of the 7 days from first_day.

    Times are the station's wall-clock times, so a shift is 08:00–16:00 on both
    sides of a daylight-saving change; an end at or before the start ends on the
    next day (a night shift). Safe to repeat: an officer's shift is not created
    where that officer already has one overlapping it.
    """
    zone = station.zone
    result = WeekOfShifts()
    officers = [officer for officer in officers if officer.station_id == station.pk]
    planned = []
    for offset in range(7):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        starts_at = wall_time_to_instant(day, starts, zone)
        end_day = day if ends > starts else day + timedelta(days=1)
        ends_at = wall_time_to_instant(end_day, ends, zone)
        planned.append((starts_at, ends_at))
    if not planned or not officers:
        return result
    with transaction.atomic():
        # The station's lock, as for bookings: the roster does not change under the slot engine.
        Station.objects.select_for_update().get(pk=station.pk)
        existing = list(
            Shift.objects.filter(
                officer__in=officers, starts_at__lt=planned[-1][1], ends_at__gt=planned[0][0]
            ).values_list("officer_id", "starts_at", "ends_at")
        )
        new = []
        for officer in officers:
            for starts_at, ends_at in planned:
                taken = any(officer_id == officer.pk and s < ends_at and e > starts_at for officer_id, s, e in existing)
                if taken:
                    result.skipped.append((officer, starts_at))
                else:
                    new.append(Shift(officer=officer, starts_at=starts_at, ends_at=ends_at))
        result.created = Shift.objects.bulk_create(new)
        if result.created:
            roster_changed.send(sender=Shift, station_id=station.pk)
    return result


def roster_entries_save(
    *, station: Station, saved: Iterable[Shift | OfficerAbsence], deleted: Iterable[Shift | OfficerAbsence]
) -> None:
    """Shifts and absences of one station's roster, removed and saved (added or changed) together.

    Under the station's lock, as for bookings and a week of shifts: the roster does not change
    under the slot engine. Each row's save or delete sends Django's model signals, by which the
    bookings app reassigns the station's officers once the transaction commits.
    """
    with transaction.atomic():
        Station.objects.select_for_update().get(pk=station.pk)
        for row in deleted:
            row.delete()
        for row in saved:
            row.save()
