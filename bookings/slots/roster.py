"""Who may take a room booking: the roster rules over prefetched rows. No queries, no ORM.

An officer may take a booking when one of their shifts covers the whole slot, no
absence overlaps it, they have no other booking at that time, and they have fewer
than the station's cap of bookings in that shift (design note, invariant 2).

The same Roster serves the slot engine (what is offered, bookings.slots.engine) and
the assignment (who is given a booking, bookings.assignment), so the engine offers
a room slot only when the assignment can staff it.

Every lookup is a binary search over per-officer sorted lists: an officer's kept
bookings never overlap (a booking is kept only while the officer is free), so
sorting them by start also sorts them by end.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple


class Interval(NamedTuple):
    starts_at: datetime
    ends_at: datetime


class ShiftRow(NamedTuple):
    officer_id: int
    badge: str
    starts_at: datetime
    ends_at: datetime


class AbsenceRow(NamedTuple):
    officer_id: int
    starts_at: datetime
    ends_at: datetime


class RoomBooking(NamedTuple):
    """An active room booking: it holds its officer, or waits for one (officer_id None)."""

    booking_id: int
    officer_id: int | None
    starts_at: datetime
    ends_at: datetime


class Assigned(NamedTuple):
    booking_id: int
    starts_at: datetime
    ends_at: datetime


def merge(intervals) -> list[Interval]:
    """Sorted, disjoint intervals covering the same time (touching ones joined)."""
    merged: list[Interval] = []
    for starts_at, ends_at in sorted(intervals):
        if merged and starts_at <= merged[-1].ends_at:
            if ends_at > merged[-1].ends_at:
                merged[-1] = Interval(merged[-1].starts_at, ends_at)
        else:
            merged.append(Interval(starts_at, ends_at))
    return merged


def overlaps_any(starts: list, ends: list, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether [starts_at, ends_at) meets one of sorted, disjoint intervals given by their `starts` and `ends`."""
    i = bisect_right(ends, starts_at)
    return i < len(starts) and starts[i] < ends_at


class _Shifts:
    """One officer's shifts, sorted by start, with the running maximum of their ends."""

    __slots__ = ("intervals", "starts", "reach")

    def __init__(self, intervals: list[Interval]):
        self.intervals = sorted(intervals)
        self.starts = [s for s, _e in self.intervals]
        self.reach = []
        longest = None
        for _s, e in self.intervals:
            longest = e if longest is None or e > longest else longest
            self.reach.append(longest)

    def covering(self, starts_at: datetime, ends_at: datetime) -> Interval | None:
        """The earliest-starting shift that covers the whole of [starts_at, ends_at)."""
        found = None
        i = bisect_right(self.starts, starts_at) - 1
        # Walk back while an earlier shift could still reach ends_at.
        while i >= 0 and self.reach[i] >= ends_at:
            if self.intervals[i].ends_at >= ends_at:
                found = self.intervals[i]
            i -= 1
        return found


class Roster:
    """A station's officers, shifts, absences and officer-holding bookings over a time window.

    `bookings` are RoomBooking rows (or plain 4-tuples). A recorded officer who no longer
    fits (shift gone, absent, over the cap, two bookings at once) is not kept: that
    booking is listed in `unassigned` and its id in `misassigned`, so the engine treats
    it as needing an officer and the reassignment gives it one.
    """

    def __init__(self, *, cap: int, shifts, absences, bookings):
        self.cap = cap
        self.badges: dict[int, str] = {}
        by_officer: dict[int, list[Interval]] = defaultdict(list)
        for row in map(ShiftRow._make, shifts):
            self.badges[row.officer_id] = row.badge
            by_officer[row.officer_id].append(Interval(row.starts_at, row.ends_at))
        self._shifts = {officer_id: _Shifts(intervals) for officer_id, intervals in by_officer.items()}
        absent: dict[int, list[Interval]] = defaultdict(list)
        for row in map(AbsenceRow._make, absences):
            absent[row.officer_id].append(Interval(row.starts_at, row.ends_at))
        self.absences: dict[int, list[Interval]] = {o: merge(intervals) for o, intervals in absent.items()}
        self._absence_starts = {o: [s for s, _e in intervals] for o, intervals in self.absences.items()}
        self._absence_ends = {o: [e for _s, e in intervals] for o, intervals in self.absences.items()}
        self.assigned: dict[int, list[Assigned]] = defaultdict(list)
        self._assigned_starts: dict[int, list[datetime]] = defaultdict(list)
        self._assigned_ends: dict[int, list[datetime]] = defaultdict(list)
        self.unassigned: list[Assigned] = []
        self.misassigned: set[int] = set()
        # Earlier bookings keep their officer first, so a lower cap moves the last ones.
        for row in sorted(map(RoomBooking._make, bookings), key=lambda b: (b.starts_at, b.booking_id)):
            if row.officer_id is not None and self.is_free(row.officer_id, row.starts_at, row.ends_at):
                self.assign(row.booking_id, row.officer_id, row.starts_at, row.ends_at)
            else:
                if row.officer_id is not None:
                    self.misassigned.add(row.booking_id)
                self.unassigned.append(Assigned(row.booking_id, row.starts_at, row.ends_at))

    @property
    def officer_ids(self) -> list[int]:
        return list(self._shifts)

    def covering_shift(self, officer_id: int, starts_at: datetime, ends_at: datetime) -> Interval | None:
        shifts = self._shifts.get(officer_id)
        return shifts.covering(starts_at, ends_at) if shifts else None

    def load(self, officer_id: int, shift: Interval) -> int:
        """The officer's bookings within that shift."""
        first = bisect_right(self._assigned_ends[officer_id], shift[0])
        last = bisect_left(self._assigned_starts[officer_id], shift[1])
        return max(0, last - first)

    def is_absent(self, officer_id: int, starts_at: datetime, ends_at: datetime) -> bool:
        absences = self.absences.get(officer_id)
        return bool(absences) and overlaps_any(
            self._absence_starts[officer_id], self._absence_ends[officer_id], starts_at, ends_at
        )

    def is_busy(self, officer_id: int, starts_at: datetime, ends_at: datetime) -> bool:
        """Never two bookings at once."""
        return overlaps_any(self._assigned_starts[officer_id], self._assigned_ends[officer_id], starts_at, ends_at)

    def is_free(self, officer_id: int, starts_at: datetime, ends_at: datetime) -> bool:
        shift = self.covering_shift(officer_id, starts_at, ends_at)
        if shift is None or self.is_absent(officer_id, starts_at, ends_at):
            return False
        return not self.is_busy(officer_id, starts_at, ends_at) and self.load(officer_id, shift) < self.cap

    def _rank(self, officer_id: int, shift: Interval) -> tuple:
        return (self.load(officer_id, shift), self.badges[officer_id], officer_id)

    def free_officers(self, starts_at: datetime, ends_at: datetime) -> list[int]:
        """Officers who may take a booking at that time, least loaded in their shift first."""
        ranked = [
            self._rank(officer_id, self.covering_shift(officer_id, starts_at, ends_at))
            for officer_id in self._shifts
            if self.is_free(officer_id, starts_at, ends_at)
        ]
        return [officer_id for *_rank, officer_id in sorted(ranked)]

    def assign(self, booking_id: int, officer_id: int, starts_at: datetime, ends_at: datetime) -> None:
        """Give the booking to the officer (who must be free at that time: kept bookings never overlap)."""
        self.unassigned = [b for b in self.unassigned if b.booking_id != booking_id]
        position = bisect_left(self._assigned_starts[officer_id], starts_at)
        self._assigned_starts[officer_id].insert(position, starts_at)
        self._assigned_ends[officer_id].insert(position, ends_at)
        self.assigned[officer_id].insert(position, Assigned(booking_id, starts_at, ends_at))

    def officers_for(self, starts_at: datetime, ends_at: datetime) -> list[int]:
        """The officers a *new* booking at that time may take, least loaded first.

        Bookings already made that still lack an officer come first: they are
        staffed (in a copy, greedily, least loaded first) before a new booking may
        take who is left.
        """
        waiting = [b for b in self.unassigned if b.starts_at < ends_at and b.ends_at > starts_at]
        if not waiting:
            return self.free_officers(starts_at, ends_at)
        trial = self._copy()
        for booking_id, s, e in waiting:
            candidates = trial.free_officers(s, e)
            if candidates:
                trial.assign(booking_id, candidates[0], s, e)
        return trial.free_officers(starts_at, ends_at)

    def officers_by_slot(self, starts: list[datetime], length: timedelta) -> list[tuple[int, ...]]:
        """officers_for() of every slot of `length` starting at `starts` (sorted), in one pass.

        Each shift marks the slots it covers with its officer's rank (or as full, at the
        cap); each absence or booking unmarks the slots it overlaps; what is left, sorted,
        is the answer. The cost follows the slots each shift and booking touches, not
        slots × bookings. Slots that meet a booking still waiting for an officer take the
        exact, slower officers_for().
        """
        marks: list[dict | None] = [None] * len(starts)
        for officer_id, shifts in self._shifts.items():
            for shift in shifts.intervals:
                rank = self._rank(officer_id, shift) if self.load(officer_id, shift) < self.cap else None
                # The earliest-starting covering shift decides (covering_shift): first mark wins.
                for i in range(bisect_left(starts, shift.starts_at), bisect_right(starts, shift.ends_at - length)):
                    if marks[i] is None:
                        marks[i] = {}
                    marks[i].setdefault(officer_id, rank)
            bookings = ((b.starts_at, b.ends_at) for b in self.assigned[officer_id])
            for starts_at, ends_at in (*self.absences.get(officer_id, ()), *bookings):
                for i in range(bisect_right(starts, starts_at - length), bisect_left(starts, ends_at)):
                    if marks[i] is not None and officer_id in marks[i]:
                        marks[i][officer_id] = None
        waiting = [False] * len(starts)
        for _id, starts_at, ends_at in self.unassigned:
            for i in range(bisect_right(starts, starts_at - length), bisect_left(starts, ends_at)):
                waiting[i] = True
        result = []
        for i, slot_start in enumerate(starts):
            if waiting[i]:
                result.append(tuple(self.officers_for(slot_start, slot_start + length)))
            elif marks[i]:
                result.append(tuple(officer_id for *_r, officer_id in sorted(r for r in marks[i].values() if r)))
            else:
                result.append(())
        return result

    def _copy(self) -> "Roster":
        trial = Roster.__new__(Roster)
        trial.cap = self.cap
        trial.badges = self.badges
        trial._shifts = self._shifts
        trial.absences = self.absences
        trial._absence_starts = self._absence_starts
        trial._absence_ends = self._absence_ends
        trial.assigned = defaultdict(list, {o: list(b) for o, b in self.assigned.items()})
        trial._assigned_starts = defaultdict(list, {o: list(s) for o, s in self._assigned_starts.items()})
        trial._assigned_ends = defaultdict(list, {o: list(e) for o, e in self._assigned_ends.items()})
        trial.unassigned = list(self.unassigned)
        trial.misassigned = set(self.misassigned)
        return trial
