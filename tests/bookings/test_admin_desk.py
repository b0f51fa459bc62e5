"""The check-in desk in the admin: a typed or scanned reference, both parties checked in, the outcome."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from bookings.models import BookingStatus, reference_from_input
from stations.models import Room
from tests import factories

S = BookingStatus
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 10:00 in Paris
DESK = reverse("admin:bookings_booking_desk")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _booking(station, status=S.CONFIRMED, **fields):
    return factories.BookingFactory(
        station=station,
        space=Room.objects.get(station=station),
        status=status,
        starts_at=NOW + timedelta(minutes=15),
        ends_at=NOW + timedelta(minutes=45),
        **fields,
    )


def _card(booking):
    return reverse("admin:bookings_booking_desk_booking", args=[booking.pk])


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SX-7KQ4M", "SX-7KQ4M"),
        ("sx-7kq4m", "SX-7KQ4M"),
        ("7KQ4M", "SX-7KQ4M"),
        ("7kq4m", "SX-7KQ4M"),
        ("  SX 7KQ4M \t", "SX-7KQ4M"),
        ("SX-7KQ4M\r\n", "SX-7KQ4M"),  # a scanner's Enter
        ("SX-7KQ4M\t", "SX-7KQ4M"),  # or Tab
        ("sx7kq4m", "SX-7KQ4M"),
        ("SX-7KQ4", None),
        ("SX-7KQ4MM", None),
        ("SX-0KQ4M", None),  # 0 is not in the alphabet
        ("", None),
        ("https://example.org", None),
    ],
)
def test_the_desk_reads_references_as_people_and_scanners_type_them(typed, expected):
    assert reference_from_input(typed) == expected


def test_a_scanned_reference_opens_the_bookings_card(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    client.force_login(staff_11e)

    assert client.get(DESK).status_code == 200
    response = client.get(DESK, {"reference": " " + booking.reference.lower().removeprefix("sx-") + "\r\n"})

    assert response.status_code == 302
    assert response["Location"] == _card(booking)
    card = client.get(response["Location"])
    assert card.status_code == 200
    page = card.content.decode()
    assert booking.reference in page
    assert booking.seller_name in page
    assert booking.buyer.email in page


def test_a_malformed_reference_is_explained(client, paris_11, staff_11e):
    client.force_login(staff_11e)

    response = client.get(DESK, {"reference": "hello"})

    assert response.status_code == 200
    assert "not a booking reference" in response.content.decode()


def test_another_stations_reference_is_not_found_at_the_desk(client, paris_11, paris_13, staff_11e):
    theirs = _booking(paris_13)
    client.force_login(staff_11e)

    response = client.get(DESK, {"reference": theirs.reference})

    assert response.status_code == 200
    assert "No booking of your station" in response.content.decode()
    assert theirs.seller_name not in response.content.decode()
    assert client.get(_card(theirs)).status_code == 404
    assert client.post(_card(theirs), {"action": "buyer_present"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.buyer_present_at is None


def test_staff_run_an_exchange_end_to_end_at_the_desk(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    client.force_login(staff_11e)

    client.post(_card(booking), {"action": "buyer_present"})
    booking.refresh_from_db()
    assert booking.buyer_present_at == NOW
    assert booking.status == S.CONFIRMED

    response = client.post(_card(booking), {"action": "seller_present"}, follow=True)
    booking.refresh_from_db()
    assert booking.status == S.CHECKED_IN
    assert any("Checked in" in message for message in _messages(response))

    response = client.post(_card(booking), {"action": "completed"})
    assert response["Location"] == DESK  # ready for the next scan
    booking.refresh_from_db()
    assert booking.status == S.COMPLETED
    assert list(booking.events.values_list("to_status", flat=True)) == [S.CHECKED_IN, S.COMPLETED]
    assert set(booking.events.values_list("actor", flat=True)) == {staff_11e.pk}
    # Each desk action is in the admin history too, and the record shows the arrivals.
    assert LogEntry.objects.filter(object_id=str(booking.pk), user=staff_11e).count() == 3
    record = client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).content.decode()
    assert "At the desk" in record and "buyer present at" in record.lower()


def test_the_desk_checks_in_on_staffs_decision(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    client.force_login(staff_11e)

    client.post(_card(booking), {"action": "check_in", "note": "Vendeur représenté par sa sœur"})

    booking.refresh_from_db()
    assert booking.status == S.CHECKED_IN
    assert booking.events.get().note == "Vendeur représenté par sa sœur"


@pytest.mark.parametrize(("party", "expected"), [("", "both"), ("buyer", "buyer"), ("seller", "seller")])
def test_the_desk_records_who_did_not_come(client, paris_11, staff_11e, party, expected):
    booking = _booking(paris_11)
    client.force_login(staff_11e)

    client.post(_card(booking), {"action": "no_show", "no_show_party": party})

    booking.refresh_from_db()
    assert (booking.status, booking.no_show_party) == (S.NO_SHOW, expected)


def test_an_item_refused_under_the_charter_at_the_desk(client, paris_11, staff_11e):
    booking = _booking(paris_11, status=S.CHECKED_IN)
    client.force_login(staff_11e)

    client.post(_card(booking), {"action": "refused", "refusal_category": "blade", "note": "Couteau de chasse"})

    booking.refresh_from_db()
    assert (booking.status, booking.refusal_category) == (S.REFUSED, "blade")


def test_an_incident_needs_its_note_and_sets_the_hold(client, paris_11, staff_11e):
    booking = _booking(paris_11, status=S.CHECKED_IN)
    client.force_login(staff_11e)

    refused = client.post(_card(booking), {"action": "incident", "note": ""}, follow=True)
    booking.refresh_from_db()
    assert booking.status == S.CHECKED_IN
    assert any("Describe the incident" in message for message in _messages(refused))

    client.post(_card(booking), {"action": "incident", "note": "Bagarre entre les parties"})

    booking.refresh_from_db()
    assert booking.status == S.INCIDENT
    assert booking.retention_hold


def test_a_refused_transition_is_a_message_not_an_error(client, paris_11, staff_11e):
    booking = _booking(paris_11, status=S.CONFIRMED)
    client.force_login(staff_11e)

    response = client.post(_card(booking), {"action": "completed"}, follow=True)

    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert any("can no longer be changed" in message for message in _messages(response))


def test_an_unknown_action_changes_nothing(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    client.force_login(staff_11e)

    client.post(_card(booking), {"action": "delete"})

    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_a_booking_for_another_day_is_flagged(client, paris_11, staff_11e):
    booking = _booking(paris_11)
    booking.starts_at += timedelta(days=2)
    booking.ends_at += timedelta(days=2)
    booking.save()
    client.force_login(staff_11e)

    assert "sx-not-today" in client.get(_card(booking)).content.decode()


def test_read_only_staff_see_the_card_but_cannot_act(client, paris_11):
    from django.contrib.auth.models import Permission

    booking = _booking(paris_11)
    viewer = factories.UserFactory(email="lecture@prefecture.example", is_staff=True, station=paris_11)
    viewer.user_permissions.add(Permission.objects.get(codename="view_booking"))
    client.force_login(viewer)

    page = client.get(_card(booking)).content.decode()
    assert "sx-desk-actions" not in page
    assert client.post(_card(booking), {"action": "buyer_present"}).status_code == 403


def test_superusers_use_the_desk_for_any_station(client, paris_13):
    booking = _booking(paris_13)
    root = factories.UserFactory(email="root@prefecture.example", is_staff=True, is_superuser=True)
    client.force_login(root)

    assert client.get(DESK, {"reference": booking.reference})["Location"] == _card(booking)
