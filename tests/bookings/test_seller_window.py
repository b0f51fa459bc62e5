"""The fair seller window (bookings.slots.seller_window): daytime hours only, across midnight and time changes."""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import override_settings

from bookings.selectors import hold_deadline, station_seller_window
from bookings.slots.seller_window import daytime_between, seller_window

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)
QUIET = {"quiet_start": time(22, 0), "quiet_end": time(7, 0)}


def window(now, starts_at, *, zone=PARIS, hours=24, minimum=8):
    return seller_window(now=now, starts_at=starts_at, zone=zone, window=hours * H, min_daytime=minimum * H, **QUIET)


def test_booked_after_midnight_for_nine_the_seller_gets_no_night_hours_and_the_buyer_is_warned():
    # The case: booked at 00:32 for 09:00 the same morning.
    now = datetime(2026, 6, 10, 0, 32, tzinfo=PARIS)
    result = window(now, datetime(2026, 6, 10, 9, 0, tzinfo=PARIS))

    assert result.deadline == datetime(2026, 6, 10, 7, 0, tzinfo=PARIS)
    assert result.daytime == timedelta(0)
    assert not result.fair


def test_a_short_station_window_is_stretched_over_the_night_to_give_eight_daytime_hours():
    # 21:00 with a 4-hour window would end at 01:00: one daytime hour. Stretched: 21:00-22:00, then 07:00-14:00.
    now = datetime(2026, 6, 10, 21, 0, tzinfo=PARIS)
    result = window(now, datetime(2026, 6, 13, 10, 0, tzinfo=PARIS), hours=4)

    assert result.deadline == datetime(2026, 6, 11, 14, 0, tzinfo=PARIS)
    assert (result.daytime, result.fair) == (8 * H, True)


def test_a_long_window_is_kept_as_the_station_set_it():
    now = datetime(2026, 6, 10, 10, 0, tzinfo=PARIS)
    result = window(now, datetime(2026, 6, 14, 10, 0, tzinfo=PARIS))

    assert result.deadline == now + 24 * H
    assert result.fair


def test_the_deadline_never_passes_two_hours_before_the_slot():
    now = datetime(2026, 6, 10, 8, 0, tzinfo=PARIS)
    result = window(now, datetime(2026, 6, 10, 18, 0, tzinfo=PARIS))

    assert result.deadline == datetime(2026, 6, 10, 16, 0, tzinfo=PARIS)
    assert (result.daytime, result.fair) == (8 * H, True)  # 08:00 to 16:00: just enough


def test_spring_forward_night_is_not_counted_and_daytime_is_real_hours():
    # Paris, 29 March 2026: 02:00 becomes 03:00. From 21:00 Saturday, eight daytime hours:
    # 21:00-22:00 Saturday, then 07:00-14:00 Sunday, summer time.
    now = datetime(2026, 3, 28, 21, 0, tzinfo=PARIS)
    result = window(now, datetime(2026, 3, 31, 10, 0, tzinfo=PARIS), hours=1)

    assert result.deadline == datetime(2026, 3, 29, 14, 0, tzinfo=PARIS)
    assert result.deadline == datetime(2026, 3, 29, 12, 0, tzinfo=UTC)  # summer time: UTC+2
    assert result.deadline.astimezone(UTC) - now.astimezone(UTC) == 16 * H  # the night lost an hour
    assert result.daytime == 8 * H


def test_autumn_back_night_is_an_hour_longer_and_still_not_counted():
    # Paris, 25 October 2026: 03:00 becomes 02:00 again. 22:00 to 07:00 lasts ten real hours.
    start = datetime(2026, 10, 24, 22, 0, tzinfo=PARIS)
    end = datetime(2026, 10, 25, 7, 0, tzinfo=PARIS)
    assert end.astimezone(UTC) - start.astimezone(UTC) == 10 * H
    assert daytime_between(start, end, zone=PARIS, **QUIET) == timedelta(0)
    assert daytime_between(start, end + H, zone=PARIS, **QUIET) == H


def test_quiet_hours_are_the_stations_own():
    # 06:00 UTC is 08:00 in Paris (daytime) but 23:00 the day before in California (quiet).
    # The deadline, 2 hours before a slot 12 hours on, is 18:00 in Paris and 09:00 in California.
    now = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
    starts_at = now + 12 * H
    assert window(now, starts_at, zone=PARIS).daytime == 10 * H
    assert window(now, starts_at, zone=PACIFIC).daytime == 2 * H  # 07:00 to 09:00 Pacific


@pytest.mark.django_db
def test_the_booking_deadline_follows_the_settings(paris_11):
    now = datetime(2026, 6, 10, 0, 32, tzinfo=PARIS)
    starts_at = datetime(2026, 6, 12, 9, 0, tzinfo=PARIS)
    paris_11.seller_window_hours = 2
    with time_machine.travel(now, tick=False):
        assert hold_deadline(station=paris_11, starts_at=starts_at, now=now) == datetime(
            2026, 6, 10, 15, 0, tzinfo=PARIS
        )
        with override_settings(BOOKINGS_SELLER_WINDOW_MIN_HOURS=0):
            assert hold_deadline(station=paris_11, starts_at=starts_at, now=now) == now + 2 * H
        with override_settings(BOOKINGS_SELLER_QUIET_START_HOUR=20, BOOKINGS_SELLER_QUIET_END_HOUR=9):
            fair = station_seller_window(station=paris_11, starts_at=starts_at, now=now)
            assert fair.deadline == datetime(2026, 6, 10, 17, 0, tzinfo=PARIS)
