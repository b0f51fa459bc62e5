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
from datetime import datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from stations.models import SpaceKind, Station

from ..exceptions import NoOfficerFree, SlotUnavailable, StationUnderPressure
from ..models import Booking, BookingStatus
from .availability import earliest_start, station_roster
from .engine import local_wall_time_to_utc
from .sql import HOLDING, OVERLAPS, as_parameter, execute, holding_params


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


# The least loaded officer free for the slot (Roster.free_officers, in SQL): the earliest
# covering shift (then the shortest), no absence, no other booking then, under the cap.
_BEST_OFFICER = f"""(
    SELECT free.officer_id FROM (
        SELECT o.id AS officer_id, o.badge_number AS badge,
            (SELECT COUNT(*) FROM bookings_booking b WHERE b.officer_id = o.id
                AND b.starts_at < sh.ends_at AND b.ends_at > sh.starts_at AND {HOLDING.format(b="b")}) AS load
        FROM stations_officer o
        JOIN stations_shift sh ON sh.id = (
            SELECT s2.id FROM stations_shift s2 WHERE s2.officer_id = o.id
                AND s2.starts_at <= %(starts_at)s AND s2.ends_at >= %(ends_at)s
            ORDER BY s2.starts_at, s2.ends_at, s2.id LIMIT 1)
        WHERE o.station_id = %(station)s AND o.is_active
            AND NOT EXISTS (SELECT 1 FROM stations_officerabsence a WHERE a.officer_id = o.id
                AND {OVERLAPS.format(b="a")})
            AND NOT EXISTS (SELECT 1 FROM bookings_booking b WHERE b.officer_id = o.id
                AND {OVERLAPS.format(b="b")} AND {HOLDING.format(b="b")})
    ) free
    WHERE free.load < %(cap)s
    ORDER BY free.load, free.badge, free.officer_id LIMIT 1
)"""  # noqa: S608

# A room booking at that time still waiting for an officer: then the exact greedy decides.
_WAITING = f"""EXISTS (
    SELECT 1 FROM bookings_booking b JOIN stations_space bs ON bs.id = b.space_id
    WHERE b.station_id = %(station)s AND bs.kind = %(room)s AND b.officer_id IS NULL
        AND {OVERLAPS.format(b="b")} AND {HOLDING.format(b="b")}
)"""  # noqa: S608

# The statements are put together from these constant fragments only (no value is ever
# formatted in: every value is a query parameter), hence the noqa for S608 below.
# One row per active space of the kind, in the order spaces are offered. The columns
# after `taken` and `lapsed` are the same on every row (the station's, for that slot).
_CHECK = f"""
SELECT sp.id,
    EXISTS (SELECT 1 FROM bookings_booking b WHERE b.space_id = sp.id
        AND {OVERLAPS.format(b="b")} AND {HOLDING.format(b="b")}) AS taken,
    (SELECT b.id FROM bookings_booking b WHERE b.space_id = sp.id AND b.status = %(pending)s
        AND b.hold_expires_at <= %(now)s AND {OVERLAPS.format(b="b")} LIMIT 1) AS lapsed,
    (SELECT CAST(oh.opens_at AS TEXT) FROM stations_openinghours oh WHERE oh.station_id = %(station)s
        AND oh.weekday = %(weekday)s AND oh.opens_at <= %(wall_start)s AND oh.closes_at >= %(wall_end)s
        ORDER BY oh.opens_at LIMIT 1) AS opens_at,
    EXISTS (SELECT 1 FROM stations_closure c WHERE c.station_id = %(station)s
        AND {OVERLAPS.format(b="c")}) AS closed,
    EXISTS (SELECT 1 FROM bookings_booking r WHERE r.reference = %(reference)s) AS reference_taken,
    {{officer}} AS officer_id,
    {{waiting}} AS waiting
FROM stations_space sp
WHERE sp.station_id = %(station)s AND sp.kind = %(kind)s AND sp.is_active
ORDER BY sp.name
"""  # noqa: S608
CHECK_SQL: dict[str, str] = {
    SpaceKind.ROOM: _CHECK.format(officer=_BEST_OFFICER, waiting=_WAITING),
    SpaceKind.BAY: _CHECK.format(officer="NULL", waiting="0"),
}


def _params(
    *, station: Station, kind: str, starts_at, ends_at, local: datetime, wall_end: datetime, now, buyer, reference: str
) -> dict:
    ops = connection.ops
    return {
        **holding_params(now=now, buyer=buyer),
        "station": station.pk,
        "kind": kind,
        "room": SpaceKind.ROOM,
        "starts_at": as_parameter(starts_at),
        "ends_at": as_parameter(ends_at),
        "weekday": local.weekday(),
        "wall_start": ops.adapt_timefield_value(local.time().replace(tzinfo=None)),
        "wall_end": ops.adapt_timefield_value(wall_end.time()),
        "reference": reference,
        "cap": station.officer_cap_per_shift,
    }


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
    params = _params(
        station=station,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        local=local,
        wall_end=wall_end,
        now=now,
        buyer=buyer,
        reference=reference,
    )
    with connection.cursor() as cursor:
        execute(cursor, CHECK_SQL[kind], params, prepared_as=f"sx_slot_check_{kind}")
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    if not rows or not _on_the_grid(rows[0]["opens_at"], local, station.slot_length) or rows[0]["closed"]:
        raise SlotUnavailable
    free = [row for row in rows if not row["taken"]]  # 0 or 1 on SQLite, a boolean on PostgreSQL
    if not free:
        raise SlotUnavailable
    chosen = next((row for row in free if row["lapsed"] is None), free[0])
    officer_id = None
    if kind == SpaceKind.ROOM:
        officer_id = rows[0]["officer_id"]
        if rows[0]["waiting"]:
            officers = station_roster(station=station, starts_at=starts_at, ends_at=ends_at, now=now).officers_for(
                starts_at, ends_at
            )
            officer_id = officers[0] if officers else None
        if officer_id is None:
            raise NoOfficerFree
    lapsed_ids = (
        tuple(
            Booking.objects.filter(space_id=chosen["id"], status=BookingStatus.PENDING, hold_expires_at__lte=now)
            .overlapping(starts_at, ends_at)
            .values_list("pk", flat=True)
        )
        if chosen["lapsed"] is not None
        else ()
    )
    return SlotChoice(chosen["id"], officer_id, lapsed_ids, bool(rows[0]["reference_taken"]))


def _on_the_grid(opens_at, local: datetime, length: timedelta) -> bool:
    """Whether the slot starts a whole number of slots after its opening range opens (as the engine cuts them)."""
    if opens_at is None:
        return False
    opens_at = time.fromisoformat(opens_at)
    since_opening = datetime.combine(local.date(), local.time()) - datetime.combine(local.date(), opens_at)
    return since_opening % length == timedelta(0)
