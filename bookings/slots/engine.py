"""The free slots of one space kind at a station: a pure computation over sorted intervals.

No ORM and no clock: bookings.slots.availability loads the inputs (a fixed number of
queries) and calls free_slots(). Each input is applied in one pass over the slots,
which stay sorted by start; a closure, booking or shift finds the slots it touches
by binary search, so the cost follows the slots plus the bookings, not their product.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, filterfalse, repeat
from operator import add
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .grid import SlotGrid
from .intervals import merge
from .roster import Roster


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


# Instants as integer microseconds since the epoch: how the loader reads the thousands of
# bookings and shifts (bookings.slots.loading), which the grid and the roster then compare.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


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
    return _opening_instants(station, first_day, last_day, earliest)[0]


def _opening_instants(
    station: StationDay, first_day: date, last_day: date, earliest: datetime
) -> tuple[list[datetime], list[datetime], bool]:
    """opening_starts(), with each start in the station's zone too, and whether the slots never overlap.

    The local instants come by adding slot lengths to the opening's first one (a day without a
    change of time) rather than converting each start: most of the engine's time per slot went
    there. Sorting and removing duplicates is left for the rare openings that overlap.
    """
    by_weekday: dict[int, list[Opening]] = {}
    for opening in sorted(station.openings, key=lambda o: o.opens_at):
        by_weekday.setdefault(opening.weekday, []).append(opening)
    starts: list[datetime] = []
    local_starts: list[datetime] = []
    zone, length = station.zone, station.slot_length
    ordered = True  # strictly increasing so far
    regular = True  # and each start at least a slot length after the one before
    one_day = timedelta(days=1)
    day = first_day
    # A day whose UTC offset is the same at both ends has no change of time: its
    # wall-clock slots are its first one's instant plus whole slot lengths.
    next_offset = datetime.combine(day, time(0), zone).utcoffset()
    while day <= last_day:
        offset, next_offset = next_offset, datetime.combine(day + one_day, time(0), zone).utcoffset()
        for opening in by_weekday.get(day.weekday(), ()):
            if offset == next_offset:
                local_first = datetime.combine(day, opening.opens_at, zone)
                first = local_first.astimezone(UTC)
                count = (datetime.combine(day, opening.closes_at) - datetime.combine(day, opening.opens_at)) // length
                # The first slot at or after `earliest`: ceil((earliest - first) / length) slots in.
                skip = min(max(0, -((first - earliest) // length)), max(count, 0))
                if skip >= count:
                    continue
                first_kept = first + skip * length
                if starts:
                    ordered = ordered and first_kept > starts[-1]
                    regular = regular and first_kept - starts[-1] >= length
                # accumulate(): the additions run in C, one new datetime per slot
                starts.extend(accumulate(repeat(length, count - skip - 1), add, initial=first_kept))
                local_starts.extend(
                    accumulate(repeat(length, count - skip - 1), add, initial=local_first + skip * length)
                )
                continue
            wall_clock = datetime.combine(day, opening.opens_at)
            closes = datetime.combine(day, opening.closes_at)
            while wall_clock + length <= closes:
                starts_at = local_wall_time_to_utc(day, wall_clock.time(), zone)
                wall_clock += length
                if starts_at is not None and starts_at >= earliest:
                    if starts:
                        ordered = ordered and starts_at > starts[-1]
                        regular = regular and starts_at - starts[-1] >= length
                    starts.append(starts_at)
                    local_starts.append(starts_at.astimezone(zone))
        day += one_day
    if not ordered:  # openings that overlap, or a night across a change of time
        by_start = dict(zip(starts, local_starts, strict=True))
        starts = sorted(by_start)
        local_starts = [by_start[s] for s in starts]
        regular = all(later - earlier >= length for earlier, later in zip(starts, starts[1:], strict=False))
    return starts, local_starts, regular


def _kept(starts: list[datetime], length: timedelta, intervals: Iterable) -> list[int] | None:
    """The indexes of the starts whose slot meets none of the intervals (one pass: both sides sorted);
    None when every start is kept."""
    blocked = merge(intervals)
    if not blocked:
        return None
    kept, i = [], 0
    for n, starts_at in enumerate(starts):
        ends_at = starts_at + length
        while i < len(blocked) and blocked[i].ends_at <= starts_at:
            i += 1
        if i < len(blocked) and blocked[i].starts_at < ends_at:
            continue
        kept.append(n)
    return kept if len(kept) < len(starts) else None


def free_slots(
    station: StationDay,
    *,
    first_day: date,
    last_day: date,
    earliest: datetime,
    space_ids: tuple[int, ...],
    holdings: Iterable[tuple],
    roster: Roster | None = None,
    micros: bool = False,
) -> list[Slot]:
    """The slots with a free space (and, given a roster, an officer free to take them).

    `space_ids` in the order spaces are offered; `holdings` the (space id, start, end) of
    every booking that holds a space; `roster` for rooms only. The holdings' and the
    roster's instants are aware datetimes, or with `micros` integer microseconds since
    the epoch (to_micros), as the loader reads them: the grid is then cut in those.
    """
    length = station.slot_length
    starts, local_starts, regular = _opening_instants(station, first_day, last_day, earliest)
    pressure_blocks = station.pressure_blocks
    kept = _kept(starts, length, station.closures)
    if pressure_blocks is not None:
        kept = [
            n
            for n in (range(len(starts)) if kept is None else kept)
            if not pressure_blocks(starts[n], starts[n] + length)
        ]
    if kept is not None:
        starts, local_starts = [starts[n] for n in kept], [local_starts[n] for n in kept]
    if micros:
        grid = SlotGrid([to_micros(s) for s in starts], length // MICROSECOND, regular=regular)
    else:
        grid = SlotGrid(starts, length, regular=regular)
    busy = grid.holders_by_slot(holdings)
    free = [space_ids] * len(starts)
    for i, taken in busy.items():
        free[i] = tuple(filterfalse(taken.__contains__, space_ids))
    # Each slot's officers do not depend on the other slots of the grid: the whole grid is
    # staffed at once, the slots without a free space included.
    make = tuple.__new__  # a Slot without the named tuple's Python-level __new__
    if roster is None:
        return [
            make(Slot, (starts_at, starts_at + length, local_starts[i], free[i], ()))
            for i, starts_at in enumerate(starts)
            if free[i]
        ]
    officers = roster.officers_by_slot(grid)
    return [
        make(Slot, (starts_at, starts_at + length, local_starts[i], free[i], officers[i]))
        for i, starts_at in enumerate(starts)
        if free[i] and officers[i]
    ]
