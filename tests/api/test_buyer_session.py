"""/api/v1/me/: the signed-in buyer's own bookings, their status and a cancel; never a partner's, never another's."""

import pytest
from django.test import Client

from bookings.models import BookingStatus
from tests import factories
from tests.bookings.lifecycle.helpers import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(frozen, buyer, paris_11, officer, charter, seller):
    return book(buyer, paris_11, seller, starts_at=paris_11_tomorrow(paris_11))


def paris_11_tomorrow(station):
    return factories.tomorrow_at(station.zone, 10)


def test_the_buyer_reads_their_own_bookings_and_no_one_elses(client, booking, other_buyer, paris_11, seller):
    book(other_buyer, paris_11, seller, starts_at=paris_11_tomorrow(paris_11).replace(hour=11))
    client.force_login(booking.buyer)

    response = client.get("/api/v1/me/bookings", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    (row,) = response.json()
    assert (row["reference"], row["status"], row["station"], row["space_kind"], row["may_cancel"]) == (
        booking.reference,
        "pending",
        "paris-11",
        "room",
        True,
    )
    assert row["status_label"] == "En attente du vendeur"


def test_without_a_session_it_is_a_401_even_with_a_partner_key(booking, api):
    response = api.get("/api/v1/me/bookings")

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_the_buyer_cancels_with_the_csrf_token(booking):
    client = Client(enforce_csrf_checks=True)
    client.force_login(booking.buyer)
    url = f"/api/v1/me/bookings/{booking.reference}/cancel"

    refused = client.post(url, {"reason": "Plus besoin"}, content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING

    client.get("/")  # the site's page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"reason": "Plus besoin"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == (BookingStatus.CANCELLED, "Plus besoin")
    again = client.post(url, {"reason": "Encore"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert (again.status_code, again.json()["code"]) == (409, "not_cancellable")


def test_another_buyers_booking_cannot_be_cancelled(client, booking, other_buyer):
    client.force_login(other_buyer)

    response = client.post(
        f"/api/v1/me/bookings/{booking.reference}/cancel", {"reason": "Non"}, content_type="application/json"
    )

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "a\x00b"}])
def test_a_cancel_without_a_proper_reason_changes_nothing(client, booking, body):
    client.force_login(booking.buyer)

    response = client.post(f"/api/v1/me/bookings/{booking.reference}/cancel", body, content_type="application/json")

    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
