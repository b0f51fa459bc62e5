"""The one-slot check booking_create makes under the station's lock: one statement, then the insert.

The page offered the slot from the whole engine (bookings.slots.availability); booking
it needs only the rows that concern that one slot: its spaces and whatever holds them
at that time, the opening range and closures around it, and the officers on shift then
with their load. One query reads them all (subqueries of one SELECT over the station's
spaces of that kind), so the lock is held for one round trip before the insert.

The rules are the engine's (bookings.slots.roster) written as SQL: a shift covering the
whole slot, no absence, no other booking at that time, fewer bookings in the shift than
the cap, least loaded first. When a booking at that time still waits for an officer
(after a roster change), the exact greedy of Roster.officers_for decides instead, from
the roster's rows: rare, and a few more queries. An officer recorded on a booking is
counted as holding it even where the roster no longer fits them (the reassignment, run
on every roster change, moves them): the check errs on refusing, never on overbooking.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from stations.models import Closure, Officer, OfficerAbsence, OpeningHours, Shift, Space, SpaceKind, Station

from ..exceptions import NoOfficerFree, SlotUnavailable, StationUnderPressure
from ..models import Booking, BookingStatus
from .availability import earliest_start, station_roster
from .engine import local_wall_time_to_utc
from .holdback import held_back_bookings


@dataclass(frozen=True)
class SlotChoice:
    """What booking_create inserts: the first free space (by name) and, for a room, its officer."""

    space_id: int
    officer_id: int | None
    # Pending bookings whose hold lapsed but that the sweep has not expired yet: the
    # database constraint still counts them, so booking_create expires them first.
    lapsed_booking_ids: tuple[int, ...] = ()
    reference_taken: bool = False


def _not_offered(station: Station, starts_at: datetime, now: datetime) -> bool:
    """Whether the slot lies before the lead time, beyond the horizon, or on a wall time the engine skips."""
    if not station.is_active or starts_at < earliest_start(station, now):
        return True
    local = timezone.localtime(starts_at, station.zone)
    today = timezone.localtime(now, station.zone).date()
    if local.date() > today + timedelta(days=station.horizon_days):
        return True
    # The second of two instants named by the same wall time (autumn) is never offered.
    return local_wall_time_to_utc(local.date(), local.time(), station.zone) != starts_at


def _holding(now: datetime, buyer):
    """Bookings that hold their space and officer now, for this buyer (a slot freed minutes ago included)."""
    return Booking.objects.active(now) | held_back_bookings(now=now, buyer=buyer)


def _best_officer(station: Station, starts_at: datetime, ends_at: datetime, holding):
    """The least loaded officer free for the slot, as a subquery (Roster.free_officers in SQL)."""
    # The earliest-starting covering shift (then the shortest), as Roster.covering_shift picks it.
    covering = Shift.objects.filter(officer=OuterRef("pk"), starts_at__lte=starts_at, ends_at__gte=ends_at).order_by(
        "starts_at", "ends_at"
    )
    load = (
        holding.filter(
            officer=OuterRef("pk"), starts_at__lt=OuterRef("shift_ends_at"), ends_at__gt=OuterRef("shift_starts_at")
        )
        .order_by()
        .values("officer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    absent = OfficerAbsence.objects.filter(officer=OuterRef("pk"), starts_at__lt=ends_at, ends_at__gt=starts_at)
    busy = holding.filter(officer=OuterRef("pk")).overlapping(starts_at, ends_at)
    officers = (
        Officer.objects.filter(station=station, is_active=True)
        .annotate(
            shift_starts_at=Subquery(covering.values("starts_at")[:1]),
            shift_ends_at=Subquery(covering.values("ends_at")[:1]),
        )
        .filter(shift_starts_at__isnull=False)
        .exclude(Exists(absent))
        .exclude(Exists(busy))
        .annotate(load=Coalesce(Subquery(load, output_field=IntegerField()), 0))
        .exclude(load__gte=station.officer_cap_per_shift)
        .order_by("load", "badge_number", "pk")
    )
    return Subquery(officers.values("pk")[:1])


def slot_check(
    *,
    station: Station,
    kind: str,
    starts_at: datetime,
    now: datetime,
    buyer,
    reference: str,
    ignore_pressure: bool = False,
) -> SlotChoice:
    """Whether the slot can be booked now, and with which space and officer; raises why not.

    `station` is the row locked by booking_create. Raises StationUnderPressure,
    SlotUnavailable (not offered, or taken: booking_create tells the hold-back apart) or
    NoOfficerFree. `reference` is checked as unused in the same statement.
    """
    ends_at = starts_at + station.slot_length
    if not ignore_pressure and station.pressure_blocks(starts_at, ends_at):
        raise StationUnderPressure.for_station(station)
    if _not_offered(station, starts_at, now):
        raise SlotUnavailable
    local = timezone.localtime(starts_at, station.zone)
    wall_end = local.replace(tzinfo=None) + station.slot_length
    if wall_end.date() != local.date():
        raise SlotUnavailable
    holding = _holding(now, buyer)
    opening = OpeningHours.objects.filter(
        station=station, weekday=local.weekday(), opens_at__lte=local.time(), closes_at__gte=wall_end.time()
    ).order_by("opens_at")
    closure = Closure.objects.filter(station=station, starts_at__lt=ends_at, ends_at__gt=starts_at)
    lapsed = Booking.objects.filter(
        space=OuterRef("pk"), status=BookingStatus.PENDING, hold_expires_at__lte=now
    ).overlapping(starts_at, ends_at)
    columns = {
        "taken": Exists(holding.filter(space=OuterRef("pk")).overlapping(starts_at, ends_at)),
        "lapsed": Subquery(lapsed.values("pk")[:1]),
        "opens_at": Subquery(opening.values("opens_at")[:1]),
        "closed": Exists(closure),
        "reference_taken": Exists(Booking.objects.filter(reference=reference)),
    }
    if kind == SpaceKind.ROOM:
        room_bookings = holding.filter(station=station, space__kind=SpaceKind.ROOM).overlapping(starts_at, ends_at)
        columns["officer"] = _best_officer(station, starts_at, ends_at, holding)
        columns["waiting"] = Exists(room_bookings.filter(officer__isnull=True))
    rows = list(
        Space.objects.filter(station=station, kind=kind, is_active=True)
        .annotate(**columns)
        .order_by("name")
        .values("pk", *columns)
    )
    if not rows or not _on_the_grid(rows[0]["opens_at"], local, station.slot_length) or rows[0]["closed"]:
        raise SlotUnavailable
    free = [row for row in rows if not row["taken"]]
    if not free:
        raise SlotUnavailable
    chosen = next((row for row in free if row["lapsed"] is None), free[0])
    officer_id = None
    if kind == SpaceKind.ROOM:
        officer_id = rows[0]["officer"]
        if rows[0]["waiting"]:
            officers = station_roster(station=station, starts_at=starts_at, ends_at=ends_at, now=now).officers_for(
                starts_at, ends_at
            )
            officer_id = officers[0] if officers else None
        if officer_id is None:
            raise NoOfficerFree
    lapsed_ids = (
        tuple(
            Booking.objects.filter(space_id=chosen["pk"], status=BookingStatus.PENDING, hold_expires_at__lte=now)
            .overlapping(starts_at, ends_at)
            .values_list("pk", flat=True)
        )
        if chosen["lapsed"] is not None
        else ()
    )
    return SlotChoice(chosen["pk"], officer_id, lapsed_ids, rows[0]["reference_taken"])


def _on_the_grid(opens_at, local: datetime, length: timedelta) -> bool:
    """Whether the slot starts a whole number of slots after its opening range opens (as the engine cuts them)."""
    if opens_at is None:
        return False
    since_opening = datetime.combine(local.date(), local.time()) - datetime.combine(local.date(), opens_at)
    return since_opening % length == timedelta(0)
