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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from itertools import filterfalse, repeat
from operator import ge, itemgetter, le, sub
from typing import NamedTuple

from .grid import Instant, SlotGrid
from .intervals import Interval, Shifts, merge, overlaps_any


class ShiftRow(NamedTuple):
    officer_id: int
    badge: str
    starts_at: Instant
    ends_at: Instant


class AbsenceRow(NamedTuple):
    officer_id: int
    starts_at: Instant
    ends_at: Instant


class RoomBooking(NamedTuple):
    """An active room booking: it holds its officer, or waits for one (officer_id None)."""

    booking_id: int
    officer_id: int | None
    starts_at: Instant
    ends_at: Instant


class Assigned(NamedTuple):
    booking_id: int
    starts_at: Instant
    ends_at: Instant


class Roster:
    """A station's officers, shifts, absences and officer-holding bookings over a time window.

    `bookings` are RoomBooking rows (or plain 4-tuples). A recorded officer who no longer
    fits (shift gone, absent, over the cap, two bookings at once) is not kept: that
    booking is listed in `unassigned` and its id in `misassigned`, so the engine treats
    it as needing an officer and the reassignment gives it one.
    """

    def __init__(
        self,
        *,
        cap: int,
        shifts: Iterable[ShiftRow | tuple],
        absences: Iterable[AbsenceRow | tuple],
        bookings: Iterable[RoomBooking | tuple],
    ):
        self.cap = cap
        self.badges: dict[int, str] = {}
        new = tuple.__new__  # an Interval without the named tuple's Python-level __new__: thousands of rows
        by_officer: dict[int, list[Interval]] = defaultdict(list)
        for officer_id, badge, starts_at, ends_at in shifts:  # ShiftRow
            self.badges[officer_id] = badge
            by_officer[officer_id].append(new(Interval, (starts_at, ends_at)))
        self._shifts = {officer_id: Shifts(intervals) for officer_id, intervals in by_officer.items()}
        absent: dict[int, list[Interval]] = defaultdict(list)
        for officer_id, starts_at, ends_at in absences:  # AbsenceRow
            absent[officer_id].append(new(Interval, (starts_at, ends_at)))
        self.absences: dict[int, list[Interval]] = {o: merge(intervals) for o, intervals in absent.items()}
        self._absence_starts = {o: [s for s, _e in intervals] for o, intervals in self.absences.items()}
        self._absence_ends = {o: [e for _s, e in intervals] for o, intervals in self.absences.items()}
        self.assigned: dict[int, list[Assigned]] = defaultdict(list)
        self._assigned_starts: dict[int, list[Instant]] = defaultdict(list)
        self._assigned_ends: dict[int, list[Instant]] = defaultdict(list)
        self.unassigned: list[Assigned] = []
        self.misassigned: set[int] = set()
        self._shared: set[int] = set()
        # Earlier bookings keep their officer first, so a lower cap moves the last ones.
        by_officer_rows = defaultdict(list)
        with_shifts = self._shifts
        for row in sorted(bookings, key=itemgetter(2, 0)):
            officer_id = row[1]
            if officer_id in with_shifts:
                by_officer_rows[officer_id].append(row)
            else:  # no officer yet, or one without a shift then
                booking_id, _officer_id, starts_at, ends_at = row
                if officer_id is not None:
                    self.misassigned.add(booking_id)
                self.unassigned.append(Assigned(booking_id, starts_at, ends_at))
        for officer_id, rows in by_officer_rows.items():
            self._keep(officer_id, rows)
        self.unassigned.sort(key=lambda b: (b.starts_at, b.booking_id))

    def _keep(self, officer_id: int, rows: list) -> None:
        """Keep the officer on each of their bookings (in start order) while the rules allow it.

        Kept bookings are appended already sorted, and one overlaps the next booking only
        if the last kept one (which ends last) does. With shifts that do not overlap (the
        usual roster) one pass with a pointer into the shifts and one into the absences
        decides each booking; otherwise the general rules (is_free) do (_keep_by_rules).
        """
        shifts = self._shifts[officer_id]
        if not shifts.disjoint:
            self._keep_by_rules(officer_id, rows)
            return
        starts, ends = self._assigned_starts[officer_id], self._assigned_ends[officer_id]
        if self._all_fit(officer_id, rows):
            starts.extend(map(itemgetter(2), rows))
            ends.extend(map(itemgetter(3), rows))
            self.assigned[officer_id].extend(map(tuple.__new__, repeat(Assigned), map(itemgetter(0, 2, 3), rows)))
            return
        # Plain locals and lists in this loop over every booking; the kept rows are turned
        # into the roster's lists afterwards, in C (map).
        shift_starts, shift_ends, last_shift = shifts.starts, shifts.ends, len(shifts.starts) - 1
        absence_starts = self._absence_starts.get(officer_id, [])
        absence_ends = self._absence_ends.get(officer_id, [])
        cap, absence_count = self.cap, len(absence_starts)
        loads = [0] * len(shift_starts)
        kept_rows: list[tuple] = []
        keep = kept_rows.append
        busy_until = ends[-1] if ends else rows[0][2]  # the end of the last booking kept (sorted by start)
        si = ai = 0
        for row in rows:
            booking_id, _officer, starts_at, ends_at = row
            while si < last_shift and shift_starts[si + 1] <= starts_at:
                si += 1
            while ai < absence_count and absence_ends[ai] <= starts_at:
                ai += 1
            if (
                shift_starts[si] <= starts_at
                and shift_ends[si] >= ends_at
                and not (ai < absence_count and absence_starts[ai] < ends_at)
                and busy_until <= starts_at
                and loads[si] < cap
            ):
                loads[si] += 1
                busy_until = ends_at
                keep(row)
            else:
                self.misassigned.add(booking_id)
                self.unassigned.append(Assigned(booking_id, starts_at, ends_at))
        starts.extend(map(itemgetter(2), kept_rows))
        ends.extend(map(itemgetter(3), kept_rows))
        self.assigned[officer_id].extend(map(tuple.__new__, repeat(Assigned), map(itemgetter(0, 2, 3), kept_rows)))

    def _all_fit(self, officer_id: int, rows: list) -> bool:
        """Whether the officer, whose shifts do not overlap, keeps every one of these bookings (sorted by
        start): each within a shift and out of every absence, none overlapping the next, no shift over the
        cap. The usual case, checked a rule at a time over all the bookings in C (map) rather than booking
        by booking; when it fails, _keep's pass decides which bookings stay."""
        shifts, ends = self._shifts[officer_id], self._assigned_ends[officer_id]
        booked_starts, booked_ends = list(map(itemgetter(2), rows)), list(map(itemgetter(3), rows))
        if ends and ends[-1] > booked_starts[0] or not all(map(le, booked_ends[:-1], booked_starts[1:])):
            return False
        # The only shift that can cover a booking is the first to end at or after it (no overlaps).
        covering = list(map(partial(bisect_left, shifts.ends), booked_ends))
        if covering[-1] >= len(shifts.ends) or not all(
            map(le, map(shifts.starts.__getitem__, covering), booked_starts)
        ):
            return False
        if max(Counter(covering).values()) > self.cap:
            return False
        absence_starts = self._absence_starts.get(officer_id)
        if absence_starts:
            # The first absence to end after a booking starts must start at or after its end; past the last
            # absence, the last booking's end stands in (the bookings, apart, end in order: none ends after it).
            after = [*absence_starts, booked_ends[-1]]
            firsts = map(partial(bisect_right, self._absence_ends[officer_id]), booked_starts)
            if not all(map(ge, map(after.__getitem__, firsts), booked_ends)):
                return False
        return True

    def _keep_by_rules(self, officer_id: int, rows: list) -> None:
        """_keep() for an officer whose shifts overlap: the rules, booking by booking."""
        starts, ends = self._assigned_starts[officer_id], self._assigned_ends[officer_id]
        kept = self.assigned[officer_id]
        for booking_id, _officer, starts_at, ends_at in rows:
            if not (ends and ends[-1] > starts_at) and self._may_take(officer_id, starts_at, ends_at):
                starts.append(starts_at)
                ends.append(ends_at)
                kept.append(Assigned(booking_id, starts_at, ends_at))
            else:
                self.misassigned.add(booking_id)
                self.unassigned.append(Assigned(booking_id, starts_at, ends_at))

    def _may_take(self, officer_id: int, starts_at: Instant, ends_at: Instant) -> bool:
        """is_free() but for the overlap with other bookings, which the caller checked."""
        shift = self.covering_shift(officer_id, starts_at, ends_at)
        if shift is None or self.is_absent(officer_id, starts_at, ends_at):
            return False
        return self.load(officer_id, shift) < self.cap

    @property
    def officer_ids(self) -> list[int]:
        return list(self._shifts)

    def covering_shift(self, officer_id: int, starts_at: Instant, ends_at: Instant) -> Interval | None:
        shifts = self._shifts.get(officer_id)
        return shifts.covering(starts_at, ends_at) if shifts else None

    def load(self, officer_id: int, shift: Interval) -> int:
        """The officer's bookings within that shift."""
        first = bisect_right(self._assigned_ends[officer_id], shift[0])
        last = bisect_left(self._assigned_starts[officer_id], shift[1])
        return max(0, last - first)

    def is_absent(self, officer_id: int, starts_at: Instant, ends_at: Instant) -> bool:
        absences = self.absences.get(officer_id)
        return bool(absences) and overlaps_any(
            self._absence_starts[officer_id], self._absence_ends[officer_id], starts_at, ends_at
        )

    def is_busy(self, officer_id: int, starts_at: Instant, ends_at: Instant) -> bool:
        """Never two bookings at once."""
        return overlaps_any(self._assigned_starts[officer_id], self._assigned_ends[officer_id], starts_at, ends_at)

    def is_free(self, officer_id: int, starts_at: Instant, ends_at: Instant) -> bool:
        shift = self.covering_shift(officer_id, starts_at, ends_at)
        if shift is None or self.is_absent(officer_id, starts_at, ends_at):
            return False
        return not self.is_busy(officer_id, starts_at, ends_at) and self.load(officer_id, shift) < self.cap

    def _rank(self, officer_id: int, shift: Interval) -> tuple:
        return (self.load(officer_id, shift), self.badges[officer_id], officer_id)

    def free_officers(self, starts_at: Instant, ends_at: Instant) -> list[int]:
        """Officers who may take a booking at that time, least loaded in their shift first."""
        ranked = [
            self._rank(officer_id, shift)
            for officer_id in self._shifts
            if self.is_free(officer_id, starts_at, ends_at)
            and (shift := self.covering_shift(officer_id, starts_at, ends_at)) is not None
        ]
        return [officer_id for *_rank, officer_id in sorted(ranked)]

    def assign(self, booking_id: int, officer_id: int, starts_at: Instant, ends_at: Instant) -> None:
        """Give the booking to the officer (who must be free at that time: kept bookings never overlap)."""
        self.unassigned = [b for b in self.unassigned if b.booking_id != booking_id]
        self._place(officer_id, Assigned(booking_id, starts_at, ends_at))

    def _place(self, officer_id: int, booking: Assigned) -> None:
        if officer_id in self._shared:
            # A trial copy shares its lists with the roster it came from until it changes one.
            self._shared.discard(officer_id)
            self.assigned[officer_id] = list(self.assigned[officer_id])
            self._assigned_starts[officer_id] = list(self._assigned_starts[officer_id])
            self._assigned_ends[officer_id] = list(self._assigned_ends[officer_id])
        position = bisect_left(self._assigned_starts[officer_id], booking.starts_at)
        self._assigned_starts[officer_id].insert(position, booking.starts_at)
        self._assigned_ends[officer_id].insert(position, booking.ends_at)
        self.assigned[officer_id].insert(position, booking)

    def officers_for(self, starts_at: Instant, ends_at: Instant) -> list[int]:
        """The officers a *new* booking at that time may take, least loaded first.

        Bookings already made that still lack an officer come first: they are
        staffed (in a copy, greedily, least loaded first) before a new booking may
        take who is left.
        """
        waiting = [b for b in self.unassigned if b.starts_at < ends_at and b.ends_at > starts_at]
        if not waiting:
            return self.free_officers(starts_at, ends_at)
        trial = self._trial()
        for booking in waiting:
            candidates = trial.free_officers(booking.starts_at, booking.ends_at)
            if candidates:
                trial._place(candidates[0], booking)
        return trial.free_officers(starts_at, ends_at)

    def officers_by_slot(self, grid: SlotGrid) -> list[tuple[int, ...]]:
        """officers_for() of every slot of the grid, in one pass.

        Each shift that covers slots and is under the cap gives its officer a rank (load,
        badge, id) over those slots. Walking the slots in order, the officers on shift change
        only where a shift begins or ends: there the ranked officers are sorted once, and each
        slot keeps them but for those an absence or a booking of theirs holds at that slot.
        The cost follows the shifts, the bookings and the slots, not slots × bookings. Slots
        that meet bookings still waiting for an officer are then corrected
        (_after_waiting_bookings).
        """
        starts, length, cap = grid.starts, grid.length, self.cap
        ranks: list[tuple] = []  # (load, badge, officer id) of each shift with slots to give
        beginning: dict[int, list[int]] = defaultdict(list)  # slot index -> shifts (positions in ranks)
        ending: dict[int, list[int]] = defaultdict(list)
        for officer_id, shifts in self._shifts.items():
            # .get(): a read makes no empty list in the defaultdicts (see _trial)
            booked_starts = self._assigned_starts.get(officer_id, ())
            booked_ends = self._assigned_ends.get(officer_id, ())
            badge = self.badges[officer_id]
            # The earliest-starting covering shift decides (covering_shift): shifts come sorted
            # by start, so a shift decides only past the slots the earlier ones covered.
            # grid.covered() and load() of every shift, the binary searches mapped in C
            firsts = map(partial(bisect_left, starts), shifts.starts)
            lasts = map(partial(bisect_right, starts), map(sub, shifts.ends, repeat(length)))
            loads = map(
                sub,
                map(partial(bisect_left, booked_starts), shifts.ends),
                map(partial(bisect_right, booked_ends), shifts.starts),
            )
            frontier = 0
            for first, last, load in zip(firsts, lasts, loads, strict=True):
                if first < frontier:
                    first = frontier
                if first >= last:
                    continue
                frontier = last
                if load >= cap:
                    continue
                beginning[first].append(len(ranks))
                ending[last].append(len(ranks))
                ranks.append((max(load, 0), badge, officer_id))
        held = grid.holders_by_slot(self._holding_rows())
        result: list[tuple[int, ...]] = [()] * len(starts)
        on_shift: set[int] = set()
        changes = sorted(beginning.keys() | ending.keys())
        for change, next_change in zip(changes, [*changes[1:], len(starts)], strict=False):
            on_shift.difference_update(ending.get(change, ()))
            on_shift.update(beginning.get(change, ()))
            # An officer has one shift at most over a slot (the frontier above): one rank each.
            ranked = tuple(ranks[n][2] for n in sorted(on_shift, key=ranks.__getitem__))
            if not ranked:
                continue
            for i in range(change, next_change):
                taken = held.get(i)
                result[i] = tuple(filterfalse(taken.__contains__, ranked)) if taken else ranked
        return self._after_waiting_bookings(grid, result)

    def _holding_rows(self) -> Iterator[tuple[int, Instant, Instant]]:
        """(officer id, start, end) of every absence and kept booking of the officers with shifts."""
        for officer_id in self._shifts:
            yield from zip(
                repeat(officer_id), self._absence_starts.get(officer_id, ()), self._absence_ends.get(officer_id, ())
            )
            yield from zip(
                repeat(officer_id),
                self._assigned_starts.get(officer_id, ()),
                self._assigned_ends.get(officer_id, ()),
            )

    def _after_waiting_bookings(self, grid: SlotGrid, result: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        """A booking waiting for an officer takes the least loaded free one first, and is with
        them during the slots it overlaps: that officer is not free there. Alone on a slot,
        that is all it changes; several at once take the exact greedy (officers_for)."""
        waiting: dict[int, list[Assigned]] = {}
        for booking in self.unassigned:
            for i in grid.touched(booking.starts_at, booking.ends_at):
                waiting.setdefault(i, []).append(booking)
        taken_by: dict[int, int | None] = {}
        for i, bookings in waiting.items():
            if len(bookings) > 1:
                result[i] = tuple(self.officers_for(grid.starts[i], grid.starts[i] + grid.length))
                continue
            booking = bookings[0]
            if booking.booking_id not in taken_by:
                if booking.starts_at == grid.starts[i] and booking.ends_at - booking.starts_at == grid.length:
                    # Exactly this slot: its free officers are the one pass's answer for it, which
                    # only this slot's turn changes (the usual booking; free_officers() costs more).
                    candidates: Sequence[int] = result[i]
                else:
                    candidates = self.free_officers(booking.starts_at, booking.ends_at)
                taken_by[booking.booking_id] = candidates[0] if candidates else None
            result[i] = tuple(officer_id for officer_id in result[i] if officer_id != taken_by[booking.booking_id])
        return result

    def _trial(self) -> "Roster":
        """A copy to try assignments in: it shares every list until it changes one (see _place)."""
        trial = Roster.__new__(Roster)
        trial.__dict__.update(self.__dict__)
        trial.assigned = defaultdict(list, self.assigned)
        trial._assigned_starts = defaultdict(list, self._assigned_starts)
        trial._assigned_ends = defaultdict(list, self._assigned_ends)
        # Every officer with a list of their own in any of the three: a read (is_busy, load) of an officer
        # without bookings makes empty lists in the defaultdicts, which the copy must not fill either.
        trial._shared = set(self.assigned) | set(self._assigned_starts) | set(self._assigned_ends)
        return trial
