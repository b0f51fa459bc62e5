"""The slot engine (bookings.selectors): what a buyer is offered, in the station's own time zone."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import BookingStatus
from bookings.selectors import slot_key_to_datetime, station_free_slots, station_slot
from bookings.slots.engine import to_micros
from bookings.slots.sql import micros_sql
from stations.models import SpaceKind
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")

# Friday 2026-03-20, 09:00 in Paris (winter time, UTC+1). The `officer` fixture
# builds its shifts from "now", so the clock is pinned before any fixture runs.
NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
TUESDAY = date(2026, 3, 24)

ROOM, BAY = SpaceKind.ROOM, SpaceKind.BAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots_on(station, day: date, kind=BAY, now=NOW):
    return station_free_slots(station=station, kind=kind, first_day=day, last_day=day, now=now)


def local_times(slots, zone=PARIS) -> list[str]:
    return [s.starts_at.astimezone(zone).strftime("%H:%M") for s in slots]


def full_day_local_times() -> list[str]:
    return [f"{h:02d}:{m:02d}" for h in range(9, 18) for m in (0, 30)]


def open_station(slug, *, zone="Europe/Paris", opens=time(9), closes=time(18), weekdays=range(7), **fields):
    station = factories.StationFactory(slug=slug, time_zone=zone, **fields)
    for weekday in weekdays:
        factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=opens, closes_at=closes)
    factories.SpaceFactory(station=station, kind=BAY, name="Place 1")
    return station


def on_shift(officer, starts_at: datetime, ends_at: datetime):
    return factories.ShiftFactory(officer=officer, starts_at=starts_at, ends_at=ends_at)


def hold(station, space, starts_at, *, status=BookingStatus.CONFIRMED, hold_expires_at=None, minutes=30):
    return factories.BookingFactory(
        station=station,
        space=space,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        status=status,
        hold_expires_at=hold_expires_at or starts_at - timedelta(hours=2),
    )


def room_of(station):
    return station.spaces.get(kind=ROOM, name="Salle 1")


def bay_of(station):
    return station.spaces.get(kind=BAY)


# --- opening hours in the station's time zone -------------------------------------------------


def test_winter_slots_follow_paris_opening_hours_one_hour_ahead_of_utc(paris_11):
    slots = slots_on(paris_11, TUESDAY)

    assert local_times(slots) == full_day_local_times()
    assert slots[0].starts_at == utc(2026, 3, 24, 8, 0)
    assert slots[-1].starts_at == utc(2026, 3, 24, 16, 30)
    assert slots[-1].ends_at == utc(2026, 3, 24, 17, 0)


def test_summer_slots_follow_paris_opening_hours_two_hours_ahead_of_utc(paris_11):
    now = utc(2026, 6, 10, 6, 0)
    slots = slots_on(paris_11, date(2026, 6, 16), now=now)

    assert local_times(slots) == full_day_local_times()
    assert slots[0].starts_at == utc(2026, 6, 16, 7, 0)
    assert slots[-1].ends_at == utc(2026, 6, 16, 16, 0)


def test_slots_are_stored_in_utc_and_shown_in_the_station_zone(paris_11):
    slot = slots_on(paris_11, TUESDAY)[0]

    assert slot.starts_at.utcoffset() == timedelta(0)
    assert slot.local_starts_at == slot.starts_at
    assert slot.local_starts_at.tzinfo.key == "Europe/Paris"
    assert (slot.local_starts_at.hour, slot.local_starts_at.minute) == (9, 0)


def test_slot_key_names_the_utc_instant_and_reads_back(paris_11):
    slot = slots_on(paris_11, TUESDAY)[0]

    assert slot.key == "20260324T080000Z"
    assert slot_key_to_datetime(slot.key) == slot.starts_at
    assert slot_key_to_datetime("not-a-key") is None


def test_a_station_open_only_some_weekdays_offers_nothing_on_the_others():
    station = open_station("weekdays-only", weekdays=[0, 1, 2, 3, 4])
    saturday, monday = date(2026, 3, 28), date(2026, 3, 30)

    assert slots_on(station, saturday) == []
    assert len(slots_on(station, monday)) == 18


def test_two_opening_ranges_on_one_day_leave_the_lunch_break_out():
    station = open_station("split-day", opens=time(9), closes=time(12))
    for weekday in range(7):
        factories.OpeningHoursFactory(station=station, weekday=weekday, opens_at=time(14), closes_at=time(15, 15))

    slots = slots_on(station, TUESDAY)

    # 15:00-15:30 would end after closing time.
    assert local_times(slots) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "14:00", "14:30"]


# --- daylight saving time ---------------------------------------------------------------------


DST_CASES = [
    # zone, DST day, first slot in UTC that day, the day before, its first slot in UTC
    pytest.param(
        "Europe/Paris",
        date(2026, 3, 29),
        utc(2026, 3, 29, 7, 0),
        date(2026, 3, 28),
        utc(2026, 3, 28, 8, 0),
        id="paris-spring-forward",
    ),
    pytest.param(
        "Europe/Paris",
        date(2026, 10, 25),
        utc(2026, 10, 25, 8, 0),
        date(2026, 10, 24),
        utc(2026, 10, 24, 7, 0),
        id="paris-fall-back",
    ),
    pytest.param(
        "America/Los_Angeles",
        date(2026, 3, 8),
        utc(2026, 3, 8, 16, 0),
        date(2026, 3, 7),
        utc(2026, 3, 7, 17, 0),
        id="los-angeles-spring-forward",
    ),
    pytest.param(
        "America/Los_Angeles",
        date(2026, 11, 1),
        utc(2026, 11, 1, 17, 0),
        date(2026, 10, 31),
        utc(2026, 10, 31, 16, 0),
        id="los-angeles-fall-back",
    ),
]


@pytest.mark.parametrize(("zone", "dst_day", "first_utc", "day_before", "first_utc_day_before"), DST_CASES)
def test_on_a_dst_change_day_slots_stay_at_local_wall_times_and_last_thirty_minutes(
    zone, dst_day, first_utc, day_before, first_utc_day_before
):
    station = open_station("dst-station", zone=zone)
    tz = zoneinfo.ZoneInfo(zone)
    now = datetime.combine(day_before - timedelta(days=3), time(9), tz)

    for day, expected_first in ((day_before, first_utc_day_before), (dst_day, first_utc)):
        slots = slots_on(station, day, now=now)

        assert local_times(slots, tz) == full_day_local_times(), day
        assert all(s.starts_at.astimezone(tz).date() == day for s in slots)
        assert slots[0].starts_at == expected_first
        assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)
        # Back to back in real time too: the clock change happens at night.
        assert all(b.starts_at - a.starts_at == timedelta(minutes=30) for a, b in zip(slots, slots[1:], strict=False))
        assert [s.local_starts_at.strftime("%H:%M") for s in slots] == full_day_local_times()


@pytest.mark.parametrize(
    ("zone", "gap_sunday", "sunday_before", "expected_utc_in_gap_day", "expected_utc_day_before"),
    [
        pytest.param(
            "Europe/Paris",
            date(2026, 3, 29),
            date(2026, 3, 22),
            [utc(2026, 3, 29, 1, 0)],  # 03:00 CEST; 02:00 and 02:30 do not exist
            [utc(2026, 3, 22, 1, 0), utc(2026, 3, 22, 1, 30), utc(2026, 3, 22, 2, 0)],
            id="paris",
        ),
        pytest.param(
            "America/Los_Angeles",
            date(2026, 3, 8),
            date(2026, 3, 1),
            [utc(2026, 3, 8, 10, 0)],  # 03:00 PDT
            [utc(2026, 3, 1, 10, 0), utc(2026, 3, 1, 10, 30), utc(2026, 3, 1, 11, 0)],
            id="los-angeles",
        ),
    ],
)
def test_opening_hours_across_the_spring_forward_gap_skip_wall_times_that_do_not_exist(
    zone, gap_sunday, sunday_before, expected_utc_in_gap_day, expected_utc_day_before
):
    # Open on Sundays 02:00-03:30 only: 02:00-03:00 is skipped by the clocks on the gap day.
    station = open_station(
        "night-owls", zone=zone, opens=time(2), closes=time(3, 30), weekdays=[6], lead_time_minutes=0
    )
    tz = zoneinfo.ZoneInfo(zone)
    now = datetime.combine(sunday_before - timedelta(days=2), time(12), tz)

    slots = station_free_slots(station=station, kind=BAY, first_day=sunday_before, last_day=gap_sunday, now=now)

    assert [s.starts_at for s in slots] == expected_utc_day_before + expected_utc_in_gap_day
    assert local_times(slots, tz) == ["02:00", "02:30", "03:00", "03:00"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)
    assert len({s.starts_at for s in slots}) == len(slots)


def test_a_night_opening_across_the_gap_never_offers_overlapping_slots():
    station = open_station("night", opens=time(1), closes=time(4), weekdays=[6], lead_time_minutes=0)
    now = utc(2026, 3, 27, 12, 0)

    slots = slots_on(station, date(2026, 3, 29), now=now)

    # 01:00 and 01:30 CET, then 03:00 and 03:30 CEST.
    assert [s.starts_at for s in slots] == [
        utc(2026, 3, 29, 0, 0),
        utc(2026, 3, 29, 0, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 29, 1, 30),
    ]
    assert all(a.ends_at <= b.starts_at for a, b in zip(slots, slots[1:], strict=False))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 3, 7), 47, id="ordinary-day"),
        pytest.param(date(2026, 3, 8), 45, id="spring-forward-loses-02:00-and-02:30"),
        pytest.param(date(2026, 11, 1), 47, id="fall-back-offers-each-wall-time-once"),
    ],
)
def test_a_round_the_clock_station_never_offers_overlapping_or_duplicate_slots_on_dst_days(day, expected):
    # Kennewick's safe exchange zone: open 00:00-23:59 every day.
    station = open_station("round-the-clock", zone="America/Los_Angeles", opens=time(0), closes=time(23, 59))
    now = datetime.combine(day - timedelta(days=2), time(12), LOS_ANGELES)

    slots = slots_on(station, day, now=now)

    assert len(slots) == expected
    assert len({s.key for s in slots}) == len(slots)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)
    assert all(a.ends_at <= b.starts_at for a, b in zip(slots, slots[1:], strict=False))
    assert all(s.local_starts_at.date() == day for s in slots)


# --- closures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ROOM, BAY])
def test_a_closure_removes_the_slots_it_overlaps_and_only_those(paris_11, officer, kind):
    factories.ClosureFactory(station=paris_11, starts_at=paris(TUESDAY, 12), ends_at=paris(TUESDAY, 13))
    factories.ClosureFactory(station=paris_11, starts_at=paris(TUESDAY, 15, 10), ends_at=paris(TUESDAY, 15, 20))

    times = local_times(slots_on(paris_11, TUESDAY, kind=kind))

    assert "12:00" not in times
    assert "12:30" not in times
    assert "15:00" not in times
    # Touching the closure is not overlapping it.
    assert {"11:30", "13:00", "14:30", "15:30"} <= set(times)
    assert len(times) == 18 - 3


def test_a_closure_over_several_days_empties_them(paris_11):
    factories.ClosureFactory(
        station=paris_11, starts_at=paris(TUESDAY, 0), ends_at=paris(TUESDAY + timedelta(days=2), 0)
    )

    assert slots_on(paris_11, TUESDAY) == []
    assert slots_on(paris_11, TUESDAY + timedelta(days=1)) == []
    assert len(slots_on(paris_11, TUESDAY + timedelta(days=2))) == 18


def test_another_station_closure_does_not_remove_slots(paris_11, paris_13):
    factories.ClosureFactory(station=paris_13, starts_at=paris(TUESDAY, 0), ends_at=paris(TUESDAY, 23))

    assert len(slots_on(paris_11, TUESDAY)) == 18
    assert slots_on(paris_13, TUESDAY) == []


# --- rooms need an officer, bays do not -------------------------------------------------------


def test_room_slots_are_offered_only_while_an_officer_is_on_shift(paris_11, officer):
    # The fixture's officer works 08:00-20:00: every opening hour is covered.
    assert local_times(slots_on(paris_11, TUESDAY, kind=ROOM)) == full_day_local_times()


def test_without_an_officer_on_shift_there_is_no_room_slot_but_bay_slots_remain(paris_11):
    assert slots_on(paris_11, TUESDAY, kind=ROOM) == []
    assert len(slots_on(paris_11, TUESDAY, kind=BAY)) == 18


def test_a_room_slot_needs_a_shift_covering_the_whole_slot(paris_11):
    officer = factories.OfficerFactory(station=paris_11)
    on_shift(officer, paris(TUESDAY, 10, 15), paris(TUESDAY, 12, 15))

    # 10:00 starts before the shift, 12:00-12:30 ends after it.
    assert local_times(slots_on(paris_11, TUESDAY, kind=ROOM)) == ["10:30", "11:00", "11:30"]


def test_a_shift_a_microsecond_short_of_a_slot_does_not_cover_it(paris_11):
    # The engine reads shifts and bookings as integer microseconds (bookings.slots.sql.micros_sql).
    officer = factories.OfficerFactory(station=paris_11)
    tick = timedelta(microseconds=1)
    on_shift(officer, paris(TUESDAY, 10) + tick, paris(TUESDAY, 11, 30) - tick)
    on_shift(officer, paris(TUESDAY, 14) - tick, paris(TUESDAY, 15) + tick)

    assert local_times(slots_on(paris_11, TUESDAY, kind=ROOM)) == ["10:30", "14:00", "14:30"]


@pytest.mark.parametrize(
    "moment",
    [utc(2026, 3, 20, 8, 0, 0, 1), utc(2026, 3, 20, 8, 0, 59, 999999), utc(2099, 12, 31, 23, 59, 59, 999999)],
)
def test_a_timestamp_read_as_microseconds_is_exact(paris_11, moment):
    closure = factories.ClosureFactory(station=paris_11, starts_at=moment, ends_at=moment + timedelta(microseconds=1))
    columns = ", ".join(micros_sql(column, connection.vendor) for column in ("starts_at", "ends_at"))

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM stations_closure WHERE id = %s", [closure.pk])  # noqa: S608
        assert cursor.fetchone() == (to_micros(moment), to_micros(moment) + 1)


def test_an_inactive_officer_or_another_stations_officer_does_not_staff_a_room(paris_11, paris_13):
    retired = factories.OfficerFactory(station=paris_11, is_active=False)
    on_shift(retired, paris(TUESDAY, 8), paris(TUESDAY, 20))
    elsewhere = factories.OfficerFactory(station=paris_13)
    on_shift(elsewhere, paris(TUESDAY, 8), paris(TUESDAY, 20))

    assert slots_on(paris_11, TUESDAY, kind=ROOM) == []
    assert len(slots_on(paris_13, TUESDAY, kind=ROOM)) == 18


def test_a_room_slot_disappears_when_the_only_officer_is_taken_by_another_room(paris_11, officer):
    second_room = factories.SpaceFactory(station=paris_11, kind=ROOM, name="Salle 2")
    hold(paris_11, room_of(paris_11), paris(TUESDAY, 10))

    times = local_times(slots_on(paris_11, TUESDAY, kind=ROOM))

    assert "10:00" not in times  # Salle 2 is free, but nobody can be present in it
    assert "10:30" in times
    slot_at_ten_thirty = station_slot(station=paris_11, kind=ROOM, starts_at=paris(TUESDAY, 10, 30), now=NOW)
    assert set(slot_at_ten_thirty.free_space_ids) == {room_of(paris_11).id, second_room.id}


def test_a_second_officer_on_duty_staffs_the_second_room(paris_11, officer):
    second_room = factories.SpaceFactory(station=paris_11, kind=ROOM, name="Salle 2")
    colleague = factories.OfficerFactory(station=paris_11)
    on_shift(colleague, paris(TUESDAY, 9), paris(TUESDAY, 11))
    hold(paris_11, room_of(paris_11), paris(TUESDAY, 10))

    at_ten = station_slot(station=paris_11, kind=ROOM, starts_at=paris(TUESDAY, 10), now=NOW)
    assert at_ten is not None
    assert at_ten.free_space_ids == (second_room.id,)

    hold(paris_11, second_room, paris(TUESDAY, 10))
    assert station_slot(station=paris_11, kind=ROOM, starts_at=paris(TUESDAY, 10), now=NOW) is None


def test_a_bay_booking_does_not_take_the_officer_away_from_the_room(paris_11, officer):
    hold(paris_11, bay_of(paris_11), paris(TUESDAY, 10))

    assert "10:00" in local_times(slots_on(paris_11, TUESDAY, kind=ROOM))
    assert "10:00" not in local_times(slots_on(paris_11, TUESDAY, kind=BAY))


def test_bay_slots_need_no_officer_even_when_the_officer_is_busy(paris_11, officer):
    hold(paris_11, room_of(paris_11), paris(TUESDAY, 10))

    assert "10:00" in local_times(slots_on(paris_11, TUESDAY, kind=BAY))


def test_an_inactive_space_is_never_offered(paris_11):
    bay = bay_of(paris_11)
    bay.is_active = False
    bay.save()

    assert slots_on(paris_11, TUESDAY, kind=BAY) == []


def test_an_inactive_station_offers_nothing(paris_11, officer):
    paris_11.is_active = False
    paris_11.save()

    assert slots_on(paris_11, TUESDAY, kind=BAY) == []
    assert slots_on(paris_11, TUESDAY, kind=ROOM) == []


# --- lead time and horizon --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead_time_minutes", "first_today"),
    [
        (240, "13:00"),  # now is 09:00 in Paris: 4 hours later
        (60, "11:30"),  # never less than the 2 h hold margin + 30 min for the seller to answer
        (0, "11:30"),
        (600, None),  # 19:00: nothing left today
    ],
)
def test_slots_inside_the_lead_time_are_not_offered(paris_11, lead_time_minutes, first_today):
    paris_11.lead_time_minutes = lead_time_minutes
    paris_11.save()
    today = NOW.astimezone(PARIS).date()

    times = local_times(slots_on(paris_11, today))

    assert (times[0] if times else None) == first_today
    if first_today:
        assert times == full_day_local_times()[full_day_local_times().index(first_today) :]


def test_a_slot_inside_the_lead_time_cannot_be_fetched_one_by_one(paris_11):
    today = NOW.astimezone(PARIS).date()

    assert station_slot(station=paris_11, kind=BAY, starts_at=paris(today, 12, 30), now=NOW) is None
    assert station_slot(station=paris_11, kind=BAY, starts_at=paris(today, 13), now=NOW) is not None


def test_slots_are_offered_up_to_the_horizon_and_not_beyond(paris_11):
    today = NOW.astimezone(PARIS).date()

    slots = station_free_slots(
        station=paris_11, kind=BAY, first_day=today - timedelta(days=3), last_day=today + timedelta(days=30), now=NOW
    )
    days = sorted({s.local_starts_at.date() for s in slots})

    assert days[0] == today
    assert days[-1] == today + timedelta(days=14)
    assert len(days) == 15


def test_a_shorter_horizon_offers_fewer_days(paris_11):
    paris_11.horizon_days = 2
    paris_11.save()
    today = NOW.astimezone(PARIS).date()

    slots = station_free_slots(
        station=paris_11, kind=BAY, first_day=today, last_day=today + timedelta(days=10), now=NOW
    )

    assert max(s.local_starts_at.date() for s in slots) == today + timedelta(days=2)
    assert slots_on(paris_11, today + timedelta(days=3)) == []


def test_the_horizon_counts_from_the_stations_local_date_not_utc(paris_11):
    # 23:30 UTC on Friday is already 00:30 on Saturday in Paris.
    late = utc(2026, 3, 20, 23, 30)
    saturday = date(2026, 3, 21)

    slots = station_free_slots(
        station=paris_11, kind=BAY, first_day=saturday, last_day=saturday + timedelta(days=20), now=late
    )

    assert max(s.local_starts_at.date() for s in slots) == saturday + timedelta(days=14)


# --- what holds a slot ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ROOM, BAY])
@pytest.mark.parametrize("status", [BookingStatus.PENDING, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN])
def test_a_holding_booking_blocks_its_slot(paris_11, officer, kind, status):
    space = paris_11.spaces.get(kind=kind)
    hold(paris_11, space, paris(TUESDAY, 10), status=status, hold_expires_at=paris(TUESDAY, 8))

    times = local_times(slots_on(paris_11, TUESDAY, kind=kind))

    assert "10:00" not in times
    assert len(times) == 17


@pytest.mark.parametrize("kind", [ROOM, BAY])
def test_a_pending_booking_whose_hold_has_expired_does_not_block_even_before_the_sweep(paris_11, officer, kind):
    space = paris_11.spaces.get(kind=kind)
    lapsed = hold(
        paris_11, space, paris(TUESDAY, 10), status=BookingStatus.PENDING, hold_expires_at=NOW - timedelta(minutes=1)
    )

    slot = station_slot(station=paris_11, kind=kind, starts_at=paris(TUESDAY, 10), now=NOW)

    lapsed.refresh_from_db()
    assert lapsed.status == BookingStatus.PENDING  # still pending: the sweep has not run
    assert slot is not None
    assert slot.free_space_ids == (space.id,)


def test_a_pending_hold_blocks_until_its_deadline_and_not_after(paris_11):
    deadline = NOW + timedelta(days=1)
    hold(paris_11, bay_of(paris_11), paris(TUESDAY, 10), status=BookingStatus.PENDING, hold_expires_at=deadline)

    def offered(now):
        return station_slot(station=paris_11, kind=BAY, starts_at=paris(TUESDAY, 10), now=now) is not None

    assert not offered(deadline - timedelta(seconds=1))
    assert offered(deadline)


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.CANCELLED,
        BookingStatus.DECLINED,
        BookingStatus.EXPIRED,
        BookingStatus.COMPLETED,
        BookingStatus.ABORTED,
        BookingStatus.INCIDENT,
        BookingStatus.NO_SHOW,
    ],
)
@pytest.mark.parametrize("kind", [ROOM, BAY])
def test_a_booking_that_no_longer_holds_does_not_block(paris_11, officer, kind, status):
    hold(paris_11, paris_11.spaces.get(kind=kind), paris(TUESDAY, 10), status=status)

    assert "10:00" in local_times(slots_on(paris_11, TUESDAY, kind=kind))


def test_a_longer_booking_blocks_every_slot_it_overlaps(paris_11):
    # Left over from when the station had 45-minute slots.
    hold(paris_11, bay_of(paris_11), paris(TUESDAY, 10), minutes=45)

    times = local_times(slots_on(paris_11, TUESDAY))

    assert "10:00" not in times
    assert "10:30" not in times
    assert "11:00" in times


def test_a_booking_at_another_station_does_not_block(paris_11, paris_13):
    hold(paris_13, bay_of(paris_13), paris(TUESDAY, 10))

    assert "10:00" in local_times(slots_on(paris_11, TUESDAY))


# --- query count ------------------------------------------------------------------------------


def _busy_fortnight(station, officer):
    today = NOW.astimezone(PARIS).date()
    for n in range(1, 14, 2):
        day = today + timedelta(days=n)
        hold(station, room_of(station), paris(day, 10))
        hold(station, bay_of(station), paris(day, 11))
        factories.ClosureFactory(station=station, starts_at=paris(day, 16), ends_at=paris(day, 17))
    return today


# One statement (bookings.slots.loading): opening hours, closures, spaces, shifts,
# officer absences and bookings as rows of one UNION ALL.
@pytest.mark.parametrize(("kind", "queries"), [(ROOM, 1), (BAY, 1)])
def test_the_slot_engine_runs_a_fixed_number_of_queries_whatever_the_range(
    paris_11, officer, django_assert_num_queries, kind, queries
):
    today = _busy_fortnight(paris_11, officer)
    tomorrow = today + timedelta(days=1)

    with CaptureQueriesContext(connection) as one_day:
        one = station_free_slots(station=paris_11, kind=kind, first_day=tomorrow, last_day=tomorrow, now=NOW)
    with django_assert_num_queries(len(one_day.captured_queries)):
        fortnight = station_free_slots(
            station=paris_11, kind=kind, first_day=today, last_day=today + timedelta(days=14), now=NOW
        )

    assert len(one_day.captured_queries) == queries
    assert len(one) == 18 - 1 - 2
    assert len(fortnight) > 10 * len(one)
