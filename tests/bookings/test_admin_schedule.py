"""The daily schedule in the admin: a timeline per space, free capacity, officers, a fixed number of queries."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from bookings.models import BookingStatus
from stations.models import ParkingBay, Room, Space, SpaceKind
from tests import factories
from tests.clock import pinned_clock

S = BookingStatus
NOW = datetime(2026, 6, 10, 5, 0, tzinfo=UTC)  # Wednesday 07:00 in Paris
DAY = date(2026, 6, 10)
SCHEDULE = reverse("admin:bookings_booking_schedule")

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


def _at(station, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), station.zone)


def _booking(station, starts_at, space=None, **fields):
    return factories.BookingFactory(
        station=station,
        space=space or Room.objects.get(station=station),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=fields.pop("status", S.CONFIRMED),
        **fields,
    )


def test_staff_see_their_stations_day_by_default_today_in_station_time(client, paris_11, staff_11e):
    officer = factories.OfficerFactory(station=paris_11)
    factories.ShiftFactory(officer=officer, starts_at=_at(paris_11, DAY, 8), ends_at=_at(paris_11, DAY, 20))
    booking = _booking(paris_11, _at(paris_11, DAY, 10), officer=officer, seller_name="Camille Vendeur")
    client.force_login(staff_11e)

    response = client.get(SCHEDULE)

    assert response.status_code == 200
    assert response.context["day"] == DAY
    page = response.content.decode()
    assert booking.reference in page
    assert "Camille Vendeur" in page
    assert booking.buyer.get_full_name() in page
    assert officer.badge_number in page
    assert "Vélo de course" in page
    assert [space.name for space in response.context["spaces"]] == ["Place 1", "Salle 1"]
    row = next(row for row in response.context["rows"] if row.starts_at.hour == 10 and row.starts_at.minute == 0)
    assert row.cells[1] == [booking]
    assert row.starts_at.tzinfo.key == "Europe/Paris"


def test_free_capacity_and_unassigned_bookings_are_visible(client, paris_11, staff_11e):
    officer = factories.OfficerFactory(station=paris_11)
    factories.ShiftFactory(officer=officer, starts_at=_at(paris_11, DAY, 12), ends_at=_at(paris_11, DAY, 18))
    unstaffed = _booking(paris_11, _at(paris_11, DAY, 16), unstaffed_since=NOW)
    client.force_login(staff_11e)

    response = client.get(SCHEDULE)

    assert list(response.context["schedule"].unstaffed) == [unstaffed]
    assert "sx-unstaffed" in response.content.decode()
    rows = {row.starts_at.strftime("%H:%M"): row.cells for row in response.context["rows"]}
    # The officer's shift from 12:00 makes rooms bookable (lead time: 4 h, so from 11:00).
    assert rows["12:00"][1] == "free"
    assert rows["09:00"][1] == ""  # too soon to book now
    assert rows["12:00"][0] == "free"  # the parking bay needs no officer
    assert response.context["offered_rooms"] > 0
    assert response.context["offered_bays"] > 0


def test_the_days_outcomes_stay_on_the_schedule_but_cancellations_do_not(client, paris_11, staff_11e):
    done = _booking(paris_11, _at(paris_11, DAY, 9), status=S.COMPLETED)
    no_show = _booking(paris_11, _at(paris_11, DAY, 9, 30), status=S.NO_SHOW, no_show_party="seller")
    cancelled = _booking(paris_11, _at(paris_11, DAY, 10), status=S.CANCELLED)
    client.force_login(staff_11e)

    page = client.get(SCHEDULE).content.decode()

    assert done.reference in page and no_show.reference in page
    assert cancelled.reference not in page


def test_previous_and_next_day(client, paris_11, staff_11e):
    tomorrow = _booking(paris_11, _at(paris_11, DAY + timedelta(days=1), 11))
    client.force_login(staff_11e)

    response = client.get(SCHEDULE, {"day": "2026-06-11"})

    assert tomorrow.reference in response.content.decode()
    assert response.context["previous_day"] == DAY
    assert response.context["next_day"] == date(2026, 6, 12)
    assert "day=2026-06-12" in response.content.decode()
    assert client.get(SCHEDULE, {"day": "2026-02-31"}).context["day"] == DAY


def test_the_schedule_prints_without_the_admins_chrome(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    page = client.get(SCHEDULE).content.decode()

    assert "css/admin-station.css" in page
    # The print button's handler is in a static file: the CSP refuses an onclick attribute.
    assert "data-sx-print" in page and "js/print-button.js" in page


def test_the_number_of_queries_does_not_grow_with_the_day(client, paris_11, staff_11e, django_assert_num_queries):
    officer = factories.OfficerFactory(station=paris_11)
    factories.ShiftFactory(officer=officer, starts_at=_at(paris_11, DAY, 8), ends_at=_at(paris_11, DAY, 20))
    for n in range(6):
        Space.objects.create(station=paris_11, kind=SpaceKind.ROOM if n % 2 else SpaceKind.BAY, name=f"Espace {n}")
    spaces = list(Space.objects.filter(station=paris_11))
    client.force_login(staff_11e)

    def fill(count):
        made = 0
        for space in spaces:
            for slot in range(18):
                if made == count:
                    return
                starts_at = _at(paris_11, DAY, 9) + timedelta(minutes=30 * slot)
                if not space.bookings.filter(starts_at=starts_at).exists():
                    _booking(paris_11, starts_at, space=space, officer=officer if space.kind == "room" else None)
                    made += 1

    # The user (the session comes from the cache), two permission reads, the station; the
    # schedule's four queries; the day's opening hours and closures; the slot engine: one
    # for rooms, one for bays.
    fill(2)
    client.get(SCHEDULE)  # warm the session and the content types
    with django_assert_num_queries(12) as small:
        client.get(SCHEDULE)
    fill(28)
    with django_assert_num_queries(12):
        large = client.get(SCHEDULE)
    assert large.context["booking_count"] == 30
    assert len(small) == 12


def test_staff_cannot_see_another_stations_schedule(client, paris_11, paris_13, staff_11e):
    theirs = _booking(paris_13, _at(paris_13, DAY, 10))
    client.force_login(staff_11e)

    assert client.get(SCHEDULE, {"station": paris_13.pk}).status_code == 404
    page = client.get(SCHEDULE).content.decode()
    assert theirs.reference not in page


def test_superusers_pick_a_station(client, paris_11, paris_13):
    theirs = _booking(paris_13, _at(paris_13, DAY, 10), space=ParkingBay.objects.get(station=paris_13))
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    picker = client.get(SCHEDULE)
    assert picker.status_code == 200
    assert [station.slug for station in picker.context["stations"]] == ["paris-11", "paris-13"]
    response = client.get(SCHEDULE, {"station": paris_13.pk})
    assert theirs.reference in response.content.decode()
    assert client.get(SCHEDULE, {"station": "x"}).status_code == 404


def test_the_admin_index_and_the_station_page_link_to_the_schedule(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    index = client.get(reverse("admin:index")).content.decode()

    assert SCHEDULE in index
    assert reverse("admin:bookings_booking_desk") in index
    assert reverse("admin:bookings_booking_statistics") in index
