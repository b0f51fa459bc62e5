"""The day's schedule, emailed to each station's staff at 07:00 station time.

Celery's beat ticks in UTC and the stations live in several time zones (each with
its own daylight-saving dates), so no crontab is "07:00 everywhere". A sweep runs
every minute instead and sends a station's schedule once its local clock has
passed the hour; the unique (station, local day) row claims it, so it goes once a
day, and a worker that was down at 07:00 sends it when it is back, until
SEND_WITHIN after the hour: a morning schedule read at noon would mislead more
than help.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stations.models import Officer, OfficerAbsence, Shift, Space, Station

from .emails import send_templated_email, station_staff_emails
from .models import HOLDING_STATUSES, OUTCOME_STATUSES, Booking, BookingStatus, ScheduleDelivery
from .notifications import Notification, notification_send, notifications_requeue
from .outbox import SEND_DAILY_SCHEDULE

logger = logging.getLogger(__name__)


SEND_WITHIN = timedelta(hours=4)


def schedule_is_due(local_now: datetime) -> bool:
    """From the hour (07:00 by default) to SEND_WITHIN later, on the station's wall clock."""
    opens = datetime.combine(local_now.date(), time(settings.BOOKINGS_DAILY_SCHEDULE_HOUR))
    return opens <= local_now.replace(tzinfo=None) < opens + SEND_WITHIN


def _local_bounds(day: date, zone) -> tuple[datetime, datetime]:
    return datetime.combine(day, time.min, zone), datetime.combine(day + timedelta(days=1), time.min, zone)


@dataclass
class OfficerDay:
    officer: Officer
    shifts: list[tuple[datetime, datetime]] = field(default_factory=list)
    absences: list[tuple[datetime, datetime]] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)


@dataclass
class DaySchedule:
    station: Station
    day: date
    by_space: list[tuple[Space, list[Booking]]]
    by_officer: list[OfficerDay]
    unstaffed: list[Booking]

    @property
    def count(self) -> int:
        return sum(len(bookings) for _space, bookings in self.by_space)


def station_day_schedule(
    *, station: Station, day: date, now: datetime | None = None, include_outcomes: bool = False
) -> DaySchedule:
    """A station's local day by space and by officer: four queries.

    `include_outcomes` (the admin's schedule) also lists the day's bookings that
    came to an end at the desk: completed, aborted, incident, refused, no-show.
    """
    now = now or timezone.now()
    zone = station.zone
    day_start, day_end = _local_bounds(day, zone)
    held = Booking.objects.active(now)
    if include_outcomes:
        held = held | Booking.objects.filter(status__in=[*OUTCOME_STATUSES, BookingStatus.NO_SHOW])
    bookings = list(
        held.filter(station=station, starts_at__gte=day_start, starts_at__lt=day_end)
        .select_related("space", "officer__user", "buyer", "charter_review")
        .order_by("starts_at", "space__name")
    )
    for booking in bookings:
        booking.station = station  # local times in the template, without a query each
    by_space_id = defaultdict(list)
    for booking in bookings:
        by_space_id[booking.space_id].append(booking)
    spaces = list(Space.objects.filter(station=station, is_active=True).order_by("kind", "name"))
    spaces += [b.space for b in bookings if b.space_id not in {s.id for s in spaces}]  # a space closed since
    officers: dict[int, OfficerDay] = {}
    for shift in Shift.objects.filter(
        officer__station=station, starts_at__lt=day_end, ends_at__gt=day_start
    ).select_related("officer__user"):
        entry = officers.setdefault(shift.officer_id, OfficerDay(officer=shift.officer))
        entry.shifts.append((timezone.localtime(shift.starts_at, zone), timezone.localtime(shift.ends_at, zone)))
    for absence in OfficerAbsence.objects.filter(
        officer_id__in=list(officers), starts_at__lt=day_end, ends_at__gt=day_start
    ).order_by("starts_at"):
        officers[absence.officer_id].absences.append(
            (timezone.localtime(absence.starts_at, zone), timezone.localtime(absence.ends_at, zone))
        )
    for booking in bookings:
        if booking.officer_id is not None:
            officers.setdefault(booking.officer_id, OfficerDay(officer=booking.officer)).bookings.append(booking)
    return DaySchedule(
        station=station,
        day=day,
        by_space=[(space, by_space_id.get(space.id, [])) for space in spaces],
        by_officer=sorted(officers.values(), key=lambda entry: entry.officer.badge_number),
        # Ended bookings (listed with include_outcomes) need no officer any more.
        unstaffed=[b for b in bookings if b.needs_officer and b.officer_id is None and b.status in HOLDING_STATUSES],
    )


def _schedules_unsent(now: datetime) -> list[tuple[int, str]]:
    """(station id, local day) of each active station whose local clock has passed the hour today, not yet sent."""
    due = {}
    for station in Station.objects.filter(is_active=True).only("id", "time_zone"):
        local_now = timezone.localtime(now, station.zone)
        if schedule_is_due(local_now):
            due[station.id] = local_now.date()
    if not due:
        return []
    sent = set(
        ScheduleDelivery.objects.filter(station_id__in=due, day__in=set(due.values())).values_list("station_id", "day")
    )
    return [(station_id, day.isoformat()) for station_id, day in due.items() if (station_id, day) not in sent]


def schedules_sweep(*, now: datetime | None = None) -> int:
    """Queue the schedule of each active station whose local clock has passed the hour today."""
    return notifications_requeue(DAILY_SCHEDULE, now=now)


def schedule_send(*, station_id: int, day: date, now: datetime | None = None) -> int:
    """Claim and send one station's schedule for one local day; returns the number of recipients."""
    return notification_send(DAILY_SCHEDULE, (station_id, day), now=now)


def _schedule_claim(key: tuple[int, date], now: datetime) -> bool:
    station_id, day = key
    try:
        with transaction.atomic():
            ScheduleDelivery.objects.create(station_id=station_id, day=day, sent_at=now)
    except IntegrityError:
        return False  # sent already (or being sent: this insert waited for that commit)
    return True


def _schedule_send_claimed(key: tuple[int, date], now: datetime) -> int:
    station_id, day = key
    station = Station.objects.get(pk=station_id)
    recipients = station_staff_emails(station)
    if not recipients:
        logger.warning("Station %s has no staff account to send the day's schedule to", station.slug)
        return 0
    schedule = station_day_schedule(station=station, day=day, now=now)
    send_templated_email(
        template="daily-schedule",
        to=recipients,
        context={"schedule": schedule, "station": station, "day": day, "site_url": settings.SITE_URL},
        language=station.language,
    )
    ScheduleDelivery.objects.filter(station_id=station_id, day=day).update(recipients=len(recipients))
    return len(recipients)


# One station's schedule for one local day (a unique ScheduleDelivery row per station and day).
DAILY_SCHEDULE = Notification(
    "daily schedule",
    claim=_schedule_claim,
    send=_schedule_send_claimed,
    task=SEND_DAILY_SCHEDULE,
    unsent=_schedules_unsent,
)
