"""Reads: the slot engine and the lists the views show."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from stations.models import Closure, OpeningHours, Space, SpaceKind, Station

from .assignment import Roster, roster_shifts_and_absences
from .models import Actor, Booking, BookingEvent, BookingStatus

# The seller's acceptance window closes this long before the slot, and must
# leave the seller at least MIN_ANSWER_TIME to answer.
HOLD_MARGIN = timedelta(hours=2)
MIN_ANSWER_TIME = timedelta(minutes=30)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware, UTC
    ends_at: datetime
    local_starts_at: datetime  # the same instant in the station's time zone
    free_space_ids: tuple[int, ...]
    # Rooms: the officers who may take a booking there, least loaded first.
    officer_ids: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return self.starts_at.strftime("%Y%m%dT%H%M%SZ")


def slot_key_to_datetime(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def station_local_today(station: Station, now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), station.zone).date()


def station_booking_days(station: Station, now: datetime | None = None) -> list[date]:
    """The local dates a buyer may pick, from today to the horizon."""
    today = station_local_today(station, now)
    return [today + timedelta(days=n) for n in range(station.horizon_days + 1)]


def _local_wall_time_to_utc(day: date, wall_time, zone) -> datetime | None:
    """The instant a wall-clock time names, or None when it does not exist (spring-forward gap)."""
    naive = datetime.combine(day, wall_time)
    aware = naive.replace(tzinfo=zone)
    as_utc = aware.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return as_utc


def _overlaps(intervals, starts_at, ends_at) -> bool:
    return any(s < ends_at and e > starts_at for s, e in intervals)


# Freed by a party: the moves a buyer and a friend could time to hand a slot over.
# Staff cancellations (a closure, pressure, a cancel at the desk) are not held back:
# the station freed the slot, nobody chose the moment to pass it on, and a buyer
# sent the priority rebooking link after a closure or pressure must find it at
# once. An expired hold is not held back either (design invariant 3: a lapsed hold
# never blocks availability).
_FREED_BY_A_PARTY = {"to_status__in": (BookingStatus.CANCELLED, BookingStatus.DECLINED)}
_PARTIES = (Actor.BUYER, Actor.SELLER)


def _holdback() -> timedelta:
    return timedelta(minutes=settings.BOOKINGS_CANCELLED_SLOT_HOLDBACK_MINUTES)


def held_back_bookings(*, now: datetime, buyer=None):
    """Bookings a party cancelled or declined less than the hold-back ago: they still hold their space and
    officer for everyone but their own buyer, who may take the slot back."""
    if _holdback() <= timedelta(0):
        return Booking.objects.none()
    freed = BookingEvent.objects.filter(
        booking=OuterRef("pk"), actor_role__in=_PARTIES, at__gt=now - _holdback(), at__lte=now, **_FREED_BY_A_PARTY
    )
    bookings = Booking.objects.filter(Exists(freed), status__in=_FREED_BY_A_PARTY["to_status__in"])
    if getattr(buyer, "pk", None) is not None:
        bookings = bookings.exclude(buyer=buyer)
    return bookings


def held_back_until(*, station: Station, kind: str, starts_at: datetime, ends_at: datetime, now: datetime, buyer=None):
    """When the last booking held back on this slot (space kind) stops holding it; None if none does."""
    freed_at = (
        BookingEvent.objects.filter(
            booking__in=held_back_bookings(now=now, buyer=buyer)
            .filter(station=station, space__kind=kind)
            .overlapping(starts_at, ends_at),
            actor_role__in=_PARTIES,
            **_FREED_BY_A_PARTY,
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return freed_at + _holdback() if freed_at else None


def station_free_slots(
    *,
    station: Station,
    kind: str,
    first_day: date,
    last_day: date,
    now: datetime | None = None,
    ignore_pressure: bool = False,
    buyer=None,
    holdback: bool = True,
) -> list[Slot]:
    """Free slots of one space kind between two local dates, inclusive.

    Opening hours minus closures minus slots where every space is held, within
    the lead time and the horizon; a room slot also needs an officer the
    assignment could give it (bookings.assignment.Roster: on shift, not absent,
    not with another booking, under the per-shift cap). Six queries for rooms,
    four for bays, whatever the range. The station's pressure switch drops the slots
    in its period, unless `ignore_pressure` (a priority rebooking). A slot a party freed
    minutes ago is not offered (held_back_bookings) unless to its own `buyer`, or with
    `holdback` off (only to tell why a slot is refused).
    """
    now = now or timezone.now()
    if not station.is_active:
        return []
    zone = station.zone
    days = station_booking_days(station, now)
    first_day = max(first_day, days[0])
    last_day = min(last_day, days[-1])
    if first_day > last_day:
        return []
    earliest_start = now + max(timedelta(minutes=station.lead_time_minutes), HOLD_MARGIN + MIN_ANSWER_TIME)
    window_start = datetime.combine(first_day, datetime.min.time(), zone) - timedelta(hours=1)
    window_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), zone) + timedelta(hours=1)

    hours_by_weekday = defaultdict(list)
    for opening in OpeningHours.objects.filter(station=station):
        hours_by_weekday[opening.weekday].append(opening)
    closures = list(
        Closure.objects.filter(station=station, starts_at__lt=window_end, ends_at__gt=window_start).values_list(
            "starts_at", "ends_at"
        )
    )
    space_ids = list(
        Space.objects.filter(station=station, kind=kind, is_active=True).order_by("name").values_list("id", flat=True)
    )
    if not space_ids:
        return []
    bookings_from, bookings_until = window_start, window_end
    if kind == SpaceKind.ROOM:
        # Before the bookings: the per-shift cap counts the bookings of whole shifts.
        shifts, absences, bookings_from, bookings_until = roster_shifts_and_absences(
            station=station, starts_at=window_start, ends_at=window_end
        )
    held_by_space = defaultdict(list)
    room_bookings = []
    holding = Booking.objects.active(now)
    if holdback:
        holding |= held_back_bookings(now=now, buyer=buyer)
    for booking_id, space_id, space_kind, officer_id, starts_at, ends_at in (
        holding.filter(station=station)
        .overlapping(bookings_from, bookings_until)
        .values_list("id", "space_id", "space__kind", "officer_id", "starts_at", "ends_at")
    ):
        held_by_space[space_id].append((starts_at, ends_at))
        if space_kind == SpaceKind.ROOM:
            room_bookings.append((booking_id, officer_id, starts_at, ends_at))
    roster = None
    if kind == SpaceKind.ROOM:
        roster = Roster(cap=station.officer_cap_per_shift, shifts=shifts, absences=absences, bookings=room_bookings)

    slots = []
    day = first_day
    while day <= last_day:
        for opening in sorted(hours_by_weekday[day.weekday()], key=lambda o: o.opens_at):
            wall_clock = datetime.combine(day, opening.opens_at)
            closes = datetime.combine(day, opening.closes_at)
            while wall_clock + station.slot_length <= closes:
                starts_at = _local_wall_time_to_utc(day, wall_clock.time(), zone)
                wall_clock += station.slot_length
                if starts_at is None:
                    continue
                ends_at = starts_at + station.slot_length
                if starts_at < earliest_start or _overlaps(closures, starts_at, ends_at):
                    continue
                if not ignore_pressure and station.pressure_blocks(starts_at, ends_at):
                    continue
                free = tuple(sid for sid in space_ids if not _overlaps(held_by_space[sid], starts_at, ends_at))
                if not free:
                    continue
                officer_ids = ()
                if roster is not None:
                    officer_ids = tuple(roster.officers_for(starts_at, ends_at))
                    if not officer_ids:
                        continue
                slots.append(Slot(starts_at, ends_at, timezone.localtime(starts_at, zone), free, officer_ids))
        day += timedelta(days=1)
    return slots


def station_slot(
    *,
    station: Station,
    kind: str,
    starts_at: datetime,
    now: datetime | None = None,
    ignore_pressure: bool = False,
    buyer=None,
    holdback: bool = True,
) -> Slot | None:
    """The free slot starting at `starts_at`, or None if it is not offered (any more)."""
    day = timezone.localtime(starts_at, station.zone).date()
    for slot in station_free_slots(
        station=station,
        kind=kind,
        first_day=day,
        last_day=day,
        now=now,
        ignore_pressure=ignore_pressure,
        buyer=buyer,
        holdback=holdback,
    ):
        if slot.starts_at == starts_at:
            return slot
    return None


def hold_deadline(*, station: Station, starts_at: datetime, now: datetime) -> datetime:
    """When the seller's acceptance window closes: the station's window, but never later than 2 h before."""
    return min(now + timedelta(hours=station.seller_window_hours), starts_at - HOLD_MARGIN)


def buyer_bookings(*, buyer):
    return Booking.objects.filter(buyer=buyer).select_related("station", "space").order_by("-starts_at")


def buyer_active_booking_count(*, buyer, now: datetime | None = None) -> int:
    now = now or timezone.now()
    # Only bookings still to come or under way: one whose slot is over stays
    # confirmed or checked in until staff record an outcome or a no-show, and
    # must not lock the buyer out meanwhile ("wait until one is over").
    return Booking.objects.active(now).filter(buyer=buyer, ends_at__gt=now).count()


def booking_statistics(
    *, stations=None, starts_from: datetime | None = None, starts_until: datetime | None = None
) -> dict:
    """Counts by status (outcomes included), space kind and item kind: what the retention purge keeps."""
    from django.db.models import Count

    bookings = Booking.objects.all()
    if stations is not None:
        bookings = bookings.filter(station__in=stations)
    if starts_from is not None:
        bookings = bookings.filter(starts_at__gte=starts_from)
    if starts_until is not None:
        bookings = bookings.filter(starts_at__lt=starts_until)

    def count_by(field):
        return dict(bookings.order_by().values_list(field).annotate(n=Count("id")).values_list(field, "n"))

    return {
        "total": bookings.count(),
        "by_status": count_by("status"),
        "by_space_kind": count_by("space__kind"),
        "by_item_kind": count_by("item_kind"),
    }
