"""A buyer sees and cancels only their own bookings; someone else's is a 404, never a 403."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingEvent, BookingStatus
from stations.models import SpaceKind
from tests import factories

S = BookingStatus

pytestmark = pytest.mark.django_db


# Wednesday 10:00 in Paris, far from midnight and from a daylight saving change:
# bookings and cancellation deadlines are read from the clock.
NOW = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bookings_of(paris_11, charter):
    def make(user, status=S.CONFIRMED, hours=0):
        starts_at = (timezone.now() + timedelta(days=2, hours=hours)).replace(microsecond=0)
        return factories.BookingFactory(
            station=paris_11,
            space=paris_11.spaces.get(kind=SpaceKind.ROOM),
            buyer=user,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            hold_expires_at=timezone.now() + timedelta(hours=24),
            buyer_charter_version=charter,
            status=status,
        )

    return make


@pytest.fixture
def bs_booking(bookings_of, other_buyer):
    """Buyer B's booking; the `buyer` fixture plays buyer A."""
    return bookings_of(other_buyer)


def detail_url(booking):
    return reverse("bookings:detail", kwargs={"reference": booking.reference})


def cancel_url(booking):
    return reverse("bookings:cancel", kwargs={"reference": booking.reference})


def snapshot(booking):
    booking = Booking.objects.get(pk=booking.pk)
    return (
        booking.status,
        booking.cancel_reason,
        booking.updated_at,
        BookingEvent.objects.filter(booking=booking).count(),
    )


def test_a_buyer_gets_404_on_another_buyers_booking_page(client, buyer, bs_booking):
    client.force_login(buyer)

    response = client.get(detail_url(bs_booking))

    assert response.status_code == 404
    assert bs_booking.seller_email not in response.text
    assert bs_booking.item_title not in response.text


def test_a_buyer_gets_404_on_another_buyers_cancel_page(client, buyer, bs_booking):
    client.force_login(buyer)

    assert client.get(cancel_url(bs_booking)).status_code == 404


@pytest.mark.parametrize("status", [S.PENDING, S.CONFIRMED])
def test_a_buyers_post_to_cancel_another_buyers_booking_is_404_and_changes_nothing(
    client, buyer, other_buyer, bookings_of, django_capture_on_commit_callbacks, status
):
    booking = bookings_of(other_buyer, status=status)
    before = snapshot(booking)
    client.force_login(buyer)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(cancel_url(booking), {"reason": "Je prends sa place"})

    assert response.status_code == 404
    assert snapshot(booking) == before
    assert callbacks == []
    assert mail.outbox == []


def test_an_unknown_reference_is_the_same_404_as_someone_elses(client, buyer, bs_booking):
    client.force_login(buyer)

    someone_elses = client.get(detail_url(bs_booking))
    unknown = client.get(reverse("bookings:detail", kwargs={"reference": "SX-XXXXX"}))

    assert someone_elses.status_code == unknown.status_code == 404


def test_the_owner_sees_the_booking(client, other_buyer, bs_booking):
    client.force_login(other_buyer)

    response = client.get(detail_url(bs_booking))

    assert response.status_code == 200
    assert bs_booking.reference in response.text


def test_the_owner_can_cancel_the_booking(client, other_buyer, bs_booking):
    client.force_login(other_buyer)

    response = client.post(cancel_url(bs_booking), {"reason": "Vendu à quelqu'un d'autre"})

    assert response.status_code == 302
    assert response.url == detail_url(bs_booking)
    bs_booking.refresh_from_db()
    assert bs_booking.status == S.CANCELLED
    assert bs_booking.cancel_reason == "Vendu à quelqu'un d'autre"
    assert bs_booking.events.get().actor == other_buyer


def test_a_buyers_list_shows_only_their_own_bookings(client, buyer, other_buyer, bookings_of):
    mine = bookings_of(buyer, hours=1)
    theirs = bookings_of(other_buyer, hours=2)
    client.force_login(buyer)

    response = client.get(reverse("bookings:mine"))

    assert response.status_code == 200
    assert mine.reference in response.text
    assert theirs.reference not in response.text


@pytest.mark.parametrize("url", [detail_url, cancel_url])
def test_an_anonymous_visitor_is_sent_to_log_in(client, bs_booking, url):
    before = snapshot(bs_booking)

    response = client.post(url(bs_booking), {"reason": "x"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert snapshot(bs_booking) == before


def test_staff_of_the_station_get_404_on_the_buyer_pages_too(client, staff_11e, bs_booking):
    # Staff work in the admin; the buyer's pages are the buyer's own.
    before = snapshot(bs_booking)
    client.force_login(staff_11e)

    assert client.get(detail_url(bs_booking)).status_code == 404
    assert client.post(cancel_url(bs_booking), {"reason": "x"}).status_code == 404
    assert snapshot(bs_booking) == before


def test_buyer_cannot_cancel_once_the_slot_has_started(client, buyer, charter):
    started = timezone.now() - timedelta(minutes=10)
    booking = factories.BookingFactory(
        buyer=buyer, status=BookingStatus.CONFIRMED, starts_at=started, buyer_charter_version=charter
    )
    client.force_login(buyer)
    client.post(reverse("bookings:cancel", args=[booking.reference]), {"reason": "Changed my mind"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not booking.events.exists()
