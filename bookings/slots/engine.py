"""The free slots of one space kind at a station: a pure computation over sorted intervals.

No ORM and no clock: bookings.slots.availability loads the inputs (a fixed number of
queries) and calls free_slots(). Each input is applied in one pass over the slots,
which stay sorted by start; a closure, booking or shift finds the slots it touches
by binary search, so the cost follows the slots plus the bookings, not their product.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .grid import SlotGrid
from .roster import Roster, merge


class Slot(NamedTuple):
    """A free slot. A named tuple: the engine makes hundreds per page, a frozen dataclass costs more."""

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


def local_wall_time_to_utc(day: date, wall_time: time, zone: ZoneInfo) -> datetime | None:
    """The instant a wall-clock time names, or None when it does not exist (spring-forward gap).

    In the autumn's repeated hour the first of the two instants is meant (fold 0).
    """
    naive = datetime.combine(day, wall_time)
    as_utc = naive.replace(tzinfo=zone).astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return as_utc


@dataclass(frozen=True)
class Opening:
    """One opening range on a weekday, in the station's wall-clock time."""

    weekday: int
    opens_at: time
    closes_at: time


@dataclass
class StationDay:
    """What the engine needs to know of a station, whatever the kind of space."""

    zone: ZoneInfo
    slot_length: timedelta
    openings: list[Opening]
    closures: list[tuple[datetime, datetime]] = field(default_factory=list)
    # None when nothing stops new bookings; else whether a slot (start, end) is blocked.
    pressure_blocks: Callable[[datetime, datetime], bool] | None = None


def opening_starts(station: StationDay, first_day: date, last_day: date, earliest: datetime) -> list[datetime]:
    """Every slot start the opening hours give between two local dates, at or after `earliest`, sorted.

    Slots keep their wall-clock times across a daylight saving change; a wall time that
    does not exist that day (spring forward) is skipped.
    """
    by_weekday: dict[int, list[Opening]] = {}
    for opening in sorted(station.openings, key=lambda o: o.opens_at):
        by_weekday.setdefault(opening.weekday, []).append(opening)
    starts: list[datetime] = []
    zone, length = station.zone, station.slot_length
    day = first_day
    while day <= last_day:
        openings = by_weekday.get(day.weekday(), ())
        # A day whose UTC offset is the same at both ends has no change of time: its
        # wall-clock slots are its first one's instant plus whole slot lengths.
        midnight = datetime.combine(day, time(0), zone)
        steady = midnight.utcoffset() == datetime.combine(day + timedelta(days=1), time(0), zone).utcoffset()
        for opening in openings:
            wall_clock = datetime.combine(day, opening.opens_at)
            closes = datetime.combine(day, opening.closes_at)
            if steady:
                first = datetime.combine(day, opening.opens_at, zone).astimezone(UTC)
                count = (closes - wall_clock) // length
                starts.extend(s for s in (first + n * length for n in range(count)) if s >= earliest)
                continue
            while wall_clock + length <= closes:
                starts_at = local_wall_time_to_utc(day, wall_clock.time(), zone)
                wall_clock += length
                if starts_at is not None and starts_at >= earliest:
                    starts.append(starts_at)
        day += timedelta(days=1)
    # Sorted already, but for openings that overlap or a night across a change of time.
    return sorted(set(starts))


def _without_overlaps(starts: list[datetime], length: timedelta, intervals: Iterable) -> list[datetime]:
    """The starts whose slot meets none of the intervals (one pass: both sides sorted)."""
    blocked = merge(intervals)
    if not blocked:
        return starts
    kept, i = [], 0
    for starts_at in starts:
        ends_at = starts_at + length
        while i < len(blocked) and blocked[i].ends_at <= starts_at:
            i += 1
        if i < len(blocked) and blocked[i].starts_at < ends_at:
            continue
        kept.append(starts_at)
    return kept


def free_slots(
    station: StationDay,
    *,
    first_day: date,
    last_day: date,
    earliest: datetime,
    space_ids: tuple[int, ...],
    holdings: Iterable[tuple[int, datetime, datetime]],
    roster: Roster | None = None,
) -> list[Slot]:
    """The slots with a free space (and, given a roster, an officer free to take them).

    `space_ids` in the order spaces are offered; `holdings` the (space id, start, end) of
    every booking that holds a space; `roster` for rooms only.
    """
    length = station.slot_length
    starts = _without_overlaps(opening_starts(station, first_day, last_day, earliest), length, station.closures)
    if station.pressure_blocks is not None:
        starts = [s for s in starts if not station.pressure_blocks(s, s + length)]
    grid = SlotGrid(starts, length)
    busy: dict[int, set[int]] = {}
    for space_id, starts_at, ends_at in holdings:
        for i in grid.touched(starts_at, ends_at):
            busy.setdefault(i, set()).add(space_id)
    offered = []
    for i, starts_at in enumerate(starts):
        taken = busy.get(i)
        free = tuple(s for s in space_ids if s not in taken) if taken else space_ids
        if free:
            offered.append((starts_at, free))
    officers = None
    if roster is not None:
        offered_grid = grid if len(offered) == len(starts) else SlotGrid([s for s, _f in offered], length)
        officers = roster.officers_by_slot(offered_grid)
    zone = station.zone
    slots = []
    for n, (starts_at, free) in enumerate(offered):
        officer_ids: tuple[int, ...] = ()
        if officers is not None:
            officer_ids = officers[n]
            if not officer_ids:
                continue
        slots.append(Slot(starts_at, starts_at + length, starts_at.astimezone(zone), free, officer_ids))
    return slots
