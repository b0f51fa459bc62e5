"""Closures with their impact before saving, and the pressure switch, in the admin."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import BookingStatus, CancelCause
from stations.models import Closure, Room, Station
from tests import factories
from tests.clock import pinned_clock

S = BookingStatus
NOW = datetime(2026, 6, 10, 6, 0, tzinfo=UTC)
CLOSURE_ADD = reverse("admin:stations_closure_add")
STATIONS = reverse("admin:stations_station_changelist")

pytestmark = pytest.mark.django_db


_pinned_clock = pinned_clock(NOW)


def _booking(station, starts_at, status=S.CONFIRMED):
    return factories.BookingFactory(
        station=station,
        space=Room.objects.get(station=station),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=status,
    )


def _closure_form(station, **overrides):
    return {
        "station": station.pk,
        "starts_at_0": "2026-06-12",
        "starts_at_1": "09:00",
        "ends_at_0": "2026-06-12",
        "ends_at_1": "12:00",
        "reason": "Exercice incendie",
        **overrides,
    }


def test_the_closure_form_lists_the_bookings_it_would_hit_before_saving(client, paris_11, staff_11e):
    hit = _booking(paris_11, datetime(2026, 6, 12, 8, 0, tzinfo=UTC))  # 10:00 in Paris
    spared = _booking(paris_11, datetime(2026, 6, 12, 12, 0, tzinfo=UTC))  # 14:00
    client.force_login(staff_11e)

    preview = client.post(CLOSURE_ADD, _closure_form(paris_11))

    assert preview.status_code == 200
    assert not Closure.objects.exists()
    page = preview.content.decode()
    assert "closure-impact" in page
    assert hit.reference in page
    assert spared.reference not in page
    assert [b.pk for b in preview.context["adminform"].form.affected] == [hit.pk]


def test_saving_the_closure_cancels_what_it_hits_with_an_apology(
    client, paris_11, staff_11e, django_capture_on_commit_callbacks
):
    hit = _booking(paris_11, datetime(2026, 6, 12, 8, 0, tzinfo=UTC))
    client.force_login(staff_11e)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CLOSURE_ADD, _closure_form(paris_11, cancel_bookings="on"), follow=True)

    assert response.redirect_chain
    assert Closure.objects.get().station == paris_11
    hit.refresh_from_db()
    assert (hit.status, hit.cancel_cause) == (S.CANCELLED, CancelCause.CLOSURE)
    assert hit.events.get().actor == staff_11e
    assert sorted(m.to[0] for m in mail.outbox) == sorted([hit.buyer.email, hit.seller_email])
    assert hit.reference in response.content.decode()


def test_a_closure_hitting_nothing_saves_at_once(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    response = client.post(CLOSURE_ADD, _closure_form(paris_11))

    assert response.status_code == 302
    assert Closure.objects.exists()


def test_a_closure_added_on_the_station_page_also_asks_then_cancels(client, paris_11, staff_11e):
    from tests.stations.test_admin_scoping import _form_data

    hit = _booking(paris_11, datetime(2026, 6, 12, 8, 0, tzinfo=UTC))
    client.force_login(staff_11e)
    url = reverse("admin:stations_station_change", args=[paris_11.pk])
    data = _form_data(client.get(url))
    data.update(
        {
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_at_0": "2026-06-12",
            "closures-0-starts_at_1": "09:00",
            "closures-0-ends_at_0": "2026-06-12",
            "closures-0-ends_at_1": "12:00",
            "closures-0-reason": "Travaux",
        }
    )

    asked = client.post(url, data)
    assert asked.status_code == 200
    assert hit.reference in asked.content.decode()
    assert not Closure.objects.exists()

    data["closures-0-cancel_bookings"] = "on"
    assert client.post(url, data).status_code == 302
    hit.refresh_from_db()
    assert hit.status == S.CANCELLED


def test_another_stations_bookings_are_never_in_the_preview(client, paris_11, paris_13, staff_11e):
    theirs = _booking(paris_13, datetime(2026, 6, 12, 8, 0, tzinfo=UTC))
    client.force_login(staff_11e)

    response = client.post(CLOSURE_ADD, _closure_form(paris_11))

    assert response.status_code == 302  # nothing of paris-11 is hit
    theirs.refresh_from_db()
    assert theirs.status == S.CONFIRMED


def test_staff_switch_their_station_under_pressure_in_the_admin(client, paris_11, staff_11e):
    from tests.stations.test_admin_scoping import _form_data

    client.force_login(staff_11e)
    url = reverse("admin:stations_station_change", args=[paris_11.pk])
    data = _form_data(client.get(url))
    data.update(
        {
            "under_pressure": "on",
            "pressure_ends_at_0": "2026-06-14",
            "pressure_ends_at_1": "20:00",
            "pressure_message": "Effectifs réduits jusqu'à dimanche.",
        }
    )

    assert client.post(url, data).status_code == 302

    paris_11.refresh_from_db()
    assert paris_11.under_pressure
    assert paris_11.pressure_ends_at == datetime(2026, 6, 14, 18, 0, tzinfo=UTC)
    page = client.get(reverse("stations:detail", args=[paris_11.slug])).content.decode()
    assert "Effectifs réduits jusqu&#x27;à dimanche." in page


def test_the_pressure_action_lists_then_cancels_the_periods_bookings(
    client, paris_11, staff_11e, django_capture_on_commit_callbacks
):
    inside = _booking(paris_11, datetime(2026, 6, 11, 8, 0, tzinfo=UTC))
    later = _booking(paris_11, datetime(2026, 6, 20, 8, 0, tzinfo=UTC))
    Station.objects.filter(pk=paris_11.pk).update(
        under_pressure=True, pressure_ends_at=datetime(2026, 6, 15, tzinfo=UTC), pressure_message="Grève"
    )
    client.force_login(staff_11e)
    selection = {"action": "cancel_pressure_bookings", "_selected_action": [paris_11.pk]}

    confirm = client.post(STATIONS, selection)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert inside.reference in page and later.reference not in page
    inside.refresh_from_db()
    assert inside.status == S.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(STATIONS, {**selection, "confirm": "yes"})

    inside.refresh_from_db()
    later.refresh_from_db()
    assert (inside.status, inside.cancel_cause) == (S.CANCELLED, CancelCause.PRESSURE)
    assert later.status == S.CONFIRMED
    assert len(mail.outbox) == 2


def test_the_pressure_action_cannot_reach_another_station(client, paris_11, paris_13, staff_11e):
    theirs = _booking(paris_13, datetime(2026, 6, 11, 8, 0, tzinfo=UTC))
    Station.objects.filter(pk=paris_13.pk).update(under_pressure=True)
    client.force_login(staff_11e)

    client.post(STATIONS, {"action": "cancel_pressure_bookings", "_selected_action": [paris_13.pk], "confirm": "yes"})

    theirs.refresh_from_db()
    assert theirs.status == S.CONFIRMED


def test_the_station_page_links_to_its_day(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    page = client.get(reverse("admin:stations_station_change", args=[paris_11.pk])).content.decode()

    assert f"{reverse('admin:bookings_booking_schedule')}?station={paris_11.pk}" in page
    assert reverse("admin:stations_station_week", args=[paris_11.pk]) in page
    assert reverse("admin:bookings_booking_desk") in page
