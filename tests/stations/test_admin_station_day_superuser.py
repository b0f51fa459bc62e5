"""The station's day pages for a superuser (pytest-django's admin_client): every station, picked by hand."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import BookingStatus
from stations.models import Room, Shift, Station
from tests import factories
from tests.clock import pinned_clock

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# the schedule's day and the desk's bookings are read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


_pinned_clock = pinned_clock(NOW)


def _booking(station, **fields):
    return factories.BookingFactory(station=station, space=Room.objects.get(station=station), **fields)


def test_the_admin_index_links_the_stations_day(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert 'id="station-day"' in page
    for name in ("schedule", "desk", "statistics"):
        assert reverse(f"admin:bookings_booking_{name}") in page


def test_superusers_pick_the_station_of_the_schedule(admin_client, paris_11, paris_13):
    theirs = _booking(paris_13, status=BookingStatus.CONFIRMED, starts_at=timezone.now() + timedelta(hours=1))

    picker = admin_client.get(reverse("admin:bookings_booking_schedule"))
    assert 'id="station-picker"' in picker.content.decode()
    day = timezone.localtime(theirs.starts_at, paris_13.zone).date().isoformat()
    page = admin_client.get(reverse("admin:bookings_booking_schedule"), {"station": paris_13.pk, "day": day})
    assert theirs.reference in page.content.decode()


def test_superusers_use_the_desk_and_export_every_station(admin_client, paris_11, paris_13):
    booking = _booking(paris_13, status=BookingStatus.CONFIRMED)
    card = reverse("admin:bookings_booking_desk_booking", args=[booking.pk])

    assert (
        admin_client.get(reverse("admin:bookings_booking_desk"), {"reference": booking.reference})["Location"] == card
    )
    admin_client.post(card, {"action": "check_in"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN

    day = timezone.localtime(booking.starts_at, paris_13.zone).date().isoformat()
    csv = admin_client.get(
        reverse("admin:bookings_booking_statistics"), {"first_day": day, "last_day": day, "format": "csv"}
    )
    assert "paris-13,bookings" in csv.content.decode()
    assert "all-stations" in csv["Content-Disposition"]


def test_superusers_add_a_station_without_the_roster_inlines_and_make_its_shifts(admin_client, paris_11):
    add = admin_client.get(reverse("admin:stations_station_add"))
    assert {f.formset.prefix for f in add.context["inline_admin_formsets"]} == {"opening_hours", "closures"}

    officer = factories.OfficerFactory(station=paris_11)
    response = admin_client.post(
        reverse("admin:stations_station_week", args=[paris_11.pk]),
        {
            "officers": [officer.pk],
            "weekdays": ["5", "6"],
            "starts": "10:00",
            "ends": "18:00",
            "first_day": "2026-12-07",
        },
    )
    assert response.status_code == 302
    assert Shift.objects.filter(officer=officer).count() == 2


def test_superusers_cancel_the_pressure_bookings_of_any_station(admin_client, paris_13):
    booking = _booking(paris_13, status=BookingStatus.CONFIRMED, starts_at=timezone.now() + timedelta(days=2))
    Station.objects.filter(pk=paris_13.pk).update(under_pressure=True)
    changelist = reverse("admin:stations_station_changelist")
    selection = {"action": "cancel_pressure_bookings", "_selected_action": [paris_13.pk]}

    assert booking.reference in admin_client.post(changelist, selection).content.decode()
    admin_client.post(changelist, {**selection, "confirm": "yes"})

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
