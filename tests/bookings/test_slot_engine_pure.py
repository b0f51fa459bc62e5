"""The slot engine's pure core (bookings.slots.engine and .roster), without a database.

The fast paths (binary searches, one marking pass over the slots) are checked against the
roster rules written out naively here, on random rosters: who covers a slot, absences,
two bookings at once, the per-shift cap, least loaded first.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.slots.engine import Opening, StationDay, free_slots, opening_starts, to_micros
from bookings.slots.grid import SlotGrid
from bookings.slots.roster import Roster

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
T0 = datetime(2026, 6, 8, 6, 0, tzinfo=UTC)
HALF = timedelta(minutes=30)


def at(half_hours: int) -> datetime:
    return T0 + half_hours * HALF


# --- the rules, written naively ---------------------------------------------------------------


def _meets(a, b, c, d) -> bool:
    return a < d and b > c


class NaiveRoster:
    def __init__(self, *, cap, shifts, absences, bookings):
        self.cap, self.shifts, self.absences = cap, shifts, absences
        self.badges = {o: b for o, b, _s, _e in shifts}
        self.assigned = {}
        for booking_id, officer_id, s, e in sorted(bookings, key=lambda b: (b[2], b[0])):
            if officer_id is not None and self.is_free(officer_id, s, e):
                self.assigned.setdefault(officer_id, []).append((booking_id, s, e))

    def covering(self, o, s, e):
        covering = sorted((ss, se) for oo, _b, ss, se in self.shifts if oo == o and ss <= s and se >= e)
        return covering[0] if covering else None

    def load(self, o, shift):
        return sum(1 for _id, s, e in self.assigned.get(o, ()) if _meets(s, e, *shift))

    def is_free(self, o, s, e):
        shift = self.covering(o, s, e)
        if shift is None:
            return False
        if any(_meets(a, b, s, e) for oo, a, b in self.absences if oo == o):
            return False
        if any(_meets(a, b, s, e) for _id, a, b in self.assigned.get(o, ())):
            return False
        return self.load(o, shift) < self.cap

    def free_officers(self, s, e):
        free = [o for o in self.badges if self.is_free(o, s, e)]
        return sorted(free, key=lambda o: (self.load(o, self.covering(o, s, e)), self.badges[o], o))


# --- random rosters ---------------------------------------------------------------------------

officers = st.integers(min_value=1, max_value=4)
spans = st.tuples(st.integers(0, 30), st.integers(1, 12)).map(lambda p: (at(p[0]), at(p[0] + p[1])))


@st.composite
def rosters(draw):
    shifts = [(o, f"B{o % 3}", s, e) for o, (s, e) in draw(st.lists(st.tuples(officers, spans), max_size=8))]
    absences = [(o, s, e) for o, (s, e) in draw(st.lists(st.tuples(officers, spans), max_size=3))]
    bookings = [
        (n, o, at(start), at(start + length))
        for n, (o, start, length) in enumerate(
            draw(
                st.lists(st.tuples(st.one_of(st.none(), officers), st.integers(0, 40), st.integers(1, 2)), max_size=12)
            )
        )
    ]
    return {"cap": draw(st.integers(1, 3)), "shifts": shifts, "absences": absences, "bookings": bookings}


@settings(max_examples=300, deadline=None)
@given(rosters())
def test_the_roster_keeps_the_same_bookings_and_finds_the_same_free_officers_as_the_rules_say(rows):
    fast, naive = Roster(**rows), NaiveRoster(**rows)

    assert {o: [b[0] for b in kept] for o, kept in fast.assigned.items() if kept} == {
        o: [b[0] for b in kept] for o, kept in naive.assigned.items() if kept
    }
    for start in range(0, 44):
        assert fast.free_officers(at(start), at(start + 1)) == naive.free_officers(at(start), at(start + 1))


@settings(max_examples=300, deadline=None)
@given(rosters())
def test_the_one_pass_over_all_slots_agrees_with_asking_slot_by_slot(rows):
    roster = Roster(**rows)
    starts = [at(n) for n in range(0, 44)]

    assert roster.officers_by_slot(SlotGrid(starts, HALF)) == [tuple(roster.officers_for(s, s + HALF)) for s in starts]


def test_a_booking_waiting_for_an_officer_takes_one_before_a_new_booking_does():
    roster = Roster(
        cap=3,
        shifts=[(1, "B1", at(0), at(8)), (2, "B2", at(0), at(8))],
        absences=[],
        bookings=[(10, 1, at(2), at(3)), (11, None, at(4), at(5))],  # 11 lost its officer
    )

    # At 2, officer 1 is with booking 10. At 4, booking 11 takes the least loaded, officer 2,
    # before a new booking may take who is left.
    assert roster.officers_by_slot(SlotGrid([at(2), at(4)], HALF)) == [(2,), (1,)]
    assert roster.free_officers(at(4), at(5)) == [2, 1]


# --- free slots -------------------------------------------------------------------------------


def _station(**fields) -> StationDay:
    openings = [Opening(weekday, time(9), time(12)) for weekday in range(7)]
    return StationDay(zone=PARIS, slot_length=HALF, openings=openings, **fields)


MONDAY = date(2026, 6, 8)


@settings(max_examples=200, deadline=None)
@given(
    holdings=st.lists(
        st.tuples(st.sampled_from([1, 2, 3]), st.integers(0, 14), st.integers(1, 3)),
        max_size=15,
    ),
    closures=st.lists(st.tuples(st.integers(0, 14), st.integers(1, 4)), max_size=3),
)
def test_a_slot_is_offered_with_exactly_the_spaces_no_booking_or_closure_touches(holdings, closures):
    nine = datetime.combine(MONDAY, time(9), PARIS)
    held = [(space, nine + s * HALF, nine + (s + n) * HALF) for space, s, n in holdings]
    closed = [(nine + s * HALF, nine + (s + n) * HALF) for s, n in closures]
    station = _station(closures=closed)

    slots = free_slots(station, first_day=MONDAY, last_day=MONDAY, earliest=nine, space_ids=(3, 1, 2), holdings=held)

    expected = []
    for n in range(6):
        s, e = nine + n * HALF, nine + (n + 1) * HALF
        if any(_meets(a, b, s, e) for a, b in closed):
            continue
        free = tuple(space for space in (3, 1, 2) if not any(sp == space and _meets(a, b, s, e) for sp, a, b in held))
        if free:
            expected.append((s, free))
    assert [(slot.starts_at, slot.free_space_ids) for slot in slots] == expected


@settings(max_examples=200, deadline=None)
@given(
    rows=rosters(),
    holdings=st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(0, 40), st.integers(1, 3)), max_size=15),
)
def test_the_engine_answers_the_same_in_microseconds_as_in_datetimes(rows, holdings):
    """The loader hands the engine integer microseconds (bookings.slots.loading); tests and the assignment
    use datetimes. The same rows either way give the same slots, officers and all."""
    held = [(space, at(s), at(s + n)) for space, s, n in holdings]

    def in_micros(row):
        return tuple(to_micros(value) if isinstance(value, datetime) else value for value in row)

    as_micros = {
        "cap": rows["cap"],
        **{name: [in_micros(row) for row in rows[name]] for name in ("shifts", "absences", "bookings")},
    }
    station = StationDay(zone=UTC, slot_length=HALF, openings=[Opening(T0.weekday(), time(6), time(22))])
    asked = {"first_day": T0.date(), "last_day": T0.date(), "earliest": T0, "space_ids": (2, 1)}

    in_datetimes = free_slots(station, **asked, holdings=held, roster=Roster(**rows))
    in_microseconds = free_slots(
        station, **asked, holdings=[in_micros(h) for h in held], roster=Roster(**as_micros), micros=True
    )

    assert in_microseconds == in_datetimes


def test_the_pressure_switch_and_the_earliest_start_drop_slots():
    nine = datetime.combine(MONDAY, time(9), PARIS)
    station = _station(pressure_blocks=lambda s, e: s < nine + 2 * HALF)

    slots = free_slots(station, first_day=MONDAY, last_day=MONDAY, earliest=nine + HALF, space_ids=(1,), holdings=[])

    assert [slot.local_starts_at.time() for slot in slots] == [time(10), time(10, 30), time(11), time(11, 30)]


def test_a_room_slot_needs_an_officer_and_lists_them_least_loaded_first():
    nine = datetime.combine(MONDAY, time(9), PARIS)
    roster = Roster(
        cap=2,
        shifts=[(7, "B7", nine, nine + 6 * HALF), (5, "B5", nine + 2 * HALF, nine + 6 * HALF)],
        absences=[],
        bookings=[(1, 7, nine + 4 * HALF, nine + 5 * HALF)],
    )

    slots = free_slots(
        _station(), first_day=MONDAY, last_day=MONDAY, earliest=nine, space_ids=(1, 2), holdings=[], roster=roster
    )

    officers = {slot.local_starts_at.time(): slot.officer_ids for slot in slots}
    assert officers == {
        time(9): (7,),
        time(9, 30): (7,),
        time(10): (5, 7),  # 5 has no booking in its shift yet, 7 has one
        time(10, 30): (5, 7),
        time(11): (5,),  # 7 is with the 11:00 booking
        time(11, 30): (5, 7),
    }


def test_slots_keep_their_wall_clock_times_on_the_day_summer_time_ends():
    station = StationDay(zone=PARIS, slot_length=HALF, openings=[Opening(6, time(1), time(4))])
    sunday = date(2026, 10, 25)  # 03:00 summer time becomes 02:00 winter time

    starts = opening_starts(station, sunday, sunday, earliest=datetime(2026, 10, 24, tzinfo=UTC))

    local = [s.astimezone(PARIS).strftime("%H:%M") for s in starts]
    assert local == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert all(b - a >= HALF for a, b in zip(starts, starts[1:], strict=False))


@given(
    offsets=st.lists(st.integers(0, 40), min_size=1, max_size=20, unique=True),
    start=st.integers(0, 40),
    length=st.integers(1, 3),
)
def test_the_grid_finds_the_slots_an_interval_touches_even_where_slots_overlap(offsets, start, length):
    quarter = timedelta(minutes=15)
    starts = sorted(T0 + n * quarter for n in offsets)  # out of step: 30-minute slots may overlap
    grid = SlotGrid(starts, HALF)
    begins, ends = T0 + start * quarter, T0 + (start + 2 * length) * quarter

    assert list(grid.touched(begins, ends)) == [i for i, s in enumerate(starts) if _meets(s, s + HALF, begins, ends)]
    assert list(grid.covered(begins, ends)) == [i for i, s in enumerate(starts) if begins <= s and s + HALF <= ends]


def test_trying_a_booking_leaves_the_roster_as_it_was():
    """officers_for() staffs the waiting bookings in a copy: the roster itself must not change, even for
    an officer whose empty lists an earlier read made (a regression hypothesis found)."""
    rows = {
        "cap": 1,
        "shifts": [(1, "B1", at(0), at(2))],
        "absences": [],
        "bookings": [(10, None, at(0), at(1))],  # waiting for an officer
    }
    roster = Roster(**rows)
    assert roster.free_officers(at(1), at(2)) == [1]  # a read: officer 1's lists now exist, empty

    assert roster.officers_for(at(0), at(1)) == []  # officer 1 goes to the waiting booking, in the copy
    assert roster.officers_for(at(1), at(2)) == Roster(**rows).officers_for(at(1), at(2)) == [1]
