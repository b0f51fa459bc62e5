"""Statistics for the station chief and the unions: what the admin's statistics page draws and exports.

Every figure is computed per station, each in its own time zone (a "day" is the
station's local day), as flat rows (station, metric, period, category, value):
the CSV export is those rows, and the charts add them up over the stations shown.
A fixed number of queries per time zone, whatever the period: counts are grouped
in the database; only the officers' minutes are summed here, from one row per
booking and per shift.

What counts, and why:

- "bookings": every booking by the local day of its slot and its status.
- The no-show rate: no-shows over the bookings that were due with both parties
  invited (checked in, any outcome at the desk, or no-show).
- Charter refusals, by rule category and by where they happened: at booking (the
  wizard refused the item: CharterRefusal, since no booking exists), by a staff
  verdict (an override to "forbidden"), and at the desk (the outcome "refused").
- Officer time: the minutes of the bookings each officer was assigned to that
  took place or were due (a no-show too: the officer was there), plus those still
  confirmed (planned), per ISO week of the slot's local date; beside them, the
  minutes of the officer's shifts that week, so the share of duty time the
  service takes can be read.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from charter.models import CharterOverride, CharterVerdict
from stations.models import Officer, Shift, Station

from .models import OUTCOME_STATUSES, Booking, BookingStatus, CharterRefusal

S = BookingStatus
DUE_STATUSES = (S.CHECKED_IN, *OUTCOME_STATUSES, S.NO_SHOW)
OFFICER_TIME_STATUSES = (S.CONFIRMED, *DUE_STATUSES)


@dataclass(frozen=True)
class Row:
    station: str  # slug
    metric: str
    period: str  # a local day (YYYY-MM-DD), an ISO week (YYYY-Www) or ""
    category: str
    value: int


def _bounds(first_day: date, last_day: date, zone) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first_day, time.min, zone),
        datetime.combine(last_day + timedelta(days=1), time.min, zone),
    )


def _by_zone(stations) -> dict[str, list[Station]]:
    zones = defaultdict(list)
    for station in stations:
        zones[station.time_zone].append(station)
    return zones


def _iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def statistics_rows(*, stations, first_day: date, last_day: date) -> list[Row]:
    """Every figure of the period for these stations, as rows."""
    stations = list(stations)
    slugs = {station.pk: station.slug for station in stations}
    rows: list[Row] = []
    officer_ids = set()
    officer_minutes = defaultdict(int)  # (station id, officer id, week) -> minutes
    shift_minutes = defaultdict(int)
    for zone_stations in _by_zone(stations).values():
        zone = zone_stations[0].zone
        starts, ends = _bounds(first_day, last_day, zone)
        ids = [station.pk for station in zone_stations]
        day = TruncDate("starts_at", tzinfo=zone)
        bookings = (
            Booking.objects.filter(station_id__in=ids, starts_at__gte=starts, starts_at__lt=ends)
            .annotate(day=day)
            .values("station_id", "day", "status", "no_show_party", "refusal_category")
            .annotate(n=Count("id"))
            .order_by()
        )
        for group in bookings:
            slug, period = slugs[group["station_id"]], group["day"].isoformat()
            rows.append(Row(slug, "bookings", period, group["status"], group["n"]))
            if group["status"] == S.NO_SHOW:
                rows.append(Row(slug, "no_show_party", period, group["no_show_party"] or "both", group["n"]))
            if group["status"] == S.REFUSED:
                category = group["refusal_category"] or "unspecified"
                rows.append(Row(slug, "charter_refusals_desk", period, category, group["n"]))
        refusals = (
            CharterRefusal.objects.filter(station_id__in=ids, at__gte=starts, at__lt=ends)
            .annotate(day=TruncDate("at", tzinfo=zone))
            .values("station_id", "day", "category")
            .annotate(n=Count("id"))
            .order_by()
        )
        for group in refusals:
            rows.append(
                Row(
                    slugs[group["station_id"]],
                    "charter_refusals_booking",
                    group["day"].isoformat(),
                    group["category"],
                    group["n"],
                )
            )
        overrides = (
            CharterOverride.objects.filter(
                to_verdict=CharterVerdict.FORBIDDEN,
                review__booking__station_id__in=ids,
                at__gte=starts,
                at__lt=ends,
            )
            .annotate(day=TruncDate("at", tzinfo=zone))
            .values("review__booking__station_id", "day", "review__category")
            .annotate(n=Count("id"))
            .order_by()
        )
        for group in overrides:
            rows.append(
                Row(
                    slugs[group["review__booking__station_id"]],
                    "charter_refusals_staff",
                    group["day"].isoformat(),
                    group["review__category"] or "unspecified",
                    group["n"],
                )
            )
        for station_id, officer_id, starts_at, ends_at in Booking.objects.filter(
            station_id__in=ids,
            officer__isnull=False,
            status__in=OFFICER_TIME_STATUSES,
            starts_at__gte=starts,
            starts_at__lt=ends,
        ).values_list("station_id", "officer_id", "starts_at", "ends_at"):
            week = _iso_week(timezone.localtime(starts_at, zone).date())
            officer_minutes[(station_id, officer_id, week)] += int((ends_at - starts_at).total_seconds() // 60)
            officer_ids.add(officer_id)
        for station_id, officer_id, starts_at, ends_at in Shift.objects.filter(
            officer__station_id__in=ids, starts_at__gte=starts, starts_at__lt=ends
        ).values_list("officer__station_id", "officer_id", "starts_at", "ends_at"):
            week = _iso_week(timezone.localtime(starts_at, zone).date())
            shift_minutes[(station_id, officer_id, week)] += int((ends_at - starts_at).total_seconds() // 60)
            officer_ids.add(officer_id)
    labels = {
        officer.pk: f"{officer.badge_number} {officer.user.get_full_name()}".strip()
        for officer in Officer.objects.filter(pk__in=officer_ids).select_related("user")
    }
    for metric, minutes in (("officer_booking_minutes", officer_minutes), ("officer_shift_minutes", shift_minutes)):
        for (station_id, officer_id, week), value in sorted(minutes.items(), key=lambda item: item[0][2]):
            rows.append(Row(slugs[station_id], metric, week, labels.get(officer_id, str(officer_id)), value))
    return rows


def _sum(rows, metric, key):
    totals = defaultdict(int)
    for row in rows:
        if row.metric == metric:
            totals[key(row)] += row.value
    return dict(totals)


def statistics_summary(rows: list[Row], *, first_day: date, last_day: date, several_stations: bool) -> dict:
    """The figures the charts draw, added up over the stations (JSON-ready)."""
    days = [(first_day + timedelta(days=n)).isoformat() for n in range((last_day - first_day).days + 1)]
    by_day_status = _sum(rows, "bookings", lambda row: (row.period, row.category))
    statuses = sorted({status for _day, status in by_day_status}, key=lambda s: list(S.values).index(s))
    outcomes = _sum(rows, "bookings", lambda row: row.category)
    due = sum(outcomes.get(status, 0) for status in DUE_STATUSES)
    no_shows = outcomes.get(S.NO_SHOW, 0)
    refusal_sources = ("charter_refusals_booking", "charter_refusals_staff", "charter_refusals_desk")
    refusals = {source: _sum(rows, source, lambda row: row.category) for source in refusal_sources}

    def officer_label(row):
        return f"{row.category} ({row.station})" if several_stations else row.category

    booked = _sum(rows, "officer_booking_minutes", lambda row: (officer_label(row), row.period))
    on_shift = _sum(rows, "officer_shift_minutes", lambda row: (officer_label(row), row.period))
    weeks = sorted({week for _officer, week in booked} | {week for _officer, week in on_shift})
    officers = sorted({officer for officer, _week in booked} | {officer for officer, _week in on_shift})
    return {
        "days": days,
        "bookings_per_day": {status: [by_day_status.get((day, status), 0) for day in days] for status in statuses},
        "total": sum(outcomes.values()),
        "outcomes": {status: outcomes[status] for status in statuses},
        "no_show": {
            "due": due,
            "no_shows": no_shows,
            "rate": round(no_shows / due, 4) if due else None,
            "by_party": _sum(rows, "no_show_party", lambda row: row.category),
        },
        "charter_refusals": {
            "categories": sorted({category for counts in refusals.values() for category in counts}),
            **{source.removeprefix("charter_refusals_"): counts for source, counts in refusals.items()},
        },
        "officer_time": {
            "weeks": weeks,
            "officers": [
                {
                    "officer": officer,
                    "booking_minutes": [booked.get((officer, week), 0) for week in weeks],
                    "shift_minutes": [on_shift.get((officer, week), 0) for week in weeks],
                }
                for officer in officers
            ],
        },
    }
